"""Tablero."""

from django.apps import AppConfig


class TableroConfig(AppConfig):
    name = "prep.tablero"
    verbose_name = "Tablero"
