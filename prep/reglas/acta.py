"""An acta as the rule engine sees it: identification, catalog figures and captured figures."""

from dataclasses import dataclass, field
from enum import StrEnum

from prep.reglas.cifras import Cifra


class TipoCasilla(StrEnum):
    """Tipo de casilla codes (docs/catalogo.md, `casillas.csv`)."""

    BASICA = "B"
    CONTIGUA = "C"
    EXTRAORDINARIA = "E"
    ESPECIAL = "S"
    VOTO_ANTICIPADO = "A"
    PRISION_PREVENTIVA = "P"
    M = "M"  # INE 2024 code whose meaning the public code does not document


# Casillas with no lista nominal of their own: R5 does not apply and LN counts 0.
SIN_LISTA_NOMINAL = frozenset({"S", "A", "P", "M"})


class Registro(StrEnum):
    """What the system has recorded of an acta at a corte."""

    PENDIENTE = "PENDIENTE"  # esperada, nothing recorded yet
    CAPTURADA = "CAPTURADA"  # its figures are recorded
    SIN_ACTA = "SIN_ACTA"  # R6: the paquete arrived without the Acta PREP
    FUERA_CATALOGO = "FUERA_CATALOGO"  # R7: it matches no acta esperada


class CausaSinActa(StrEnum):
    """R6: exactly one cause per Sin Acta, as published."""

    PAQUETE_NO_ENTREGADO = "Sin Acta por paquete no entregado"
    CASILLA_NO_INSTALADA = "Sin Acta por casilla no instalada"
    PAQUETE_SIN_SOBRE = "Sin Acta por paquete entregado sin sobre"
    CONTINGENCIA_URNA = "Sin Acta por contingencia en urna electrónica"


@dataclass(frozen=True, slots=True)
class Ubicacion:
    """Where an acta sits in the geography; None where a level does not apply or is unknown."""

    entidad: int | None = None
    distrito: int | None = None
    municipio: int | None = None
    seccion: int | None = None
    casilla: str | None = None


@dataclass(frozen=True, slots=True)
class Acta:
    """One acta: `votos` holds the vote fields in the election's column order (R9)."""

    clave: str
    registro: Registro
    votos: tuple[Cifra, ...] = ()
    tipo_casilla: str = TipoCasilla.BASICA
    lista_nominal: int = 0
    representantes_pp_ci: int = 0
    rep_votaron: Cifra | None = None
    causa_sin_acta: CausaSinActa | None = None
    ubicacion: Ubicacion = field(default_factory=Ubicacion)

    @property
    def es_esperada(self) -> bool:
        """True for an acta of the catálogo (everything but fuera de catálogo)."""
        return self.registro is not Registro.FUERA_CATALOGO
