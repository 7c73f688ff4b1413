from django.apps import AppConfig


class SimulacroConfig(AppConfig):
    name = "prep.simulacro"
    verbose_name = "Simulacros"
