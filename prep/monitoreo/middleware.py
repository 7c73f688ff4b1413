"""Counts and times every request for /metricas, and answers the load balancer's health checks.

Requests are labelled by the URL pattern they matched (never the raw path: a path per acta or
per image would make a series per acta).

/salud/vivo and /salud/listo are answered here, before Django's other middleware: a balancer
probes each server by its address (`Host: 10.0.0.5:8000`), which ALLOWED_HOSTS rightly refuses
for the application, and these answers build nothing from the Host header. Their URL patterns
stay in `urls.py` for `reverse` and the permissions registry. /metricas gets no such pass: the
Host check is what keeps a page in a local browser from reading it by DNS rebinding.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from prep.monitoreo import vistas
from prep.monitoreo.metricas import DURACION, PETICIONES

# Any other method token a client sends is counted as OTRO: labels stay a small, fixed set.
METODOS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND"})
SIN_RUTA = "(sin ruta)"
ESTATICOS = "(estáticos)"
SALUD = {"/salud/vivo": vistas.vivo, "/salud/listo": vistas.listo}


def ruta_de(request: HttpRequest) -> str:
    """The URL pattern the request matched (`api/v1/imagenes/<sha256>`), `(estáticos)` for a
    static file served before URL resolution, else `(sin ruta)`."""
    if request.resolver_match is not None:
        return request.resolver_match.route
    if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return ESTATICOS
    return SIN_RUTA


class MedirPeticiones:
    """Django middleware: one count per request (method, route, status code) and its duration
    until the response is ready (a streamed body is sent afterwards and not timed)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        inicio = time.perf_counter()
        salud = SALUD.get(request.path_info)
        if salud is not None:
            respuesta, ruta = salud(request), request.path_info.lstrip("/")
        else:
            respuesta = self.get_response(request)
            ruta = ruta_de(request)
        duracion = time.perf_counter() - inicio
        metodo = request.method if request.method in METODOS else "OTRO"
        PETICIONES.labels(metodo, ruta, str(respuesta.status_code)).inc()
        DURACION.labels(metodo, ruta).observe(duracion)
        return respuesta
