from django.apps import AppConfig


class CuentasConfig(AppConfig):
    name = "prep.cuentas"
    verbose_name = "Cuentas"
