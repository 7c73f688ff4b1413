"""Páginas de Empaquetado."""

from django.urls import path

from prep.empaquetado import vistas

app_name = "empaquetado"
urlpatterns = [path("", vistas.inicio, name="inicio")]
