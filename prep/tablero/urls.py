"""Páginas de Tablero."""

from django.urls import path

from prep.tablero import vistas

app_name = "tablero"
urlpatterns = [path("", vistas.inicio, name="inicio")]
