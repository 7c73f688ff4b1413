"""Each acta is captured with exactly the fields its boleta prints (B1, B2): three municipios of
one ayuntamientos election, each with its own contenders. The capture page and API list each
municipio's fields in acta order; a field of another municipio's acta is refused (422, in
Spanish) with nothing stored; the rules look only at the printed fields."""

import re

import pytest

from prep.actas.models import Acta
from prep.actas.veredicto import evaluacion_de
from prep.bitacora.models import Entrada
from prep.captura.models import Asignacion, Captura
from prep.captura.presentacion import para_capturar
from prep.captura.servicios import capturar, siguiente_acta
from prep.catalogo.consultas import columnas_de
from prep.catalogo.models import Ambito, Candidatura, Eleccion
from prep.errores import ErrorDeDominio
from tests.captura.ayudas import cliente, entradas
from tests.captura.boletas import (
    BOLETAS,
    PERSONA,
    campos,
    cifras,
    digitalizada,
    importar_catalogo,
)

pytestmark = pytest.mark.django_db
SIGUIENTE = "/api/v1/captura/siguiente"
# The name and label of every figure input of the capture page, in page order.
_CAMPO = re.compile(
    r'<label for="id_(?P<nombre>\w+)">(?P<etiqueta>[^<]*)</label>\s*<input class="cifra"'
)


@pytest.fixture
def distrito(tmp_path):
    """The catálogo of `tests.captura.boletas`, imported from CSV; the centro serves its
    distrito local (overrides the shared fixture, so the capturistas belong to it)."""
    return importar_catalogo(tmp_path / "catalogo")


def _capturar_api(c, acta: Acta, datos: dict):
    return c.post(f"/api/v1/captura/{acta.pk}", datos, content_type="application/json")


@pytest.mark.parametrize("municipio", [1, 2, 3])
def test_la_api_y_la_pagina_piden_los_campos_de_su_municipio(distrito, ana, municipio):
    acta = digitalizada(municipio)
    c = cliente(ana)
    asignada = c.post(SIGUIENTE).json()
    assert asignada["acta_id"] == acta.pk
    assert [k["clave"] for k in asignada["campos"]] == campos(municipio)
    # The operator sees whose acta it is: the fields change with the municipio.
    assert asignada["demarcacion"].startswith(f"Municipio {municipio}, ")
    assert asignada["demarcacion"] in c.get("/captura/").text
    etiquetas = {k["clave"]: k["etiqueta"] for k in asignada["campos"]}

    pagina = [(m["nombre"], m["etiqueta"]) for m in _CAMPO.finditer(c.get("/captura/").text)]
    assert pagina == [(clave, etiquetas[clave]) for clave in campos(municipio)]

    if "CAND_IND_1" in BOLETAS[municipio]:
        assert etiquetas["CAND_IND_1"] == f"CAND_IND_1 — {PERSONA[municipio]}"
    if "PAN_PRI" in BOLETAS[municipio]:
        assert etiquetas["PAN_PRI"] == "Coalición PAN-PRI"
    assert etiquetas["NO_REGISTRADAS"] == "Candidaturas no registradas"


def test_el_acta_de_un_municipio_no_pide_lo_que_imprimen_los_otros(distrito, ana):
    # Every column of the election is on some acta, none on all of them but the last two.
    eleccion = Eleccion.objects.get(tipo="AYUN")
    assert columnas_de(eleccion) == [
        "PAN",
        "PRI",
        "MORENA",
        "PAN_PRI",
        "CAND_IND_1",
        "NO_REGISTRADAS",
        "NULOS",
    ]
    digitalizada(3)
    asignada = cliente(ana).post(SIGUIENTE).json()
    claves = {k["clave"] for k in asignada["campos"]}
    assert claves.isdisjoint({"PAN", "PRI", "PAN_PRI"})


@pytest.mark.parametrize(
    ("municipio", "ajeno"), [(2, "MORENA"), (2, "PAN_PRI"), (3, "PAN"), (1, "CAND_IND_1")]
)
def test_un_campo_de_otro_municipio_se_rechaza_y_nada_se_guarda(distrito, ana, municipio, ajeno):
    acta = digitalizada(municipio)
    c = cliente(ana)
    c.post(SIGUIENTE)
    antes = len(entradas(acta))
    datos = cifras(municipio)
    datos["votos"][ajeno] = 0

    respuesta = _capturar_api(c, acta, datos)

    assert respuesta.status_code == 422, respuesta.content
    cuerpo = respuesta.json()
    assert cuerpo["codigo"] == "cifras_invalidas"
    assert cuerpo["mensaje"] == f"campos de votos que esta acta no tiene: {ajeno}"
    acta.refresh_from_db()
    assert acta.estado == Acta.Estado.DIGITALIZADA
    assert not Captura.objects.exists()
    assert len(entradas(acta)) == antes
    assert Asignacion.objects.get().acta_id == acta.pk  # still hers, to send it right

    assert _capturar_api(c, acta, cifras(municipio)).status_code == 200


