"""Fixtures of the empaquetado tests."""

from tests.cuentas.fixtures import *  # noqa: F403 (fixtures)
