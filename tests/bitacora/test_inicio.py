"""`registrar_inicio`: the bitácora entry with which every `prep` process names its software."""

import json
import os

import pytest

from prep.bitacora.inicio import registrar_inicio
from prep.bitacora.models import Entrada
from prep.bitacora.servicios import verificar_base
from prep.huella import huella_software, version
from tests.cuentas.ayudas import prep

pytestmark = pytest.mark.django_db(transaction=True)


def test_cada_inicio_es_una_entrada_encadenada():
    registrar_inicio("servir")
    registrar_inicio("publicacion publicar")
    entradas = list(Entrada.objects.filter(accion="software.inicio").order_by("numero"))
    assert [(e.actor, e.objeto, e.antes) for e in entradas] == [("sistema", "software", None)] * 2
    assert [e.despues for e in entradas] == [
        {"huella": huella_software(), "version": version(), "orden": orden, "pid": os.getpid()}
        for orden in ("servir", "publicacion publicar")
    ]
    assert all(e.numero is not None for e in entradas)  # committed: chained on every engine
    assert verificar_base().integra


def test_cada_orden_prep_anota_su_inicio_y_las_que_no_usan_la_base_no(tmp_path):
    """A `prep` process that works on the database writes its start, with the fingerprint
    `prep huella` prints; `prep huella` itself, which needs no database, writes nothing."""
    resumen = prep("catalogo", "resumen", cwd=tmp_path)
    assert resumen.returncode == 0, resumen.stderr
    [entrada] = Entrada.objects.filter(accion="software.inicio")
    assert entrada.despues["orden"] == "catalogo resumen"
    impresa = prep("huella", "--json", cwd=tmp_path)
    assert impresa.returncode == 0, impresa.stderr
    assert json.loads(impresa.stdout)["huella_software"] == entrada.despues["huella"]
    assert Entrada.objects.filter(accion="software.inicio").count() == 1
