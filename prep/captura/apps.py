"""Captura."""

from django.apps import AppConfig


class CapturaConfig(AppConfig):
    name = "prep.captura"
    verbose_name = "Captura"

    def ready(self) -> None:
        """Mount the capture API on the project's API (before its URLs are built)."""
        from prep.api import api
        from prep.captura.api import router

        api.add_router("/captura", router)
