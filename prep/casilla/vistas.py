"""Serving the app at /casilla/: its files, with no cookies needed and a strict Content Security
Policy (the app runs only its own scripts and talks only to this server)."""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.views.decorators.http import require_http_methods

from prep.casilla.aplicacion import aplicacion

POLITICA = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' blob: data:",
        "media-src 'self' blob: mediastream:",
        "connect-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)


@require_http_methods(["GET", "HEAD"])
def archivo(request: HttpRequest, ruta: str = "index.html") -> HttpResponse:
    """One file of the app (`/casilla/` is its index). `no-cache`: the browser asks again every
    time it is online (a 304 costs nothing); offline, the service worker answers."""
    servido = aplicacion().archivos.get(ruta)
    if servido is None:
        raise Http404("no existe ese archivo de PREP Casilla")
    if request.headers.get("If-None-Match") == servido.etiqueta:
        respuesta: HttpResponse = HttpResponseNotModified()
    else:
        respuesta = HttpResponse(servido.datos, content_type=servido.tipo)
    respuesta["ETag"] = servido.etiqueta
    respuesta["Cache-Control"] = "no-cache"
    respuesta["Content-Security-Policy"] = POLITICA
    respuesta["X-Content-Type-Options"] = "nosniff"
    # The camera only for this app; nothing else from the phone.
    respuesta["Permissions-Policy"] = "camera=(self), microphone=(), geolocation=()"
    return respuesta
