"""Páginas de Verificación: las actas en conflicto y la resolución de cada una."""

from django.urls import path

from prep.verificacion import vistas

app_name = "verificacion"
urlpatterns = [
    path("", vistas.inicio, name="inicio"),
    path("<int:acta_id>/", vistas.acta, name="acta"),
]
