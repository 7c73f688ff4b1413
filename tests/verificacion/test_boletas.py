"""Verificación of actas whose municipio prints its own contenders (B1, B2): the verificador
sees only the printed fields, in acta order; a resolution or a cotejo that names a field the
acta does not print is refused (422, in Spanish) and changes nothing."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from prep.actas.models import Acta
from prep.captura.models import Captura
from prep.captura.servicios import capturar, siguiente_acta
from prep.verificacion.consultas import lista_de_conflictos
from tests.captura.ayudas import cliente, entradas
from tests.captura.boletas import PERSONA, campos, cifras, digitalizada, importar_catalogo

pytestmark = pytest.mark.django_db
# The row header of every field of the comparison table, in page order.
_FILA = re.compile(r'<th scope="row">(?P<etiqueta>[^<]*)')


@pytest.fixture
def distrito(tmp_path):
    """The catálogo of `tests.captura.boletas`; the centro serves its distrito local."""
    return importar_catalogo(tmp_path / "catalogo")


@pytest.fixture
def conflicto(distrito, ana, beto) -> Acta:
    """An M2 acta whose captures differ in CAND_IND_1 only."""
    acta = digitalizada(2)
    for actor, datos in ((ana, cifras(2)), (beto, cifras(2, CAND_IND_1=6))):
        siguiente_acta(actor)
        capturar(acta, actor, datos)
    acta.refresh_from_db()
    assert acta.estado == Acta.Estado.EN_CONFLICTO
    return acta


def _post(c, ruta: str, datos: dict):
    return c.post(ruta, datos, content_type="application/json")


def test_el_verificador_ve_solo_los_campos_impresos(conflicto, vera):
    c = cliente(vera)
    [fila] = c.get("/api/v1/verificacion/conflictos").json()
    assert fila["campos_que_difieren"] == 1

    detalle = c.get(f"/api/v1/verificacion/{conflicto.pk}").json()
    assert [k["clave"] for k in detalle["campos"]] == campos(2)
    assert detalle["difieren"] == ["CAND_IND_1"]
    independiente = next(k for k in detalle["campos"] if k["clave"] == "CAND_IND_1")
    assert independiente["etiqueta"] == f"CAND_IND_1 — {PERSONA[2]}"
    assert (independiente["captura_1"], independiente["captura_2"]) == (60, 6)

    pagina = c.get(f"/verificacion/{conflicto.pk}/").text
    etiquetas = [m["etiqueta"] for m in _FILA.finditer(pagina)]
    assert etiquetas == [k["etiqueta"] for k in detalle["campos"]]
    assert "MORENA" not in pagina
    assert 'name="valor_CAND_IND_1"' in pagina


def test_resolver_con_un_campo_que_el_acta_no_imprime_se_rechaza(conflicto, vera):
    c = cliente(vera)
    ruta = f"/api/v1/verificacion/{conflicto.pk}"
    antes = len(entradas(conflicto))
    respuesta = _post(
        c,
        ruta,
        {
            "valores": {"CAND_IND_1": 60, "MORENA": 0},
            "motivos": {"CAND_IND_1": "dice 60", "MORENA": "no hay"},
        },
    )
    assert respuesta.status_code == 422, respuesta.content
    assert respuesta.json() == {
        "codigo": "resolucion_invalida",
        "mensaje": "campos que esta acta no tiene: MORENA",
    }
    conflicto.refresh_from_db()
    assert conflicto.estado == Acta.Estado.EN_CONFLICTO
    assert len(entradas(conflicto)) == antes
    assert not Captura.objects.filter(numero=Captura.Numero.ARBITRAJE).exists()

    resuelta = _post(c, ruta, {"valores": {"CAND_IND_1": 60}, "motivos": {"CAND_IND_1": "60"}})
    assert resuelta.status_code == 200, resuelta.content
    cuerpo = resuelta.json()
    assert cuerpo["cifras"] == cifras(2)
    assert cuerpo["evaluacion"]["observaciones"] == []
    assert cuerpo["evaluacion"]["con_inconsistencia"] is False


def test_cotejar_con_un_campo_que_el_acta_no_imprime_se_rechaza(conflicto, vera):
    c = cliente(vera)
    ruta = f"/api/v1/verificacion/{conflicto.pk}"
    _post(c, ruta, {"valores": {"CAND_IND_1": 60}, "motivos": {"CAND_IND_1": "60"}})
    conflicto.refresh_from_db()
    verificadas = conflicto.cifras
    ajenas = cifras(2)
    ajenas["votos"]["PAN_PRI"] = 4

    respuesta = _post(c, f"{ruta}/cotejo", {"cifras": ajenas, "motivo": "recuento"})

    assert respuesta.status_code == 422, respuesta.content
    assert respuesta.json() == {
        "codigo": "cifras_invalidas",
        "mensaje": "campos de votos que esta acta no tiene: PAN_PRI",
    }
    conflicto.refresh_from_db()
    assert conflicto.cifras == verificadas


def test_la_lista_de_conflictos_no_consulta_una_boleta_por_acta(distrito, ana, beto, vera):
    def conflicto_en(municipio: int) -> None:
        acta = digitalizada(municipio)
        ultimo = "CAND_IND_1" if municipio > 1 else "MORENA"
        for actor, datos in ((ana, cifras(municipio)), (beto, cifras(municipio, **{ultimo: 1}))):
            siguiente_acta(actor)
            capturar(acta, actor, datos)

    def consultas() -> int:
        with CaptureQueriesContext(connection) as hechas:
            filas = lista_de_conflictos(vera)
        assert [f["campos_que_difieren"] for f in filas] == [1] * len(filas)
        return len(hechas)

    conflicto_en(1)
    una = consultas()
    conflicto_en(2)
    conflicto_en(3)
    assert consultas() == una