def test_un_campo_impreso_que_falta_se_pide(distrito, ana):
    acta = digitalizada(2)
    siguiente_acta(ana)
    datos = cifras(2)
    del datos["votos"]["CAND_IND_1"]
    with pytest.raises(ErrorDeDominio, match="faltan campos de votos del acta: CAND_IND_1"):
        capturar(acta, ana, datos)
    assert not Captura.objects.exists()


def _doble_captura(acta: Acta, datos: dict, *capturistas) -> Acta:
    for actor in capturistas:
        siguiente_acta(actor)
        capturar(acta, actor, datos)
    acta.refresh_from_db()
    return acta


def _veredicto(acta: Acta) -> dict:
    """The rules' verdict recorded in the bitácora when the two captures agreed."""
    entrada = Entrada.objects.get(objeto=f"acta:{acta.pk}", accion="captura.comparacion")
    return entrada.despues["detalle"]["evaluacion"]


def test_m1_todo_ilegible_o_sin_dato_no_se_contabiliza(distrito, ana, beto):
    lecturas = dict(zip(BOLETAS[1], ["ILEGIBLE", "SIN_DATO"] * 3, strict=True))
    acta = _doble_captura(digitalizada(1), cifras(1, **lecturas), ana, beto)
    assert acta.estado == Acta.Estado.VERIFICADA
    assert set(acta.cifras["votos"]) == set(BOLETAS[1])
    veredicto = _veredicto(acta)
    assert veredicto["contabilizada"] is False
    assert veredicto["observaciones"] == ["Todos los campos ilegibles"]


def test_m1_con_un_campo_en_cero_se_contabiliza(distrito, ana, beto):
    lecturas = dict(zip(BOLETAS[1], ["ILEGIBLE", "SIN_DATO"] * 3, strict=True))
    lecturas["MORENA"] = 0
    acta = _doble_captura(digitalizada(1), cifras(1, **lecturas), ana, beto)
    veredicto = _veredicto(acta)
    assert veredicto["contabilizada"] is True
    assert veredicto["observaciones"] == ["Ilegible", "Sin dato"]


@pytest.mark.parametrize("municipio", [1, 2, 3])
def test_un_acta_con_todos_sus_campos_en_numeros_no_tiene_observacion(
    distrito, ana, beto, municipio
):
    acta = _doble_captura(digitalizada(municipio), cifras(municipio), ana, beto)
    veredicto = _veredicto(acta)
    assert veredicto["contabilizada"] is True
    assert veredicto["observaciones"] == []
    assert veredicto["con_inconsistencia"] is False
    evaluacion = evaluacion_de(acta, acta.cifras)
    assert evaluacion.texto_observaciones == "-"
    assert evaluacion.total_votos_calculado == sum(acta.cifras["votos"].values())


def test_la_comparacion_de_dos_capturas_mira_solo_los_campos_impresos(distrito, ana, beto):
    acta = digitalizada(3)
    siguiente_acta(ana)
    capturar(acta, ana, cifras(3))
    siguiente_acta(beto)
    capturar(acta, beto, cifras(3, CAND_IND_1=41))
    acta.refresh_from_db()
    assert acta.estado == Acta.Estado.EN_CONFLICTO
    comparacion = Entrada.objects.get(objeto=f"acta:{acta.pk}", accion="captura.comparacion")
    assert comparacion.despues["detalle"]["difieren"] == ["CAND_IND_1"]


def test_sin_candidatura_del_municipio_la_etiqueta_toma_la_de_la_entidad(distrito, ana):
    acta = digitalizada(3)
    municipal = Candidatura.objects.get(ambito=Ambito.MUNICIPIO, numero=3)
    Candidatura.objects.create(
        eleccion=municipal.eleccion,
        entidad=municipal.entidad,
        ambito=Ambito.ENTIDAD,
        columna=municipal.columna,
        nombre="Persona de la entidad",
    )
    assert _etiqueta(acta, "CAND_IND_1") == f"CAND_IND_1 — {PERSONA[3]}"
    municipal.delete()
    assert _etiqueta(acta, "CAND_IND_1") == "CAND_IND_1 — Persona de la entidad"


def _etiqueta(acta: Acta, clave: str) -> str:
    return next(c["etiqueta"] for c in para_capturar(acta)["campos"] if c["clave"] == clave)
