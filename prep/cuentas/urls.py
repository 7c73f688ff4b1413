"""Páginas de cuentas: entrar, salir y la página de inicio de cada rol."""

from django.urls import path

from prep.cuentas import vistas

urlpatterns = [
    path("", vistas.inicio, name="inicio"),
    path("entrar/", vistas.Entrar.as_view(), name="entrar"),
    path("salir/", vistas.Salir.as_view(), name="salir"),
]
