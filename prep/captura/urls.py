"""Páginas de Captura."""

app_name = "captura"
urlpatterns: list = []
