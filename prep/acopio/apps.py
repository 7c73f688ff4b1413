"""Acopio."""

from django.apps import AppConfig


class AcopioConfig(AppConfig):
    name = "prep.acopio"
    verbose_name = "Acopio"
