"""Tablero."""

from django.apps import AppConfig


class TableroConfig(AppConfig):
    name = "prep.tablero"
    verbose_name = "Tablero"

    def ready(self) -> None:
        """Mount the tablero API on the project's API (before its URLs are built)."""
        from prep.api import api
        from prep.tablero.api import router

        api.add_router("/tablero", router)
