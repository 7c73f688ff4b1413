"""Verificación."""

from django.apps import AppConfig


class VerificacionConfig(AppConfig):
    name = "prep.verificacion"
    verbose_name = "Verificación"

    def ready(self) -> None:
        """Mount the verification API on the project's API (before its URLs are built)."""
        from prep.api import api
        from prep.verificacion.api import router

        api.add_router("/verificacion", router)
