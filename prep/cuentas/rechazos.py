"""The server's door: every refused request leaves one entry in the bitácora, a body larger
than anything PREP accepts (or compressed on the wire) is refused before it is read, and the
API's refusals are JSON even where Django answered before the API could (an unknown path).

A refusal is any 4xx answer of the application (API, operators' pages, unknown paths): 401, 403,
404, 405, 409, 413, 415, 422, 429, CSRF failures. Its entry (`solicitud.rechazada`) names the
actor (the person or device when known, else `direccion:<ip>`), the request as "METHOD /path"
(never the query string nor the body, which may carry keys or passwords) and the answer's status,
code and message. Logins refused by the form (wrong password, throttled) answer the form again
with 200 and are recorded by the form itself as `sesion.rechazada`. An anonymous visit to an
operator's page is sent to the login page (how every shift starts), not refused, and is not
recorded; the login that follows is.

The entry is written after the answer is decided, in a transaction of its own: the refused
request's work was already rolled back ("a refused request changes nothing") and the record of
the refusal survives it. A flood of refused requests costs one small insert each, serialized on
the bitácora's head like every other entry: that is accepted, since an auditor must see the
flood, and each entry is bounded in size (truncated texts, no body).
"""

import json
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prep.bitacora.servicios import registrar
from prep.cuentas.intentos import direccion_de

ACCION = "solicitud.rechazada"
API = "/api/"  # whose answers, refusals included, are JSON
# Column widths of the bitácora (Entrada.objeto, .actor) and what a message may take.
LARGO_OBJETO, LARGO_ACTOR, LARGO_CODIGO, LARGO_MENSAJE = 200, 200, 60, 300
# A JSON error of the API is read for its code and message only when this small.
LARGO_JSON = 16_384

registro = logging.getLogger(__name__)

# A Spanish code and message per status, when the answer does not carry its own.
_POR_ESTADO = {
    400: ("solicitud_invalida", gettext_lazy("la solicitud está mal formada")),
    401: ("no_autenticado", gettext_lazy("falta una sesión o un token válido")),
    403: ("sin_permiso", gettext_lazy("sin permiso para esta acción")),
    404: ("no_encontrado", gettext_lazy("no existe la ruta o el objeto pedido")),
    405: ("metodo_no_permitido", gettext_lazy("la ruta no admite ese método")),
    409: ("rechazado", gettext_lazy("la acción choca con el estado actual")),
    413: ("solicitud_muy_grande", gettext_lazy("la solicitud es demasiado grande")),
    415: ("tipo_no_admitido", gettext_lazy("el tipo de contenido no se admite")),
    422: ("datos_invalidos", gettext_lazy("los datos enviados no son válidos")),
    429: ("demasiadas_solicitudes", gettext_lazy("demasiadas solicitudes")),
}


def anotar(request: HttpRequest, codigo: str, mensaje: str) -> None:
    """Say why a page refuses the request (its answer is HTML): the bitácora records it."""
    request.prep_rechazo = (codigo, mensaje)


def _limpio(texto: object, largo: int) -> str:
    """Text as the bitácora may store it on every engine: no control characters (PostgreSQL
    refuses NUL), no lone surrogates, at most `largo` characters."""
    texto = str(texto).encode("utf-8", "replace").decode("utf-8")
    texto = "".join(c if c.isprintable() else "\ufffd" for c in texto)
    return texto if len(texto) <= largo else texto[: largo - 1] + "…"


def actor_de(request: HttpRequest) -> str:
    """Who made the request, as the bitácora names them."""
    actor = getattr(request, "actor", None)
    if actor is not None:
        return actor.nombre
    usuario = getattr(request, "user", None)
    if usuario is not None and usuario.is_authenticated:
        return f"usuario:{usuario.get_username()}"
    return f"direccion:{direccion_de(request) or 'desconocida'}"


def _motivo(request: HttpRequest, respuesta: HttpResponse) -> tuple[str, str]:
    """The code and message of a refusal: the API's JSON error, what the page noted, or the
    status's own."""
    codigo, mensaje = _POR_ESTADO.get(
        respuesta.status_code, ("rechazado", gettext_lazy("solicitud rechazada"))
    )
    if _es_json(respuesta) and not respuesta.streaming and len(respuesta.content) <= LARGO_JSON:
        try:
            cuerpo = json.loads(respuesta.content)
        except ValueError:
            cuerpo = None
        if isinstance(cuerpo, dict) and cuerpo.get("codigo"):
            return str(cuerpo["codigo"]), str(cuerpo.get("mensaje", mensaje))
    codigo, mensaje = getattr(request, "prep_rechazo", (codigo, mensaje))
    return str(codigo), str(mensaje)


