"""The JSON API (django-ninja, OpenAPI at /api/v1/docs): one router per phase.

Devices authenticate with `Authorization: Bearer <token>`; people with their session (and the
CSRF token). Every error is JSON `{"codigo": …, "mensaje": …}` with the message in Spanish.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest
from ninja import NinjaAPI
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
    if exc.status_code == 403 and "CSRF" in str(exc):
        # ninja's own refusal is in English.
        return error(request, 403, "csrf", "falta el token CSRF o no es válido; recargue la página")
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
