"""Páginas de Verificación."""

app_name = "verificacion"
urlpatterns: list = []
