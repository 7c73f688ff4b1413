"""PREP Casilla: the app (/casilla/) and the coordinator's page of phones (/dispositivos/)."""

from django.urls import path

from prep.casilla import paginas, vistas

app_name = "casilla"
urlpatterns = [
    path("casilla/", vistas.archivo, name="app"),
    path("casilla/<path:ruta>", vistas.archivo, name="archivo"),
    path("dispositivos/", paginas.dispositivos, name="dispositivos"),
    path("dispositivos/<int:pk>/baja/", paginas.baja, name="baja"),
]
