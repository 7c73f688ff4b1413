"""Writing to the bitácora (one entry per state change, in the caller's transaction) and
checking the copy kept in the database."""

from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone

from prep.bitacora.cadena import (
    GENESIS,
    Resultado,
    Verificador,
    calcular_hash,
    normalizar,
    texto_momento,
)
from prep.bitacora.models import Cabeza, Entrada

CABEZA = 1  # primary key of the single Cabeza row


def registrar(actor: str, accion: str, objeto: str, antes=None, despues=None) -> Entrada:
    """Append one entry. Must run inside the transaction that makes the change, so that the
    change and its entry are stored together or not at all.

    The head row is locked (SELECT … FOR UPDATE) until that transaction ends, so concurrent
    writers append one after another and the chain never forks.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("bitacora.registrar debe llamarse dentro de una transacción")
    cabeza, _ = Cabeza.objects.select_for_update().get_or_create(pk=CABEZA)
    # Real time, even with a simulated clock (prep/reloj.py): when the machine recorded it.
    momento = timezone.now()
    datos = {
        "numero": cabeza.numero + 1,
        "momento": texto_momento(momento),
        "actor": actor,
        "accion": accion,
        "objeto": objeto,
        "antes": normalizar(antes),
        "despues": normalizar(despues),
        "hash_anterior": cabeza.hash,
    }
    datos["hash"] = calcular_hash(datos)
    entrada = Entrada.objects.create(**{**datos, "momento": momento})
    cabeza.numero, cabeza.hash = datos["numero"], datos["hash"]
    cabeza.save(update_fields=["numero", "hash"])
    return entrada


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
