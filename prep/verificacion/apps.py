"""Verificación."""

from django.apps import AppConfig


class VerificacionConfig(AppConfig):
    name = "prep.verificacion"
    verbose_name = "Verificación"
