"""Fixtures of the capture tests (shared with verificación in `fixtures.py`)."""

from tests.captura.fixtures import ana, beto, centro, distrito, eleccion, lista, vera  # noqa: F401
from tests.captura.navegador import abrir, chromium  # noqa: F401
