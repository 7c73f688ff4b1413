"""The capture API through Django's test client: claims, captures, idempotent retries, and
every refusal as JSON with a code and a Spanish message."""

import pytest
from django.test import Client

from prep.actas.models import Acta
from prep.captura.models import Captura
from prep.cuentas.models import Dispositivo, Rol
from tests.captura.ayudas import cifras, cliente
from tests.fabricas import UsuarioFactory, dispositivo

pytestmark = pytest.mark.django_db
SIGUIENTE = "/api/v1/captura/siguiente"


def capturar(c: Client, acta_id: int, datos: dict):
    return c.post(f"/api/v1/captura/{acta_id}", datos, content_type="application/json")


def test_siguiente_entrega_el_acta_con_sus_campos_y_su_imagen(lista, ana):
    acta = lista()
    respuesta = cliente(ana).post(SIGUIENTE)
    assert respuesta.status_code == 200
    datos = respuesta.json()
    assert datos["acta_id"] == acta.pk
    assert datos["clave"] == acta.acta_esperada.clave
    assert [c["clave"] for c in datos["campos"]] == [
        "TOTAL_BOLETAS_SOBRANTES",
        "TOTAL_PERSONAS_VOTARON",
        "TOTAL_REP_PARTIDO_CI_VOTARON",
        "TOTAL_VOTOS_SACADOS",
        "PAN",
        "NO_REGISTRADAS",
        "NULOS",
        "TOTAL_VOTOS_ASENTADO",
    ]
    assert datos["campos"][5]["etiqueta"] == "Candidaturas no registradas"
    assert datos["imagen_sha256"] == acta.codigo_integridad
    assert datos["imagen_url"] == f"/digitalizacion/imagen/{acta.codigo_integridad}/"


def test_cola_vacia_responde_204(ana):
    assert cliente(ana).post(SIGUIENTE).status_code == 204


def test_doble_captura_por_la_api(lista, ana, beto):
    acta = lista()
    for actor in (ana, beto):
        c = cliente(actor)
        assert c.post(SIGUIENTE).json()["acta_id"] == acta.pk
        respuesta = capturar(c, acta.pk, cifras())
        assert respuesta.status_code == 200
        assert set(respuesta.json()) == {"acta_id", "captura_id", "momento"}
    acta.refresh_from_db()
    assert acta.estado == Acta.Estado.VERIFICADA


def test_reintentar_la_misma_captura_responde_la_misma(lista, ana):
    acta = lista()
    c = cliente(ana)
    c.post(SIGUIENTE)
    primera = capturar(c, acta.pk, cifras()).json()
    segunda = capturar(c, acta.pk, cifras()).json()
    assert primera == segunda
    assert Captura.objects.count() == 1


def _error(respuesta, estado: int, codigo: str, texto: str) -> None:
    assert respuesta.status_code == estado, respuesta.content
    cuerpo = respuesta.json()
    assert cuerpo["codigo"] == codigo
    assert texto in cuerpo["mensaje"]


def test_errores_en_json_con_codigo_y_mensaje_en_espanol(lista, ana, vera):
    acta = lista()
    c = cliente(ana)
    _error(capturar(c, acta.pk, cifras()), 409, "sin_asignacion", "pida la siguiente acta")
    c.post(SIGUIENTE)
    _error(capturar(c, acta.pk, cifras(PAN=-1)), 422, "cifras_invalidas", "cifra negativa")
    _error(capturar(c, acta.pk, {"votos": "x"}), 422, "datos_invalidos", "votos")
    _error(capturar(c, acta.pk + 1000, cifras()), 404, "no_existe", "no existe el acta")
    assert capturar(c, acta.pk, cifras()).status_code == 200
    _error(capturar(c, acta.pk, cifras(PAN=1)), 409, "captura_repetida", "usted ya capturó")
    _error(capturar(cliente(vera), acta.pk, cifras()), 403, "sin_permiso", "no permite")
    _error(capturar(Client(), acta.pk, cifras()), 401, "no_autenticado", "sesión")
    assert Captura.objects.count() == 1


def test_fuera_del_alcance_se_rechaza(lista, ana):
    ajena = lista(ajena=True)
    _error(capturar(cliente(ana), ajena.pk, cifras()), 403, "sin_permiso", "no atiende el centro")


@pytest.mark.parametrize("rol", [r for r in Rol if r != Rol.CAPTURISTA])
def test_solo_el_capturista_usa_la_api_de_captura(lista, centro, rol):
    lista()
    usuario = UsuarioFactory(
        perfil__rol=rol, perfil__centro=None if rol in (Rol.ADMINISTRADOR, Rol.AUDITOR) else centro
    )
    c = Client()
    c.force_login(usuario)
    assert c.post(SIGUIENTE).status_code == 403


def test_un_dispositivo_no_captura(lista, centro):
    lista()
    _, token = dispositivo(centro, Dispositivo.Tipo.ESCANER)
    respuesta = Client().post(SIGUIENTE, HTTP_AUTHORIZATION=f"Bearer {token}")
    _error(respuesta, 403, "sin_permiso", "dispositivo")
