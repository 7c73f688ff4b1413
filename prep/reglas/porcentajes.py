"""Percentages truncated to four decimals (R12) and participación ciudadana (R13)."""

from decimal import Decimal

_ESCALA = 10_000  # four decimals


def porcentaje(numerador: int, denominador: int) -> Decimal:
    """`numerador·100/denominador` truncated (not rounded) to 4 decimals; 0 when y = 0 (R12)."""
    if denominador <= 0:
        return Decimal("0.0000")
    entero = numerador * 100 * _ESCALA // denominador
    return Decimal(entero).scaleb(-4).quantize(Decimal("0.0001"))


def formatear(valor: Decimal) -> str:
    """A percentage as published: exactly four decimals."""
    return f"{valor:.4f}"


def participacion(
    total_votos_c_cs: int, total_votos_s_cs: int, lista_nominal: int, *, corte_final: bool
) -> Decimal:
    """R13: S_CS during operation, C_CS at the last corte, over the LN of contabilizadas."""
    votos = total_votos_c_cs if corte_final else total_votos_s_cs
    return porcentaje(votos, lista_nominal)
