"""Fixtures of the security tests: the digitalización tests' CATD, its actas, phone and people,
and their upload helper."""

from tests.cuentas.fixtures import centro, distrito, eleccion, esperada  # noqa: F401
from tests.digitalizacion.fixtures import digitalizador, subir, telefono  # noqa: F401
