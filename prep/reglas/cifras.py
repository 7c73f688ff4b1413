"""One captured quantity of an acta (R1–R3)."""

from enum import StrEnum


class Lectura(StrEnum):
    """A quantity that is not a number."""

    ILEGIBLE = "ILEGIBLE"  # R2: written but cannot be read
    SIN_DATO = "SIN_DATO"  # R3: nothing written


class Prevalece(StrEnum):
    """Which writing wins when letra and número are both legible and differ (R1.3)."""

    LETRA = "LETRA"
    NUMERO = "NUMERO"


Cifra = int | Lectura
"""A captured quantity: a non-negative integer, or ILEGIBLE, or SIN_DATO."""


def valor(cifra: Cifra | None) -> int:
    """The quantity's weight in a sum: ILEGIBLE, SIN_DATO and missing count as 0 (R2, R3, R9)."""
    return cifra if isinstance(cifra, int) else 0


def como_json(cifra: Cifra) -> int | str:
    """A figure as the API and the stored acta carry it: the integer, "ILEGIBLE" or "SIN_DATO"."""
    return str(cifra) if isinstance(cifra, Lectura) else cifra


def es_numero(cifra: Cifra | None) -> bool:
    """True when the quantity was read as a number."""
    return isinstance(cifra, int) and not isinstance(cifra, bool)


def validar(cifra: object) -> Cifra:
    """Return `cifra` as a Cifra, or raise ValueError with the reason in Spanish."""
    if isinstance(cifra, Lectura):
        return cifra
    if isinstance(cifra, bool) or not isinstance(cifra, int):
        if isinstance(cifra, str) and cifra in Lectura.__members__:
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
