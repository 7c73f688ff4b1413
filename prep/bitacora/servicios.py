"""Writing to the bitácora (one entry per state change, in the caller's transaction) and
checking the copy kept in the database."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone

from prep.bitacora.cadena import (
    GENESIS,
    Resultado,
    Verificador,
    calcular_huella,
    normalizar,
    sellar,
    texto_momento,
)
from prep.bitacora.models import Cabeza, Entrada

CABEZA = 1  # primary key of the single Cabeza row
# Engines where a trigger chains each entry as its transaction commits (migration bitacora 0003).
ENCADENA_LA_BASE = {"postgresql"}


def _contenido(actor: str, accion: str, objeto: str, antes, despues) -> tuple[datetime, dict]:
    """An entry's time and content, as hashed."""
    # Real time, even with a simulated clock (prep/reloj.py): when the machine recorded it.
    momento = timezone.now()
    return momento, {
        "momento": texto_momento(momento),
        "actor": actor,
        "accion": accion,
        "objeto": objeto,
        "antes": normalizar(antes),
        "despues": normalizar(despues),
    }


def registrar(actor: str, accion: str, objeto: str, antes=None, despues=None) -> Entrada:
    """Append one entry. Must run inside the transaction that makes the change, so that the
    change and its entry are stored together or not at all.

    Entries are chained through the head row, locked (SELECT … FOR UPDATE) so that concurrent
    writers append one after another and the chain never forks. On PostgreSQL the entry is
    stored with its content only and a deferred trigger takes its number and hash while the
    transaction commits: the head is locked for the commit alone, not for the rest of the
    transaction, so writers do not wait on each other's work (the returned entry's `numero` and
    `hash` are then None). On SQLite, one writer at a time, they are taken here.
    """
    conexion = transaction.get_connection()
    if not conexion.in_atomic_block:
        raise RuntimeError("bitacora.registrar debe llamarse dentro de una transacción")
    momento, datos = _contenido(actor, accion, objeto, antes, despues)
    if conexion.vendor in ENCADENA_LA_BASE:
        return Entrada.objects.create(
            **{**datos, "momento": momento, "huella": calcular_huella(datos)}
        )
    cabeza, _ = Cabeza.objects.select_for_update().get_or_create(pk=CABEZA)
    sellada = sellar(datos, cabeza.numero + 1, cabeza.hash)
    entrada = Entrada.objects.create(**{**sellada, "momento": momento})
    cabeza.numero, cabeza.hash = sellada["numero"], sellada["hash"]
    cabeza.save(update_fields=["numero", "hash"])
    return entrada


Nueva = tuple[str, str, str, object, object]  # actor, accion, objeto, antes, despues


def registrar_en_bloque(entradas: Iterable[Nueva], *, lote: int = 5_000) -> int:
    """Append many entries, in order, inserted `lote` at a time; how many. For national-scale
    loads, where one `registrar` per entry would take most of the load's time.

    Same rules as `registrar` (inside the transaction that makes the changes), but the entries
    are chained here, under the head's lock, on every engine: the PostgreSQL trigger leaves
    alone an entry that comes numbered. The head stays locked until the transaction ends, so
    every other writer of the bitácora waits for the whole load.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("bitacora.registrar_en_bloque debe llamarse dentro de una transacción")
    cabeza, _ = Cabeza.objects.select_for_update().get_or_create(pk=CABEZA)
    total, pendientes = 0, []
    for nueva in entradas:
        momento, datos = _contenido(*nueva)
        sellada = sellar(datos, cabeza.numero + 1, cabeza.hash)
        pendientes.append(Entrada(**{**sellada, "momento": momento}))
        cabeza.numero, cabeza.hash = sellada["numero"], sellada["hash"]
        if len(pendientes) == lote:
            total += len(Entrada.objects.bulk_create(pendientes))
            pendientes = []
    total += len(Entrada.objects.bulk_create(pendientes))
    cabeza.save(update_fields=["numero", "hash"])
    return total


def como_dict(entrada: Entrada) -> dict:
    """An entry as exported and as hashed."""
    return {
        "numero": entrada.numero,
        "momento": texto_momento(entrada.momento),
        "actor": entrada.actor,
        "accion": entrada.accion,
        "objeto": entrada.objeto,
        "antes": entrada.antes,
        "despues": entrada.despues,
        "huella": entrada.huella,
        "hash_anterior": entrada.hash_anterior,
        "hash": entrada.hash,
    }


def verificar_base() -> Resultado:
    """Check the chain stored in the database against its head row.

    Entries and head are read in one statement (the head as a subquery), so appends running
    meanwhile cannot make them disagree.
    """
    cabeza = Cabeza.objects.filter(pk=CABEZA)
    consulta = Entrada.objects.annotate(
        cabeza_numero=Subquery(cabeza.values("numero")[:1]),
        cabeza_hash=Subquery(cabeza.values("hash")[:1]),
    ).order_by("numero")
    verificador, leida = Verificador(), None
    for entrada in consulta.iterator(chunk_size=2000):
        leida = (entrada.cabeza_numero or 0, entrada.cabeza_hash or GENESIS)
        verificador.revisar(como_dict(entrada))
    if leida is None:
        leida = cabeza.values_list("numero", "hash").first() or (0, GENESIS)
    return verificador.terminar(leida)
