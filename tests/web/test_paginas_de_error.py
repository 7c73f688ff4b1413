"""The operators' server answers its own errors in Spanish: no such page (404), a failure of the
server (500), a request it does not accept (400); the API keeps answering JSON."""

import pytest
from django.test import Client

from prep.cuentas.models import Rol
from tests.cuentas.ayudas import persona

pytestmark = pytest.mark.django_db

INGLES = ("Not Found", "Server Error", "Bad Request", "requested resource")


def _en_espanol(respuesta, titulo: str) -> str:
    texto = respuesta.content.decode()
    assert '<html lang="es-MX">' in texto
    assert f"<h1>{titulo}</h1>" in texto
    assert not any(palabra in texto for palabra in INGLES)
    return texto


@pytest.mark.parametrize("conectado", [False, True])
def test_una_pagina_que_no_existe(conectado):
    cliente = Client()
    if conectado:
        cliente.force_login(persona(Rol.ADMINISTRADOR))
    respuesta = cliente.get("/no-existe/")
    assert respuesta.status_code == 404
    texto = _en_espanol(respuesta, "No existe esta página")
    assert "La dirección /no-existe/ no corresponde a ninguna página de PREP" in texto
    assert ("Salir" in texto) is conectado  # the usual header, with the person's session


@pytest.mark.urls("tests.web.urls_con_falla")
def test_una_falla_del_servidor():
    respuesta = Client(raise_request_exception=False).get("/falla-de-prueba/")
    assert respuesta.status_code == 500
    texto = _en_espanol(respuesta, "Falla del servidor")
    assert "un defecto del servidor" not in texto  # nothing of the inside leaks out


def test_un_nombre_de_servidor_no_permitido():
    respuesta = Client().get("/entrar/", HTTP_HOST="otro.example")
    assert respuesta.status_code == 400
    _en_espanol(respuesta, "Solicitud no válida")


def test_la_api_sigue_en_json():
    respuesta = Client().get("/api/v1/no-existe")
    assert respuesta.status_code == 404
    assert respuesta.json()["codigo"] == "no_encontrado"
