"""Helpers of the PREP Casilla tests: a coordinador's actor, pairing a phone through the API."""

from django.test import Client

from prep.cuentas import emparejamiento
from prep.cuentas.identidad import Actor, actor_de_usuario
from prep.cuentas.models import Centro, Rol
from tests.fabricas import UsuarioFactory

URL_EMPAREJAR = "/api/v1/casilla/emparejar"
URL_YO = "/api/v1/casilla/yo"


def coordinador(centro: Centro | None) -> Actor:
    """The actor of a new coordinador of the centro (an administrador when None)."""
    rol = Rol.COORDINADOR if centro is not None else Rol.ADMINISTRADOR
    return actor_de_usuario(UsuarioFactory(perfil__rol=rol, perfil__centro=centro))


def codigo_para(centro: Centro, nombre: str = "") -> str:
    """A fresh pairing code for a phone of the centro, issued by its coordinador."""
    return emparejamiento.emitir_emparejamiento(coordinador(centro), centro, nombre)[1]


def emparejar(client: Client, codigo: str, **extra):
    """POST a pairing code to the API, as a phone does."""
    return client.post(URL_EMPAREJAR, {"codigo": codigo}, content_type="application/json", **extra)


def bearer(token: str) -> dict:
    """The test client's keyword for a device's Authorization header."""
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
