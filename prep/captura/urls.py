"""Páginas de Captura: la cola de trabajo del capturista y su formulario."""

from django.urls import path

from prep.captura import vistas

app_name = "captura"
urlpatterns = [
    path("", vistas.inicio, name="inicio"),
    path("siguiente/", vistas.siguiente, name="siguiente"),
    path("<int:acta_id>/", vistas.capturar, name="capturar"),
]
