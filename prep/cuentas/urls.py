"""Páginas de cuentas: entrar y salir."""

urlpatterns: list = []
