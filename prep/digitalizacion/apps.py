from django.apps import AppConfig


class DigitalizacionConfig(AppConfig):
    name = "prep.digitalizacion"
    verbose_name = "Digitalización"

    def ready(self) -> None:
        """Mount the digitalización API on the project's API (before its URLs are built)."""
        from prep.api import api
        from prep.digitalizacion.api import router

        api.add_router("/imagenes", router)
