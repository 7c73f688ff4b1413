"""The election-night clock: the real one, or a simulated night compressed for drills and the demo.

`PREP_RELOJ` (read at import; `configurar` changes it in-process) simulates the clock with the
form `<inicio simulado ISO> x<factor> desde <inicio real ISO>`, for example
`2027-06-06T19:30:00-06:00 x60 desde 2026-11-24T21:00:00+00:00`: from that real instant on, the
night runs `factor` times faster from its simulated start. Or `archivo <ruta>`: a clock stepped by
hand, whose time is the one written in that file (an aware ISO 8601 instant) and stands still
until it is rewritten (`mover`): a drill, or a test, moves the night of every process reading the
file at once, to the instant it chooses, however slowly those processes start or run.

Only the election night's own timestamps (acopio, digitalización, captura, verificación,
empaquetado) follow this clock. Security and machinery (sessions, device tokens, login
throttling, capture claims, the bitácora's `momento`) keep `django.utils.timezone.now`.

Messages are plain Spanish strings: the settings load this module, before translations can.
"""

import os
import re
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.utils import timezone

FORMA = (
    "«<inicio simulado ISO> x<factor> desde <inicio real ISO>», p. ej."
    " «2027-06-06T19:30:00-06:00 x60 desde 2026-11-24T21:00:00+00:00»,"
    " o «archivo <ruta>» (la hora de la noche es la que diga ese archivo)"
)
_PATRON = re.compile(r"(?P<simulado>\S+)\s+x(?P<factor>\d+(?:\.\d+)?)\s+desde\s+(?P<real>\S+)")
_PATRON_ARCHIVO = re.compile(r"archivo\s+(?P<ruta>\S.*)")


@dataclass(frozen=True)
class _Simulacion:
    inicio_simulado: datetime
    factor: float
    inicio_real: datetime


@dataclass(frozen=True)
class _Archivo:
    """A clock stepped by hand: the night's time is the one `ruta` holds, read at every call."""

    ruta: Path


_simulacion: _Simulacion | _Archivo | None = None


def ahora() -> datetime:
    """The current election-night time (aware): simulated if so configured, else the real one."""
    real = timezone.now()
    if _simulacion is None:
        return real
    if isinstance(_simulacion, _Archivo):
        return _leer(_simulacion.ruta)
    return _simulacion.inicio_simulado + (real - _simulacion.inicio_real) * _simulacion.factor


def segundos_reales(lapso: timedelta) -> float:
    """How many real seconds `lapso` of election-night time lasts (shorter when simulated; as
    long as a real one on a clock stepped by hand)."""
    factor = _simulacion.factor if isinstance(_simulacion, _Simulacion) else 1.0
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


def texto_archivo(ruta: Path) -> str:
    """The `PREP_RELOJ` text of a clock stepped by hand through the file `ruta` (absolute, so
    that a process started elsewhere reads the same file); `mover` sets its time."""
    return f"archivo {Path(ruta).absolute()}"


def mover(ruta: Path, momento: datetime) -> None:
    """Set the time of the clock stepped by hand through `ruta` to `momento` (aware; ValueError
    if naive). The file is written aside and renamed over `ruta`: no reader sees half a time."""
    if timezone.is_naive(momento):
        raise ValueError(f"«{momento.isoformat()}» no indica su zona horaria (p. ej. -06:00)")
    ruta = Path(ruta)
    aparte = ruta.with_name(f".{ruta.name}.{os.getpid()}.{threading.get_ident()}")
    aparte.write_text(momento.isoformat(), encoding="utf-8")
    os.replace(aparte, ruta)


def _leer(ruta: Path) -> datetime:
    """The time a clock stepped by hand shows: the instant written in `ruta`."""
    texto = f"archivo {ruta}"
    try:
        contenido = ruta.read_text(encoding="utf-8")
    except OSError as exc:
        raise _invalido(texto, f"no se puede leer «{ruta}» ({exc.strerror})") from None
    return _fecha(texto, contenido.strip())


def _interpretar(texto: str) -> _Simulacion | _Archivo:
    archivo = _PATRON_ARCHIVO.fullmatch(texto.strip())
    if archivo is not None:
        ruta = Path(archivo["ruta"]).absolute()  # the same file if the process changes folder
        _leer(ruta)  # refused now, at startup, if it holds no time
        return _Archivo(ruta)
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
