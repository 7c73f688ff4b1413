"""Páginas de Acopio."""

from django.urls import path

from prep.acopio import vistas

app_name = "acopio"
urlpatterns = [path("", vistas.inicio, name="inicio")]
