"""Fixtures of the PREP Casilla tests: the operation tests' CATD with actas inside and outside
its scope, the digitalización upload helper, a logged-in browser page (the coordinator's page)
and phones in Chromium with a fake camera (the app)."""

from tests.captura.navegador import abrir, chromium  # noqa: F401 (fixtures)
from tests.casilla.navegador import (  # noqa: F401 (fixtures)
    navegador_casilla,
    pagina_de,
    playwright_casilla,
    telefonos,
)
from tests.cuentas.fixtures import ajena, centro, distrito, eleccion, esperada  # noqa: F401
from tests.digitalizacion.fixtures import subir  # noqa: F401 (fixtures)
