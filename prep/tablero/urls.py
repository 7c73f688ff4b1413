"""Páginas de Tablero."""

app_name = "tablero"
urlpatterns: list = []
