from django.apps import AppConfig


class PublicacionConfig(AppConfig):
    name = "prep.publicacion"
    verbose_name = "Publicación"
