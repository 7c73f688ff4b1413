"""The verification API through Django's test client: the conflicts, one acta's captures side
by side, a resolution, a cotejo, and the refusals."""

import pytest
from django.test import Client

from prep.actas.models import Acta
from prep.captura.models import Captura
from prep.captura.servicios import capturar, siguiente_acta
from tests.captura.ayudas import cifras, cliente

pytestmark = pytest.mark.django_db


@pytest.fixture
def conflicto(lista, ana, beto) -> Acta:
    acta = lista()
    for actor, datos in ((ana, cifras()), (beto, cifras(NULOS=70))):
        siguiente_acta(actor)
        capturar(acta, actor, datos)
    return acta


def _post(c: Client, ruta: str, datos: dict):
    return c.post(ruta, datos, content_type="application/json")


def test_lista_de_conflictos(conflicto, vera, ana):
    respuesta = cliente(vera).get("/api/v1/verificacion/conflictos")
    assert respuesta.status_code == 200
    [fila] = respuesta.json()
    assert (fila["acta_id"], fila["campos_que_difieren"]) == (conflicto.pk, 1)
    assert cliente(ana).get("/api/v1/verificacion/conflictos").status_code == 403


def test_detalle_con_ambas_capturas_y_la_imagen(conflicto, vera):
    datos = cliente(vera).get(f"/api/v1/verificacion/{conflicto.pk}").json()
    assert datos["difieren"] == ["NULOS"]
    assert datos["imagen_sha256"] == conflicto.codigo_integridad
    assert datos["imagen_url"].endswith(f"/{conflicto.codigo_integridad}/")
    nulos = next(c for c in datos["campos"] if c["clave"] == "NULOS")
    assert (nulos["captura_1"], nulos["captura_2"], nulos["final"]) == (7, 70, None)


def test_resolver_por_la_api(conflicto, vera):
    c = cliente(vera)
    ruta = f"/api/v1/verificacion/{conflicto.pk}"
    invalida = _post(c, ruta, {"valores": {"NULOS": 7}, "motivos": {}})
    assert invalida.status_code == 422
    assert invalida.json() == {
        "codigo": "resolucion_invalida",
        "mensaje": "NULOS: falta el motivo de la decisión",
    }
    respuesta = _post(c, ruta, {"valores": {"NULOS": 17}, "motivos": {"NULOS": "dice 17"}})
    assert respuesta.status_code == 200
    cuerpo = respuesta.json()
    assert cuerpo["estado"] == "verificada"
    assert cuerpo["cifras"]["votos"]["NULOS"] == 17
    assert cuerpo["evaluacion"]["contabilizada"] is True
    assert Captura.objects.filter(numero=3).count() == 1
    repetida = _post(c, ruta, {"valores": {"NULOS": 17}, "motivos": {"NULOS": "dice 17"}})
    assert repetida.json() == cuerpo
    assert Captura.objects.filter(numero=3).count() == 1


def test_cotejo_por_la_api(conflicto, vera):
    c = cliente(vera)
    _post(
        c,
        f"/api/v1/verificacion/{conflicto.pk}",
        {"valores": {"NULOS": 7}, "motivos": {"NULOS": "7"}},
    )
    ruta = f"/api/v1/verificacion/{conflicto.pk}/cotejo"
    sin_motivo = _post(c, ruta, {"cifras": cifras(PAN=121), "motivo": ""})
    assert (sin_motivo.status_code, sin_motivo.json()["codigo"]) == (422, "cotejo_invalido")
    respuesta = _post(c, ruta, {"cifras": cifras(PAN=121), "motivo": "imagen del escáner"})
    assert respuesta.status_code == 200
    assert respuesta.json()["cifras"]["votos"]["PAN"] == 121


def test_el_capturista_no_ve_ni_resuelve_conflictos(conflicto, ana):
    c = cliente(ana)
    assert c.get(f"/api/v1/verificacion/{conflicto.pk}").status_code == 403
    respuesta = _post(c, f"/api/v1/verificacion/{conflicto.pk}", {"valores": {}, "motivos": {}})
    assert respuesta.status_code == 403
    assert respuesta.json()["codigo"] == "sin_permiso"


def test_un_acta_sin_conflicto(lista, vera):
    acta = lista()
    respuesta = cliente(vera).get(f"/api/v1/verificacion/{acta.pk}")
    assert (respuesta.status_code, respuesta.json()["codigo"]) == (409, "sin_conflicto")
    assert cliente(vera).get("/api/v1/verificacion/999999").status_code == 404
