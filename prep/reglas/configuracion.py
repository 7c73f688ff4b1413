"""Named settings of an election where institutes apply the rules differently.

Each default is the reading of docs/reglas.md; each alternative is a deviation seen in a real
published database (docs/reglas.md, «Bases reales y desviaciones observadas»).
"""

from dataclasses import dataclass
from enum import StrEnum

from prep.reglas.cifras import Prevalece


class Representantes(StrEnum):
    """Which figure widens the lista nominal in R5."""

    CATALOGO = "CATALOGO"  # REPRESENTANTES_PP_CI accredited at the casilla (default)
    CAPTURADOS = "CAPTURADOS"  # TOTAL_REP_PARTIDO_CI_VOTARON written on the acta


class Inconsistencias(StrEnum):
    """Which actas PORCENTAJE_ACTAS_INCONSISTENCIAS counts."""

    # Ilegible / Sin dato in any field, Excede Lista Nominal, all fields ilegible (default; Sonora
    # 2021, Puebla 2024).
    TODAS = "TODAS"
    # Only those the inconsistency made no contabilizada: Excede Lista Nominal and all fields
    # ilegible (Campeche 2021).
    NO_CONTABILIZADAS = "NO_CONTABILIZADAS"


@dataclass(frozen=True, slots=True)
class ConfiguracionReglas:
    """The rule settings of one election."""

    prevalece: Prevalece = Prevalece.LETRA
    representantes: Representantes = Representantes.CATALOGO
    inconsistencias: Inconsistencias = Inconsistencias.TODAS
    # R5 is not applied to casillas especiales (LN = 0) [B].
    excede_en_especiales: bool = False
    # B4: whether the lista nominal (and votes) of voto anticipado and VMRE actas count in
    # participación; they always count in LISTA_NOMINAL_ACTAS_CONTABILIZADAS.
    participacion_sin_seccion: bool = True


CONFIGURACION_POR_OMISION = ConfiguracionReglas()
