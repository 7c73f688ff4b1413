"""Fixtures of the PREP Casilla tests: the operation tests' CATD with actas inside and outside
its scope, its coordinador, and the digitalización upload helper."""

from tests.cuentas.fixtures import ajena, centro, distrito, eleccion, esperada  # noqa: F401
from tests.digitalizacion.fixtures import subir  # noqa: F401 (fixtures)
