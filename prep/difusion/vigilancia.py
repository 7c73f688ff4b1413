"""The monitoring rule of difusores (docs/difusion.md, D6–D8), pure: each period a difusor
either serves the newest corte sent or it does not; three failed periods in a row cut it off.

`activo → fallo(1) → fallo(2) → cortado`. A good period resets the count. `cortado` is terminal
for the night: pushes stop, a notice is published, its link is disabled, until an administrator
restores it. The cut-off therefore comes `UMBRAL × periodo` after the first failure began:
30 min with a 10-min period (Coahuila), 45 min with 15 min (BCS).
"""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

UMBRAL = 3  # consecutive failed periods that cut a difusor off


class Situacion(StrEnum):
    """Where a difusor stands after its last period."""

    ACTIVO = "activo"
    FALLANDO = "fallando"
    CORTADO = "cortado"


@dataclass(frozen=True, slots=True)
class Estado:
    """A difusor's monitoring state: consecutive failed periods, and whether it is cut off."""

    fallos: int = 0
    cortado: bool = False

    @property
    def situacion(self) -> Situacion:
        """ACTIVO, FALLANDO (1 or 2 failed periods) or CORTADO."""
        if self.cortado:
            return Situacion.CORTADO
        return Situacion.FALLANDO if self.fallos else Situacion.ACTIVO


def periodo(estado: Estado, correcto: bool, umbral: int = UMBRAL) -> Estado:
    """The state after one period: a good one resets the count, a failed one adds to it, and
    the `umbral`-th failure in a row cuts the difusor off. A cut-off difusor stays so."""
    if estado.cortado:
        return estado
    if correcto:
        return Estado()
    fallos = estado.fallos + 1
    return Estado(fallos, fallos >= umbral)


def restablecer() -> Estado:
    """An administrator restores a cut-off difusor: it starts again with a clean count."""
    return Estado()


def plazo_de_corte(duracion: timedelta, umbral: int = UMBRAL) -> timedelta:
    """How long a difusor may fail before it is cut off."""
    if duracion <= timedelta(0):
        raise ValueError("el periodo de vigilancia debe ser positivo")
    return duracion * umbral


def revisar(enviado: tuple[int, str], servido: tuple[int, str] | None) -> tuple[bool, str]:
    """Compare the newest corte sent (number, manifest SHA-256) with what the difusor's public
    site serves (None when it could not be read). Returns (correct, reason in Spanish)."""
    numero, huella = enviado
    if servido is None:
        return False, "su sitio público no respondió o no muestra un corte"
    numero_servido, huella_servida = servido
    if numero_servido < numero:
        return False, f"muestra el corte {numero_servido}; el más reciente enviado es el {numero}"
    if numero_servido == numero and huella_servida != huella:
        return False, f"el corte {numero} que muestra no es el enviado (su manifiesto difiere)"
    if numero_servido > numero:
        return False, f"muestra un corte {numero_servido} que el instituto no ha enviado"
    return True, f"muestra el corte {numero}"
