"""Páginas de Empaquetado."""

app_name = "empaquetado"
urlpatterns: list = []
