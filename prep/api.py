"""The JSON API (django-ninja, OpenAPI at /api/v1/docs): one router per phase, mounted here.

Devices authenticate with `Authorization: Bearer <token>`; people with their session (and the
CSRF token). Every error is JSON `{"codigo": …, "mensaje": …}` with the message in Spanish.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from prep.acopio.api import router as acopio
from prep.captura.api import router as captura
from prep.casilla.api import router as casilla
from prep.digitalizacion.api import router as digitalizacion
from prep.empaquetado.api import router as empaquetado
from prep.errores import Demasiadas, ErrorDeDominio
from prep.tablero.api import router as tablero
from prep.verificacion.api import router as verificacion
from prep.web.autenticacion import SesionUsuario, TokenDispositivo
from prep.web.errores import estado_http

api = NinjaAPI(
    title="PREP Abierto",
    version="1",
    description="API de operación del PREP: acopio, digitalización, captura y verificación.",
    auth=[TokenDispositivo(), SesionUsuario()],
    urls_namespace="api",
    docs_url="/docs",
)
# In the order of the Proceso Técnico Operativo (the OpenAPI document lists them so).
api.add_router("/acopio", acopio)
api.add_router("/imagenes", digitalizacion)
api.add_router("/casilla", casilla)
api.add_router("/captura", captura)
api.add_router("/verificacion", verificacion)
api.add_router("/empaquetado", empaquetado)
api.add_router("/tablero", tablero)


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
    respuesta = error(request, estado_http(exc.codigo), exc.codigo, str(exc))
    if isinstance(exc, Demasiadas):
        respuesta["Retry-After"] = str(exc.segundos)
    return respuesta


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
