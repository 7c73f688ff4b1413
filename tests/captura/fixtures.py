"""Fixtures shared by the capture and verification tests (imported by both conftests): a CCV
serving one distrito, its capturistas and verificador, and actas ready for capture inside and
outside its scope."""

import pytest

from prep.cuentas.identidad import actor_de_usuario
from prep.cuentas.models import Centro, Rol
from tests.captura.ayudas import ActaLista
from tests.fabricas import CentroFactory, DistritoFactory, EleccionFactory, UsuarioFactory


@pytest.fixture
def distrito():
    return DistritoFactory()


@pytest.fixture
def centro(distrito):
    """A CCV that serves one distrito local."""
    return CentroFactory(clave="CCV01", tipo=Centro.Tipo.CCV, distritos=[distrito])


@pytest.fixture
def eleccion():
    """Gubernatura with three vote columns: PAN, NO_REGISTRADAS, NULOS."""
    return EleccionFactory(tipo="GOB", tipo_acta="5")


@pytest.fixture
def lista(eleccion, distrito) -> ActaLista:
    """Builds actas `digitalizada` in the centro's distrito (or another one)."""
    return ActaLista(eleccion, distrito)


def _persona(rol: Rol, centro: Centro, nombre: str):
    usuario = UsuarioFactory(username=nombre, perfil__rol=rol, perfil__centro=centro)
    return actor_de_usuario(usuario)


@pytest.fixture
def ana(centro):
    """A capturista of the centro."""
    return _persona(Rol.CAPTURISTA, centro, "ana")


@pytest.fixture
def beto(centro):
    """Another capturista of the centro."""
    return _persona(Rol.CAPTURISTA, centro, "beto")


@pytest.fixture
def vera(centro):
    """A verificador of the centro."""
    return _persona(Rol.VERIFICADOR, centro, "vera")