def registrar_rechazo(request: HttpRequest, respuesta: HttpResponse) -> None:
    """One `solicitud.rechazada` entry for a refused request, in its own transaction. A
    database that does not answer loses the entry, never the answer (logged instead)."""
    codigo, mensaje = _motivo(request, respuesta)
    objeto = _limpio(f"{request.method} {request.path}", LARGO_OBJETO)
    try:
        actor = _limpio(actor_de(request), LARGO_ACTOR)  # may read the session
        despues = {
            "estado": respuesta.status_code,
            "codigo": _limpio(codigo, LARGO_CODIGO),
            "mensaje": _limpio(mensaje, LARGO_MENSAJE),
        }
        if not actor.startswith("direccion:"):
            despues["direccion"] = direccion_de(request)
        with transaction.atomic():
            registrar(actor, ACCION, objeto, None, despues)
    except DatabaseError as exc:
        registro.error("rechazo no registrado en la bitácora (%s): %s", objeto, exc)


def _es_json(respuesta: HttpResponse) -> bool:
    return respuesta.get("Content-Type", "").startswith("application/json")


def _en_json(request: HttpRequest, respuesta: HttpResponse) -> HttpResponse:
    """An API refusal that Django answered before the API could (a path no operation matches:
    404; a method it does not take: 405), in the API's JSON form."""
    codigo, mensaje = _motivo(request, respuesta)
    nueva = _respuesta(request, respuesta.status_code, codigo, mensaje)
    if respuesta.has_header("Allow"):
        nueva["Allow"] = respuesta["Allow"]
    return nueva


def _respuesta(request: HttpRequest, estado: int, codigo: str, mensaje: str) -> HttpResponse:
    if request.path.startswith(API):
        return JsonResponse(
            {"codigo": codigo, "mensaje": mensaje},
            status=estado,
            json_dumps_params={"ensure_ascii": False},
        )
    return HttpResponse(mensaje, status=estado, content_type="text/plain; charset=utf-8")


def en_la_puerta(request: HttpRequest) -> HttpResponse | None:
    """The refusal of a request no endpoint could accept, decided from its headers before its
    body is read; None when it may go in.

    - A body larger than the largest upload plus Django's limit on the other fields: 413 (the
      server closes the connection instead of reading the rest).
    - A compressed body (Content-Encoding): 415. Nothing here inflates a request body, so
      nothing can be a bomb; checked after the size, so that what the server still reads of a
      refused body is bounded.
    """
    try:
        largo = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        largo = 0  # Django reads no body then
    maximo = settings.PREP_IMAGEN_MAX_BYTES + (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
    if largo > maximo:
        return _respuesta(
            request,
            413,
            "solicitud_muy_grande",
            _("la solicitud pesa %(mb).1f MB; el máximo es %(max).1f MB")
            % {"mb": largo / 2**20, "max": maximo / 2**20},
        )
    codificacion = request.META.get("HTTP_CONTENT_ENCODING", "").strip().lower()
    if codificacion not in ("", "identity"):
        return _respuesta(
            request,
            415,
            "codificacion_no_admitida",
            _("no se admiten cuerpos comprimidos (Content-Encoding: %(c)s); envíelo sin comprimir")
            % {"c": _limpio(codificacion, 40)},
        )
    return None


class Rechazos:
    """Middleware: the door (`en_la_puerta`) and the bitácora of every 4xx answer. Placed
    before the middleware that may itself refuse (CommonMiddleware, CSRF) so that it sees
    their answers too."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        respuesta = en_la_puerta(request) or self.get_response(request)
        if 400 <= respuesta.status_code < 500:
            if request.path.startswith(API) and not _es_json(respuesta):
                respuesta = _en_json(request, respuesta)
            registrar_rechazo(request, respuesta)
        return respuesta

    def process_exception(self, request: HttpRequest, exc: Exception) -> None:
        """Keep the (Spanish) message of a view's Http404 or PermissionDenied for the entry;
        Django still answers it as usual."""
        if isinstance(exc, Http404 | PermissionDenied) and str(exc):
            estado = 404 if isinstance(exc, Http404) else 403
            anotar(request, _POR_ESTADO[estado][0], str(exc))
