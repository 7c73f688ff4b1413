"""Empaquetado."""

from django.apps import AppConfig


class EmpaquetadoConfig(AppConfig):
    name = "prep.empaquetado"
    verbose_name = "Empaquetado"
