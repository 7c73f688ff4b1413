"""The project's routes plus one view that fails, for the server-error page's test."""

from django.urls import path

from prep.urls import urlpatterns as del_proyecto


def _falla(request):
    raise RuntimeError("un defecto del servidor")


urlpatterns = [path("falla-de-prueba/", _falla), *del_proyecto]
