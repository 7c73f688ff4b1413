from django.apps import AppConfig


class CatalogoConfig(AppConfig):
    name = "prep.catalogo"
    verbose_name = "Catálogo"
