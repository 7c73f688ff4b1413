"""Writing to the bitácora: one entry per state change, in the caller's transaction."""

from django.db import transaction
from django.utils import timezone

from prep.bitacora.cadena import calcular_hash
from prep.bitacora.models import Cabeza, Entrada


def registrar(actor: str, accion: str, objeto: str, antes=None, despues=None) -> Entrada:
    """Append one entry. Must run inside the transaction that makes the change, so that the
    change and its entry are stored together or not at all."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("bitacora.registrar debe llamarse dentro de una transacción")
    cabeza, _ = Cabeza.objects.select_for_update().get_or_create(pk=1)
    datos = {
        "numero": cabeza.numero + 1,
        "momento": timezone.now().isoformat(timespec="microseconds"),
        "actor": actor,
        "accion": accion,
        "objeto": objeto,
        "antes": antes,
        "despues": despues,
        "hash_anterior": cabeza.hash,
    }
    datos["hash"] = calcular_hash(datos)
    entrada = Entrada.objects.create(**datos)
    cabeza.numero, cabeza.hash = datos["numero"], datos["hash"]
    cabeza.save(update_fields=["numero", "hash"])
    return entrada


def como_dict(entrada: Entrada) -> dict:
    """An entry as exported and as hashed (momento as stored text)."""
    return {
        "numero": entrada.numero,
        "momento": entrada.momento.isoformat(timespec="microseconds"),
        "actor": entrada.actor,
        "accion": entrada.accion,
        "objeto": entrada.objeto,
        "antes": entrada.antes,
        "despues": entrada.despues,
        "hash_anterior": entrada.hash_anterior,
        "hash": entrada.hash,
    }
