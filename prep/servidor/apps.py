from django.apps import AppConfig


class ServidorConfig(AppConfig):
    name = "prep.servidor"
    verbose_name = "Servidor"
