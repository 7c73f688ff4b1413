"""Monitoreo."""

from django.apps import AppConfig


class MonitoreoConfig(AppConfig):
    name = "prep.monitoreo"
    verbose_name = "Monitoreo"
