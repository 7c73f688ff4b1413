"""Fixtures of the verification tests: the same centro, people and actas as captura's."""

from tests.captura.fixtures import ana, beto, centro, distrito, eleccion, lista, vera  # noqa: F401
from tests.captura.navegador import abrir, chromium  # noqa: F401
