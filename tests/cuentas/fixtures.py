"""Fixtures of the operation tests (acopio, empaquetado, tablero, permissions), imported by
their conftests: a CATD serving one distrito, actas esperadas inside and outside its scope,
and its acopiador."""

import pytest
from django.test import Client

from prep.cuentas.identidad import actor_de_usuario
from prep.cuentas.models import Rol
from tests.cuentas.ayudas import persona
from tests.fabricas import ActaEsperadaFactory, CentroFactory, DistritoFactory, EleccionFactory


@pytest.fixture
def distrito():
    return DistritoFactory()


@pytest.fixture
def centro(distrito):
    """CATD01, serving one distrito local."""
    return CentroFactory(clave="CATD01", distritos=[distrito])


@pytest.fixture
def eleccion():
    """Gubernatura, tipo de acta 5."""
    return EleccionFactory(tipo="GOB", tipo_acta="5")


@pytest.fixture
def esperada(eleccion, distrito):
    """An acta esperada of the centro's distrito."""
    return ActaEsperadaFactory(eleccion=eleccion, casilla__seccion__distrito_local=distrito)


@pytest.fixture
def ajena(eleccion):
    """An acta esperada of another distrito: outside the centro's scope."""
    return ActaEsperadaFactory(
        eleccion=eleccion, casilla__seccion__distrito_local=DistritoFactory()
    )


@pytest.fixture
def usuario_acopiador(centro):
    """An acopiador of the centro, named ana."""
    return persona(Rol.ACOPIADOR, centro, "ana")


@pytest.fixture
def acopiador(usuario_acopiador):
    """The acopiador's actor, as the domain services see it."""
    return actor_de_usuario(usuario_acopiador)


@pytest.fixture
def cliente(usuario_acopiador) -> Client:
    """A browser logged in as the acopiador."""
    cliente = Client()
    cliente.force_login(usuario_acopiador)
    return cliente
