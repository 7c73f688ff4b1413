from django.apps import AppConfig


class BitacoraConfig(AppConfig):
    name = "prep.bitacora"
    verbose_name = "Bitácora"
