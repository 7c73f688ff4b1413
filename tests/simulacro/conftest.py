"""Fixtures of the simulacro tests: small synthetic elections, built once per session."""

import pytest

from prep.simulacro.generador import EleccionSintetica, Proporciones, generar

# Shares large enough that a few hundred actas get every case.
PROPORCIONES_ALTAS = Proporciones(
    sin_acta=0.03,
    fuera_catalogo=0.02,
    ilegible=0.06,
    sin_dato=0.04,
    todos_ilegibles=0.02,
    todos_vacios=0.02,
    excede=0.03,
    pendiente=0.05,
)


@pytest.fixture(scope="session")
def local() -> EleccionSintetica:
    """A state election (GOB, DIP_LOC, AYUN) of 1,500 casillas with every case injected."""
    return generar(1_500, 41, ("GOB", "DIP_LOC", "AYUN"), PROPORCIONES_ALTAS)


@pytest.fixture(scope="session")
def federal() -> EleccionSintetica:
    """A federal election with a concurrent local one, default shares."""
    return generar(3_000, 7, ("PRES", "SEN", "DIP_FED", "GOB"))
