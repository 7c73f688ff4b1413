from django.apps import AppConfig


class ContinuidadConfig(AppConfig):
    name = "prep.continuidad"
    verbose_name = "Continuidad"
