"""Fixtures of the acopio tests."""

from tests.cuentas.fixtures import *  # noqa: F403 (fixtures)
