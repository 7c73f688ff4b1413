from django.apps import AppConfig


class BitacoraConfig(AppConfig):
    name = "prep.bitacora"
    verbose_name = "Bitácora"

    def ready(self) -> None:
        # Every `prep` order that works on the database names, in the bitácora, the software
        # that ran it (its fingerprint), once the database is known to be ready.
        from prep.orden import base_lista

        base_lista.connect(_al_iniciar, dispatch_uid="prep.bitacora.inicio")


def _al_iniciar(sender, orden: str, **_kwargs) -> None:
    """`base_lista`'s receiver: one `software.inicio` entry for this process's order. An order
    that cannot be recorded does not run: one Spanish line says why."""
    from django.core.management import CommandError
    from django.db import DatabaseError

    from prep.bitacora.inicio import registrar_inicio

    try:
        registrar_inicio(orden)
    except DatabaseError as exc:
        raise CommandError(
            f"no se pudo anotar el inicio de la orden en la bitácora ({exc}); no se hizo nada"
        ) from exc
