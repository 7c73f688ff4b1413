"""URL routes: the JSON API under /api/v1/ and the operators' pages, one module per phase."""

from django.urls import include, path

from prep.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("prep.cuentas.urls")),
    path("acopio/", include("prep.acopio.urls")),
    path("digitalizacion/", include("prep.digitalizacion.urls")),
    path("", include("prep.casilla.urls")),
    path("captura/", include("prep.captura.urls")),
    path("verificacion/", include("prep.verificacion.urls")),
    path("empaquetado/", include("prep.empaquetado.urls")),
    path("tablero/", include("prep.tablero.urls")),
    path("", include("prep.monitoreo.urls")),
]
