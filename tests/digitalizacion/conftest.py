"""Fixtures of the digitalización tests: the operation tests' CATD serving one distrito with
actas esperadas inside and outside its scope, its devices and people, and an upload helper."""

from tests.captura.navegador import abrir, chromium  # noqa: F401 (fixtures)
from tests.cuentas.fixtures import ajena, centro, distrito, eleccion, esperada  # noqa: F401
from tests.digitalizacion.fixtures import (  # noqa: F401 (fixtures)
    URL_API,
    actor_digitalizador,
    actor_escaner,
    actor_telefono,
    digitalizador,
    escaner,
    subir,
    telefono,
)
