"""The bitácora of refusals (prep.cuentas.rechazos): every 4xx answer leaves one small entry,
in a transaction of its own, naming who asked and what, and never the body, the query string,
a password or a token. The API answers its refusals as JSON even where Django answered first."""

import logging

import pytest
from django.db import DatabaseError
from django.test import Client

from prep.bitacora.models import Entrada
from prep.bitacora.servicios import verificar_base
from prep.cuentas import rechazos
from prep.cuentas.models import Rol
from prep.empaquetado.models import Empaquetado
from tests.cuentas.ayudas import persona
from tests.fabricas import EleccionFactory, dispositivo
from tests.seguridad.mundo import poblar

pytestmark = pytest.mark.django_db


def el_rechazo(desde: int = 0) -> Entrada:
    """The one entry the request left (after entry number `desde`)."""
    [entrada] = Entrada.objects.filter(numero__gt=desde)
    assert entrada.accion == "solicitud.rechazada"
    return entrada


@pytest.mark.parametrize("ruta", ["/favicon.ico", "/wp-login.php", "/static/no-existe.css"])
def test_una_ruta_desconocida_se_anota(client, ruta):
    assert client.get(ruta, REMOTE_ADDR="10.1.2.3").status_code == 404
    entrada = el_rechazo()
    assert (entrada.actor, entrada.objeto) == ("direccion:10.1.2.3", f"GET {ruta}")
    assert entrada.despues == {
        "estado": 404,
        "codigo": "no_encontrado",
        "mensaje": "no existe la ruta o el objeto pedido",
    }


def test_la_api_responde_json_aun_donde_django_contesto_primero(client, centro):
    _, token = dispositivo(centro)
    desconocida = client.get("/api/v1/no-existe", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert desconocida.status_code == 404
    assert desconocida.json() == {
        "codigo": "no_encontrado",
        "mensaje": "no existe la ruta o el objeto pedido",
    }
    metodo = client.delete("/api/v1/tablero/")
    assert metodo.status_code == 405
    assert metodo.json()["codigo"] == "metodo_no_permitido"
    assert "GET" in metodo["Allow"]
    assert Entrada.objects.count() == 2


def test_quien_pide_se_nombra(client, centro):
    dispositivo_, token = dispositivo(centro)
    client.get("/api/v1/tablero/", HTTP_AUTHORIZATION=f"Bearer {token}")
    primera = el_rechazo()
    assert primera.actor == f"dispositivo:{dispositivo_.nombre}"
    client.force_login(persona(Rol.CAPTURISTA, centro, "carla"))
    respuesta = client.get("/tablero/")
    assert respuesta.status_code == 403
    entrada = el_rechazo(primera.numero)
    assert (entrada.actor, entrada.objeto) == ("usuario:carla", "GET /tablero/")
    assert entrada.despues == {
        "estado": 403,
        "codigo": "sin_permiso",
        "mensaje": "su rol (capturista) no permite ver el tablero de operación",
        "direccion": "127.0.0.1",
    }


def test_una_pagina_dice_su_motivo(client, centro):
    client.force_login(persona(Rol.CAPTURISTA, centro))
    assert client.get(f"/digitalizacion/imagen/{'0' * 64}/").status_code == 404
    assert el_rechazo().despues["mensaje"] == "no hay una imagen con ese SHA-256 a su alcance"


def test_nunca_el_cuerpo_ni_la_consulta_ni_la_credencial(centro):
    persona(Rol.ACOPIADOR, centro, "ana", contrasena="una contraseña larga de prueba")
    cliente = Client(enforce_csrf_checks=True)
    datos = {"username": "ana", "password": "una contraseña larga de prueba"}
    respuesta = cliente.post("/entrar/?next=/tablero/&token=secreto", datos)
    assert respuesta.status_code == 403  # no CSRF token
    cliente.get("/api/v1/tablero/", HTTP_AUTHORIZATION="Bearer un-token-robado")
    for entrada in Entrada.objects.all():
        texto = f"{entrada.actor} {entrada.objeto} {entrada.despues}"
        assert "contraseña larga" not in texto and "secreto" not in texto
        assert "un-token-robado" not in texto
    assert list(Entrada.objects.values_list("objeto", flat=True)) == [
        "POST /entrar/",
        "GET /api/v1/tablero/",
    ]


def test_lo_que_el_atacante_escribe_no_agranda_ni_rompe_la_entrada(client):
    ruta = "/" + "x" * 5000 + "%00%01\u202e"
    assert client.get(ruta).status_code == 404
    entrada = el_rechazo()
    assert len(entrada.objeto) <= 200
    assert entrada.objeto.isprintable()
    assert verificar_base().integra


@pytest.mark.django_db(transaction=True)
def test_el_rechazo_queda_aunque_lo_rechazado_se_deshaga(client):
    """Empaquetado is all or nothing: a batch with one bad acta rolls back the good ones. No
    test transaction wraps this one, so the refusal's entry is seen committed on its own."""
    objetos = poblar("CATD-X", EleccionFactory(tipo="GOB", tipo_acta="5"))
    client.force_login(objetos.personas[Rol.ACOPIADOR])
    antes = Empaquetado.objects.count()
    desde = Entrada.objects.order_by("-numero").first().numero
    buena = objetos.por_empaquetar.acta_esperada.clave
    respuesta = client.post(
        "/api/v1/empaquetado/",
        {"paquete": "PAQ-9", "actas": [buena, "BASURA"]},
        content_type="application/json",
    )
    assert respuesta.status_code == 422
    assert Empaquetado.objects.count() == antes
    [entrada] = Entrada.objects.filter(numero__gt=desde)
    assert (entrada.accion, entrada.despues["codigo"]) == (
        "solicitud.rechazada",
        "actas_rechazadas",
    )
    assert verificar_base().integra


def test_si_la_base_no_anota_el_rechazo_la_respuesta_no_cambia(client, monkeypatch, caplog):
    def falla(*_a, **_k):
        raise DatabaseError("la base no responde")

    monkeypatch.setattr(rechazos, "registrar", falla)
    with caplog.at_level(logging.ERROR, logger="prep.cuentas.rechazos"):
        respuesta = client.get("/api/v1/tablero/")
    assert respuesta.status_code == 401
    assert "rechazo no registrado en la bitácora (GET /api/v1/tablero/)" in caplog.text
    assert not Entrada.objects.exists()
