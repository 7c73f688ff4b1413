"""Fixtures of the digitalización tests, imported by the conftest: the centro's devices and
people, and an upload helper (the CATD and its actas come from `tests.cuentas.fixtures`)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from prep.cuentas.identidad import actor_de_token, actor_de_usuario
from prep.cuentas.models import Dispositivo, Rol
from tests.fabricas import UsuarioFactory, dispositivo

URL_API = "/api/v1/imagenes"


@pytest.fixture
def telefono(centro):
    """(Dispositivo, token) of a PREP Casilla phone of the centro."""
    return dispositivo(centro, Dispositivo.Tipo.TELEFONO)


@pytest.fixture
def escaner(centro):
    """(Dispositivo, token) of the centro's scanner."""
    return dispositivo(centro, Dispositivo.Tipo.ESCANER)


@pytest.fixture
def actor_telefono(telefono):
    return actor_de_token(telefono[1])


@pytest.fixture
def actor_escaner(escaner):
    return actor_de_token(escaner[1])


@pytest.fixture
def digitalizador(centro):
    return UsuarioFactory(perfil__rol=Rol.DIGITALIZADOR, perfil__centro=centro)


@pytest.fixture
def actor_digitalizador(digitalizador):
    return actor_de_usuario(digitalizador)


@pytest.fixture
def subir(client):
    """POST a file to /api/v1/imagenes with a device token (or the client's session)."""

    def _subir(datos: bytes, token: str | None = None, nombre: str = "acta.jpg", **campos):
        encabezados = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        archivo = SimpleUploadedFile(nombre, datos, content_type="application/octet-stream")
        return client.post(URL_API, {"archivo": archivo, **campos}, **encabezados)

    return _subir
