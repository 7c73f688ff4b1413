"""Empaquetado."""

from django.apps import AppConfig


class EmpaquetadoConfig(AppConfig):
    name = "prep.empaquetado"
    verbose_name = "Empaquetado"

    def ready(self) -> None:
        """Mount the empaquetado API on the project's API (before its URLs are built)."""
        from prep.api import api
        from prep.empaquetado.api import router

        api.add_router("/empaquetado", router)
