"""The bitácora entry that every `prep` process writes when it starts: which software (its
fingerprint and version) ran which order, so the log names the code behind every change."""

import os

from django.db import transaction

from prep.bitacora.servicios import registrar
from prep.huella import huella_software, version

ACCION = "software.inicio"
OBJETO = "software"  # one object: `objeto=software` lists every start, oldest first
# The actor of what no person does (prep.cuentas.identidad.SISTEMA, a layer above this one).
ACTOR = "sistema"


def registrar_inicio(orden: str) -> None:
    """Append `software.inicio` with the fingerprint, the version, the order (`orden`, e.g.
    "servir" or "publicacion publicar") and this process's id, in a transaction of its own.
    Call it once the database is migrated."""
    with transaction.atomic():
        registrar(
            ACTOR,
            ACCION,
            OBJETO,
            None,
            {
                "huella": huella_software(),
                "version": version(),
                "orden": orden,
                "pid": os.getpid(),
            },
        )
