"""One captured quantity of an acta (R1–R3)."""

from enum import StrEnum


class Lectura(StrEnum):
    """A quantity that is not a number."""

    ILEGIBLE = "ILEGIBLE"  # R2: written but cannot be read
    SIN_DATO = "SIN_DATO"  # R3: nothing written
    # B2 (docs/reglas.md): the field is not printed on this acta (its boleta has no such
    # contender). Never captured; outside R3, R4 and R9; published as `-`, never 0.
    NO_APLICA = "NO_APLICA"


# What a capturista may read a field as, besides a number: a field that is not on the acta is
# left out, not typed as NO_APLICA.
CAPTURABLES = frozenset({Lectura.ILEGIBLE, Lectura.SIN_DATO})


class Prevalece(StrEnum):
    """Which writing wins when letra and número are both legible and differ (R1.3)."""

    LETRA = "LETRA"
    NUMERO = "NUMERO"


Cifra = int | Lectura
"""A captured quantity: a non-negative integer, or ILEGIBLE, or SIN_DATO."""

# Figures of the acta that are not vote fields (row columns of the INE layout,
# prep.publicacion.base_ine.columnas), by their CSV column. Here, in pure Python, so the
# synthetic-election generator shares them with the phases.
CAMPOS_ACTA = (
    "TOTAL_BOLETAS_SOBRANTES",
    "TOTAL_PERSONAS_VOTARON",
    "TOTAL_REP_PARTIDO_CI_VOTARON",
    "TOTAL_VOTOS_SACADOS",
    "TOTAL_VOTOS_ASENTADO",
)


def valor(cifra: Cifra | None) -> int:
    """The quantity's weight in a sum: ILEGIBLE, SIN_DATO, NO_APLICA and missing count as 0 (R2,
    R3, R9)."""
    return cifra if isinstance(cifra, int) else 0


def como_json(cifra: Cifra) -> int | str:
    """A figure as the API and the stored acta carry it: the integer, "ILEGIBLE", "SIN_DATO" or
    "NO_APLICA"."""
    return str(cifra) if isinstance(cifra, Lectura) else cifra


def es_numero(cifra: Cifra | None) -> bool:
    """True when the quantity was read as a number."""
    return isinstance(cifra, int) and not isinstance(cifra, bool)


def validar(cifra: object) -> Cifra:
    """Return a captured `cifra` as a Cifra, or raise ValueError with the reason in Spanish.

    NO_APLICA is refused: a field that is not printed on the acta is not captured at all."""
    if isinstance(cifra, str) and cifra == Lectura.NO_APLICA:
        raise ValueError("«no aplica» no se captura: un campo que no está en el acta se omite")
    if isinstance(cifra, Lectura):
        return cifra
    if isinstance(cifra, bool) or not isinstance(cifra, int):
        if isinstance(cifra, str) and cifra in CAPTURABLES:
            return Lectura(cifra)
        raise ValueError(f"cifra no válida: {cifra!r} (se espera un entero, ILEGIBLE o SIN_DATO)")
    if cifra < 0:
        raise ValueError(f"cifra negativa: {cifra}")
    return cifra


def leer(letra: Cifra, numero: Cifra, prevalece: Prevalece = Prevalece.LETRA) -> Cifra:
    """Read a quantity written twice on the acta, in letters and in digits (R1).

    Each writing is a number, ILEGIBLE (written, unreadable) or SIN_DATO (blank).
    """
    letra_ok, numero_ok = es_numero(letra), es_numero(numero)
    if letra_ok and numero_ok:
        if letra == numero:
            return letra
        return letra if prevalece is Prevalece.LETRA else numero
    if letra_ok:
        return letra
    if numero_ok:
        return numero
    if letra is Lectura.SIN_DATO and numero is Lectura.SIN_DATO:
        return Lectura.SIN_DATO
    return Lectura.ILEGIBLE
