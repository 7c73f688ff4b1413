"""Páginas de Digitalización: la cola de clasificación manual (con subida desde un escáner de
escritorio) y las imágenes de las actas."""

from django.urls import path

from prep.digitalizacion import vistas

app_name = "digitalizacion"
urlpatterns = [
    path("", vistas.inicio, name="inicio"),
    path("subir/", vistas.subir, name="subir"),
    path("imagen/<str:sha256>/", vistas.imagen, name="imagen"),
]
