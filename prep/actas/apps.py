from django.apps import AppConfig


class ActasConfig(AppConfig):
    name = "prep.actas"
    verbose_name = "Actas"
