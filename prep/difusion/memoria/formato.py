"""Numbers and dates as written in Mexico (es-MX): comma for thousands, point for decimals,
day/month/year, month names in Spanish. No locale settings are used, so the output is the same on
every machine."""

from datetime import datetime

MESES = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)
SIN_DATO = "—"


def entero(numero: int) -> str:
    """`1234567` → `1,234,567`."""
    return f"{numero:,}"


def decimal(numero: float, cifras: int = 1) -> str:
    """`1234.56` → `1,234.6` (with `cifras` decimals)."""
    return f"{numero:,.{cifras}f}"


def razon(numero: float, base: float) -> str:
    """`numero / base` with two decimals; a dash when there is no base to compare against."""
    return decimal(numero / base, 2) if base else SIN_DATO


def porcentaje(parte: int, total: int) -> str:
    """`parte` as a share of `total`: `12.5%`."""
    return f"{decimal(100 * parte / total)}%" if total else SIN_DATO


def tamano(octetos: int) -> str:
    """A size in bytes with its decimal unit: `1,234,567` → `1.2 MB`."""
    unidades = ("bytes", "kB", "MB", "GB", "TB", "PB")
    valor, unidad = float(octetos), 0
    while valor >= 1000 and unidad < len(unidades) - 1:
        valor, unidad = valor / 1000, unidad + 1
    return f"{entero(octetos)} bytes" if unidad == 0 else f"{decimal(valor)} {unidades[unidad]}"


def hora(momento: datetime) -> str:
    """A local hour as the report's tables show it: `06/06/2027 20:00`."""
    return f"{momento:%d/%m/%Y %H:%M}"


def instante(momento: datetime) -> str:
    """A local instant to the second: `06/06/2027 20:15:03`."""
    return f"{momento:%d/%m/%Y %H:%M:%S}"


def fecha_larga(momento: datetime) -> str:
    """`6 de junio de 2027, 21:30 h`."""
    return f"{momento.day} de {MESES[momento.month - 1]} de {momento.year}, {momento:%H:%M} h"
