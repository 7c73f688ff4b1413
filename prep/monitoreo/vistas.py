"""/metricas for Prometheus, /salud/vivo and /salud/listo for a load balancer.

None of them needs a session, reads or sets a cookie, or checks CSRF (they only answer GET and
HEAD); none writes anything. The health checks are public (a balancer does not authenticate)
and show nothing sensitive. /metricas shows operational figures before the legal start of
publication, so it is guarded: with `PREP_METRICAS_TOKEN` set, only a request with
`Authorization: Bearer <token>` reads it; without a token, only a client on this same machine
(loopback) that did not come through a proxy.
"""

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from prep.monitoreo import salud
from prep.monitoreo.metricas import exposicion

# Seconds a balancer is told to wait before asking again a server that is not ready.
REINTENTO = 5
# A request that went through a proxy on this machine arrives from loopback but is not local.
_CABECERAS_DE_PROXY = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def _json(cuerpo: dict, estado: int = 200) -> JsonResponse:
    respuesta = JsonResponse(cuerpo, status=estado, json_dumps_params={"ensure_ascii": False})
    # A cached answer about health or figures is a wrong answer.
    respuesta["Cache-Control"] = "no-store"
    return respuesta


def _error(estado: int, codigo: str, mensaje: str) -> JsonResponse:
    return _json({"codigo": codigo, "mensaje": mensaje}, estado)


def es_local(request: HttpRequest) -> bool:
    """True for a client on this machine (127.0.0.0/8, ::1, ::ffff:127.x) that did not come
    through a proxy."""
    if any(cabecera in request.META for cabecera in _CABECERAS_DE_PROXY):
        return False
    try:
        direccion = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    if isinstance(direccion, ipaddress.IPv6Address) and direccion.ipv4_mapped is not None:
        direccion = direccion.ipv4_mapped
    return direccion.is_loopback


def _rechazo(request: HttpRequest) -> HttpResponse | None:
    """Why the request may not read the metrics (401/403), or None."""
    token = settings.PREP_METRICAS_TOKEN
    if not token:
        if es_local(request):
            return None
        return _error(
            403,
            "solo_local",
            _(
                "las métricas sólo se sirven a esta misma máquina; para leerlas desde otra,"
                " defina PREP_METRICAS_TOKEN"
            ),
        )
    esquema, _espacio, recibido = request.headers.get("Authorization", "").partition(" ")
    if esquema.lower() == "bearer" and hmac.compare_digest(
        recibido.strip().encode(), token.encode()
    ):
        return None
    respuesta = _error(401, "no_autenticado", _("falta el token de métricas o no es válido"))
    respuesta["WWW-Authenticate"] = 'Bearer realm="prep-metricas"'
    return respuesta


@require_safe
def metricas(request: HttpRequest) -> HttpResponse:
    """The Prometheus exposition (text, or OpenMetrics when the Accept header asks for it)."""
    rechazo = _rechazo(request)
    if rechazo is not None:
        return rechazo
    cuerpo, tipo = exposicion(request.headers.get("Accept", ""))
    respuesta = HttpResponse(cuerpo, content_type=tipo)
    respuesta["Cache-Control"] = "no-store"
    return respuesta


@require_safe
def vivo(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers HTTP. Touches nothing else (a database outage must not
    get healthy processes restarted)."""
    return _json({"estado": "vivo"})


@require_safe
def listo(request: HttpRequest) -> HttpResponse:
    """Readiness: 200 when the database takes writes and the image store holds enough copies;
    503, with the failed check and Retry-After, otherwise."""
    resultado = salud.comprobar()
    cuerpo = {
        "estado": "listo" if resultado.listo else "no_listo",
        "comprobaciones": {
            nombre: comprobacion.como_dict()
            for nombre, comprobacion in resultado.comprobaciones.items()
        },
    }
    if resultado.listo:
        return _json(cuerpo)
    respuesta = _json(cuerpo, 503)
    respuesta["Retry-After"] = str(REINTENTO)
    return respuesta
