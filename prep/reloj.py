"""The election-night clock: the real one, or a simulated night compressed for drills and the demo.

`PREP_RELOJ` (read at import; `configurar` changes it in-process) simulates the clock with the
form `<inicio simulado ISO> x<factor> desde <inicio real ISO>`, for example
`2027-06-06T19:30:00-06:00 x60 desde 2026-11-24T21:00:00+00:00`: from that real instant on, the
night runs `factor` times faster from its simulated start.

Only the election night's own timestamps (acopio, digitalización, captura, verificación,
empaquetado) follow this clock. Security and machinery (sessions, device tokens, login
throttling, capture claims, the bitácora's `momento`) keep `django.utils.timezone.now`.

Messages are plain Spanish strings: the settings load this module, before translations can.
"""

import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

FORMA = (
    "«<inicio simulado ISO> x<factor> desde <inicio real ISO>», p. ej."
    " «2027-06-06T19:30:00-06:00 x60 desde 2026-11-24T21:00:00+00:00»"
)
_PATRON = re.compile(r"(?P<simulado>\S+)\s+x(?P<factor>\d+(?:\.\d+)?)\s+desde\s+(?P<real>\S+)")


@dataclass(frozen=True)
class _Simulacion:
    inicio_simulado: datetime
    factor: float
    inicio_real: datetime


_simulacion: _Simulacion | None = None


def ahora() -> datetime:
    """The current election-night time (aware): simulated if so configured, else the real one."""
    real = timezone.now()
    if _simulacion is None:
        return real
    return _simulacion.inicio_simulado + (real - _simulacion.inicio_real) * _simulacion.factor


def segundos_reales(lapso: timedelta) -> float:
    """How many real seconds `lapso` of election-night time lasts (shorter when simulated)."""
    factor = _simulacion.factor if _simulacion is not None else 1.0
    return lapso.total_seconds() / factor


def simulado() -> bool:
    """Whether the clock is simulated."""
    return _simulacion is not None


def configurar(texto: str | None) -> None:
    """Simulate the clock as `texto` says (the form of `PREP_RELOJ`); None or blank: real clock.

    A malformed `texto` raises ValueError and leaves the clock as it was.
    """
    global _simulacion
    _simulacion = _interpretar(texto) if texto and texto.strip() else None


def texto_simulado(inicio_simulado: datetime, factor: float, inicio_real: datetime) -> str:
    """The `PREP_RELOJ` text of a simulated clock (ValueError if it would not be valid)."""
    texto = f"{inicio_simulado.isoformat()} x{factor} desde {inicio_real.isoformat()}"
    _interpretar(texto)
    return texto


def _interpretar(texto: str) -> _Simulacion:
    coincidencia = _PATRON.fullmatch(texto.strip())
    if coincidencia is None:
        raise _invalido(texto, "no tiene la forma esperada")
    factor = float(coincidencia["factor"])
    if factor <= 0:
        raise _invalido(texto, "el factor debe ser positivo")
    return _Simulacion(
        _fecha(texto, coincidencia["simulado"]), factor, _fecha(texto, coincidencia["real"])
    )


def _fecha(texto: str, iso: str) -> datetime:
    try:
        fecha = datetime.fromisoformat(iso)
    except ValueError:
        raise _invalido(texto, f"«{iso}» no es una fecha y hora ISO 8601") from None
    if timezone.is_naive(fecha):
        raise _invalido(texto, f"«{iso}» no indica su zona horaria (p. ej. -06:00)")
    return fecha


def _invalido(texto: str, motivo: str) -> ValueError:
    return ValueError(f"PREP_RELOJ inválido («{texto}»): {motivo}; se espera {FORMA}.")


configurar(os.environ.get("PREP_RELOJ"))
