from django.apps import AppConfig


class CasillaConfig(AppConfig):
    name = "prep.casilla"
    verbose_name = "PREP Casilla"
