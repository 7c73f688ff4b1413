"""The operators' pages: where each role lands after login and what the navigation offers.

Each phase's app names its main page `<app>:inicio`. A page whose app has not published it yet
is simply left out of the navigation.
"""

from typing import NamedTuple

from django.urls import NoReverseMatch, reverse

from prep.cuentas.identidad import Actor
from prep.cuentas.models import Rol
from prep.cuentas.permisos import Permiso


class Pagina(NamedTuple):
    """A page of the operation, the permission it needs and its label."""

    nombre_url: str
    permiso: Permiso
    etiqueta: str


PAGINAS = (
    Pagina("acopio:inicio", Permiso.ACOPIO, "Acopio"),
    Pagina("digitalizacion:inicio", Permiso.DIGITALIZACION, "Digitalización"),
    Pagina("captura:inicio", Permiso.CAPTURA, "Captura"),
    Pagina("verificacion:inicio", Permiso.VERIFICACION, "Verificación"),
    Pagina("empaquetado:inicio", Permiso.EMPAQUETADO, "Empaquetado"),
    Pagina("tablero:inicio", Permiso.TABLERO, "Tablero"),
    Pagina("casilla:dispositivos", Permiso.DISPOSITIVOS, "Teléfonos"),
)

PAGINA_DE_ROL = {
    Rol.ACOPIADOR: "acopio:inicio",
    Rol.DIGITALIZADOR: "digitalizacion:inicio",
    Rol.CAPTURISTA: "captura:inicio",
    Rol.VERIFICADOR: "verificacion:inicio",
    Rol.COORDINADOR: "tablero:inicio",
    Rol.ADMINISTRADOR: "tablero:inicio",
    Rol.AUDITOR: "tablero:inicio",
}


def _ruta(nombre_url: str) -> str | None:
    try:
        return reverse(nombre_url)
    except NoReverseMatch:
        return None


def enlaces(actor: Actor | None) -> list[tuple[str, str]]:
    """(label, path) of every existing page the actor may open."""
    if actor is None:
        return []
    return [
        (p.etiqueta, ruta)
        for p in PAGINAS
        if actor.puede(p.permiso) and (ruta := _ruta(p.nombre_url))
    ]


def pagina_de(actor: Actor | None) -> str | None:
    """The path of the actor's role's page, if that page exists."""
    if actor is None or actor.rol is None:
        return None
    return _ruta(PAGINA_DE_ROL[actor.rol])
