"""Migration bitacora 0003 chains again, with the new formula, a bitácora written with the old
one, and refuses one that was altered."""

import importlib
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from prep.bitacora.cadena import GENESIS
from prep.bitacora.servicios import verificar_base

migracion = importlib.import_module("prep.bitacora.migrations.0003_cadena_en_la_base")
pytestmark = pytest.mark.django_db(transaction=True)
ANTES = [("bitacora", "0002_campos_mas_largos")]


def migrar(destino) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(destino)
    return executor


@pytest.fixture
def bitacora_anterior():
    """The app at 0002 with three entries chained by the old formula; back to the latest after."""
    estado = migrar(ANTES).loader.project_state(ANTES[0])
    Entrada, Cabeza = (estado.apps.get_model("bitacora", m) for m in ("Entrada", "Cabeza"))
    anterior = GENESIS
    for numero in (1, 2, 3):
        momento = datetime(2027, 6, 7, 2, numero, tzinfo=UTC)
        fila = {
            "momento": momento.isoformat(timespec="microseconds"),
            "actor": "usuario:ana",
            "accion": "acopio.registrar",
            "objeto": f"acta:{numero}",
            "antes": None,
            "despues": {"estado": "acopiada", "reales": [2.0]},
        }
        hash_ = migracion._hash_anterior_formula(fila, numero, anterior)
        Entrada.objects.create(
            **{**fila, "momento": momento}, numero=numero, hash_anterior=anterior, hash=hash_
        )
        anterior = hash_
    Cabeza.objects.create(pk=1, numero=3, hash=anterior)
    yield Entrada
    # Back to the latest migration, with nothing left for 0003 to refuse.
    estado = migrar(ANTES).loader.project_state(ANTES[0])
    for modelo in ("Entrada", "Cabeza"):
        estado.apps.get_model("bitacora", modelo).objects.all().delete()
    migrar(migrar([]).loader.graph.leaf_nodes())


def test_una_bitacora_anterior_integra_queda_encadenada_de_nuevo(bitacora_anterior):
    migrar([("bitacora", "0003_cadena_en_la_base")])
    resultado = verificar_base()
    assert resultado.integra, resultado.fallas
    assert resultado.total == 3
    # And back: the old formula's chain again, checked as the old code checked it.
    Entrada = migrar(ANTES).loader.project_state(ANTES[0]).apps.get_model("bitacora", "Entrada")
    anterior = GENESIS
    for entrada in Entrada.objects.order_by("numero"):
        fila = {c: getattr(entrada, c) for c in ("actor", "accion", "objeto", "antes", "despues")}
        fila["momento"] = entrada.momento.astimezone(UTC).isoformat(timespec="microseconds")
        assert entrada.hash_anterior == anterior
        anterior = migracion._hash_anterior_formula(fila, entrada.numero, anterior)
        assert entrada.hash == anterior


def test_una_bitacora_anterior_alterada_no_se_sella_como_integra(bitacora_anterior):
    bitacora_anterior.objects.filter(numero=2).update(actor="usuario:intruso")
    with pytest.raises(RuntimeError, match="alterada en la entrada 2"):
        migrar([("bitacora", "0003_cadena_en_la_base")])
