from django.apps import AppConfig


class DifusionConfig(AppConfig):
    name = "prep.difusion"
    verbose_name = "Difusión"
