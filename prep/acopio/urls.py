"""Páginas de Acopio."""

app_name = "acopio"
urlpatterns: list = []
