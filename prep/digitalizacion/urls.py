"""Páginas de Digitalización."""

app_name = "digitalizacion"
urlpatterns: list = []
