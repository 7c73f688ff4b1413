"""The JSON API (django-ninja, OpenAPI at /api/v1/docs): one router per phase.

Devices authenticate with `Authorization: Bearer <token>`; people with their session (and the
CSRF token). Every error is JSON `{"codigo": …, "mensaje": …}` with the message in Spanish.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest
from ninja import NinjaAPI, Path, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from prep.actas.servicios import ErrorDeDominio
from prep.cuentas.identidad import Actor, actor_de_token, actor_de_usuario


class TokenDispositivo(HttpBearer):
    """A device's bearer token."""

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        actor = actor_de_token(token)
        if actor:
            request.actor = actor
        return actor


class SesionUsuario(APIKeyCookie):
    """A logged-in person's session cookie, with CSRF checked on unsafe methods."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a session there is nothing a forged request could use: the answer is 401
        # ("no autenticado"), not a CSRF refusal.
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        actor = actor_de_usuario(request.user)
        if actor:
            request.actor = actor
        return actor


api = NinjaAPI(
    title="PREP Abierto",
    version="1",
    description="API de operación del PREP: acopio, digitalización, captura y verificación.",
    auth=[TokenDispositivo(), SesionUsuario()],
    urls_namespace="api",
    docs_url="/docs",
)


registro = logging.getLogger(__name__)


class Error(Schema):
    """Every refusal: a stable code and a message in Spanish."""

    codigo: str
    mensaje: str


# What any operation may answer besides its own results, for its `response={…}`: a body that
# cannot be read (400), no credential (401), no permission or CSRF (403), an unknown or
# out-of-scope object (404), a domain conflict (409), the door (413 too large, 415 compressed:
# prep.cuentas.rechazos), invalid data (422), the database away (503).
ERRORES = {estado: Error for estado in (400, 401, 403, 404, 409, 413, 415, 422, 503)}
# Row ids are positive 64-bit integers: the schema says so, and anything else is invalid data.
ID_MAXIMO = 2**63 - 1


def identificador(descripcion: str):
    """A path parameter that names a row by its id (`acta_id: int = identificador("…")`)."""
    return Path(..., ge=1, le=ID_MAXIMO, description=descripcion)


def error(request: HttpRequest, estado: int, codigo: str, mensaje: str):
    """A JSON error response with a code and a Spanish message."""
    return api.create_response(request, {"codigo": codigo, "mensaje": mensaje}, status=estado)


@api.exception_handler(ValidationError)
def _validacion(request, exc: ValidationError):
    detalles = []
    for e in exc.errors:
        campo = ".".join(str(p) for p in e.get("loc", ())[1:]) or "cuerpo"
        detalles.append(f"{campo}: {e.get('msg', 'valor no válido')}")
    return error(request, 422, "datos_invalidos", "datos no válidos: " + "; ".join(detalles))


@api.exception_handler(AuthenticationError)
def _autenticacion(request, exc):
    return error(request, 401, "no_autenticado", "falta una sesión o un token válido")


@api.exception_handler(ErrorDeDominio)
def _dominio(request, exc: ErrorDeDominio):
    return error(
        request, getattr(exc, "estado", 409), getattr(exc, "codigo", "rechazado"), str(exc)
    )


@api.exception_handler(HttpError)
def _http(request, exc: HttpError):
    # ninja's own refusals are in English.
    if exc.status_code == 403 and "CSRF" in str(exc):
        return error(request, 403, "csrf", "falta el token CSRF o no es válido; recargue la página")
    if exc.status_code == 400:
        mensaje = "el cuerpo de la solicitud no se pudo leer; envíe JSON válido en UTF-8"
        return error(request, 400, "cuerpo_ilegible", mensaje)
    return error(request, exc.status_code, getattr(exc, "codigo", "error"), str(exc))


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def _base_no_disponible(request, exc):
    # The database did not answer: the primary fell and the espejo is being promoted, the
    # server restarts, a lock waited too long. The connection is replaced before the next
    # request (CONN_HEALTH_CHECKS), and every write of the API is idempotent, so the client
    # retries the same request, even if this one's COMMIT took effect before its answer was lost.
    registro.warning("la base de datos no respondió (%s): %s", request.path, exc)
    mensaje = "la base de datos no responde; reintente en unos segundos"
    respuesta = error(request, 503, "base_no_disponible", mensaje)
    respuesta["Retry-After"] = "1"
    return respuesta
