"""Captura."""

from django.apps import AppConfig


class CapturaConfig(AppConfig):
    name = "prep.captura"
    verbose_name = "Captura"
