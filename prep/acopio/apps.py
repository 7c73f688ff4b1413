"""Acopio."""

from django.apps import AppConfig


class AcopioConfig(AppConfig):
    name = "prep.acopio"
    verbose_name = "Acopio"

    def ready(self) -> None:
        """Mount the acopio API on the project's API (before its URLs are built)."""
        from prep.acopio.api import router
        from prep.api import api

        api.add_router("/acopio", router)
