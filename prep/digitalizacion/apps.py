from django.apps import AppConfig


class DigitalizacionConfig(AppConfig):
    name = "prep.digitalizacion"
    verbose_name = "Digitalización"
