"""What a drill measures: latency per endpoint, completions per phase, per-acta times and errors.

Pure Python (no Django): the drill runs against a remote deployment from any machine.
"""

import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

# The phases of an acta, in order, as the report names them.
ACOPIO = "acopio"
DIGITALIZACION = "digitalización"
CAPTURA = "captura"
VERIFICACION = "verificación"
PUBLICACION = "publicación"
FASES = (ACOPIO, DIGITALIZACION, CAPTURA, VERIFICACION, PUBLICACION)
MAX_ERRORES_GUARDADOS = 50


def percentil(ordenados: list[float], p: float) -> float | None:
    """The `p`-th percentile (0–100) of sorted values, nearest-rank; None when empty."""
    if not ordenados:
        return None
    rango = max(1, math.ceil(p / 100 * len(ordenados)))
    return ordenados[min(rango, len(ordenados)) - 1]


@dataclass
class Latencias:
    """Durations of one endpoint's requests and the status codes it answered."""

    segundos: list[float] = field(default_factory=list)
    estados: Counter = field(default_factory=Counter)

    def resumen(self) -> dict:
        """Count, percentiles (ms) and status codes."""
        ordenados = sorted(self.segundos)
        ms = {
            f"p{p}_ms": None if (v := percentil(ordenados, p)) is None else round(v * 1000, 1)
            for p in (50, 90, 99)
        }
        maximo = round(ordenados[-1] * 1000, 1) if ordenados else None
        return {
            "peticiones": len(ordenados),
            **ms,
            "max_ms": maximo,
            "estados": dict(sorted((str(k), v) for k, v in self.estados.items())),
        }


@dataclass
class Medicion:
    """Everything a drill records, on the monotonic clock of the machine that runs it."""

    inicio: float = field(default_factory=time.monotonic)
    latencias: dict[str, Latencias] = field(default_factory=lambda: defaultdict(Latencias))
    # Per phase, the monotonic time of each completion (an acta acopiada, an image uploaded, a
    # capture recorded, an acta verified, an acta seen published).
    completadas: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    acopio: dict[str, float] = field(default_factory=dict)  # CLAVE_ACTA (and tipo) → acopio
    publicacion: dict[str, float] = field(default_factory=dict)  # → seen in a published corte
    errores: Counter = field(default_factory=Counter)
    ejemplos: list[str] = field(default_factory=list)
    cortes: list[dict] = field(default_factory=list)
    conflictos: int = 0
    cuentas: dict[str, int] = field(default_factory=dict)  # what the drill did, in total
    cpu_s: dict[str, float | None] = field(default_factory=dict)  # by kind of process, if known

    def peticion(self, ruta: str, estado: int | None, segundos: float) -> None:
        """One request to `ruta` (method + route template) answered `estado` (None: no answer)."""
        registro = self.latencias[ruta]
        registro.segundos.append(segundos)
        registro.estados["sin respuesta" if estado is None else estado] += 1

    def completar(self, fase: str, cuantas: int = 1) -> None:
        """`cuantas` completions of `fase` now."""
        ahora = time.monotonic()
        self.completadas[fase].extend([ahora] * cuantas)

    def error(self, tipo: str, detalle: str) -> None:
        """An operation that failed for good (after its retries)."""
        self.errores[tipo] += 1
        if len(self.ejemplos) < MAX_ERRORES_GUARDADOS:
            self.ejemplos.append(detalle)

    def informe(self) -> dict:
        """The drill's report, as JSON-ready data."""
        fin = time.monotonic()
        peticiones = sum(len(lat.segundos) for lat in self.latencias.values())
        return {
            "duracion_s": round(fin - self.inicio, 1),
            "peticiones": peticiones,
            "peticiones_por_segundo": round(peticiones / max(fin - self.inicio, 1e-9), 1),
            "fases": {f: _fase(self.completadas.get(f, []), self.inicio) for f in FASES},
            "endpoints": {r: lat.resumen() for r, lat in sorted(self.latencias.items())},
            "acopio_a_publicacion": _acopio_a_publicacion(self.acopio, self.publicacion),
            "cortes": self.cortes,
            "conflictos_resueltos": self.conflictos,
            "cuentas": self.cuentas,
            "cpu_s": self.cpu_s,
            "errores": dict(self.errores),
            "ejemplos_de_error": self.ejemplos,
        }


def _fase(momentos: list[float], inicio: float) -> dict:
    """Completions of one phase: how many, over how long, and how fast.

    `por_minuto` is over the phase's own span (first to last completion); `por_minuto_sostenido`
    over its middle 80 %, where the ramp-up and the tail do not weigh.
    """
    if not momentos:
        return {"actas": 0, "desde_s": None, "hasta_s": None, "por_minuto": None,
                "por_minuto_sostenido": None}  # fmt: skip
    ordenados = sorted(momentos)
    n = len(ordenados)
    primero, ultimo = ordenados[0], ordenados[-1]
    # Rates count the intervals between completions: n completions span n - 1 of them.
    bajo, alto = n // 10, max(n // 10 + 1, (9 * n) // 10 - 1)
    medio = ordenados[alto] - ordenados[bajo] if alto < n else 0
    return {
        "actas": n,
        "desde_s": round(primero - inicio, 1),
        "hasta_s": round(ultimo - inicio, 1),
        "por_minuto": round(60 * (n - 1) / (ultimo - primero), 1) if ultimo > primero else None,
        "por_minuto_sostenido": (
            round(60 * (alto - bajo) / medio, 1) if medio > 0 and n >= 10 else None
        ),
    }


def _acopio_a_publicacion(acopio: dict[str, float], publicacion: dict[str, float]) -> dict:
    """Seconds from each acta's acopio to the first corte seen publishing it."""
    ordenados = sorted(publicacion[c] - acopio[c] for c in publicacion if c in acopio)
    return {
        "actas": len(ordenados),
        **{
            f"p{p}_s": None if (v := percentil(ordenados, p)) is None else round(v, 1)
            for p in (50, 90, 99)
        },
        "max_s": round(ordenados[-1], 1) if ordenados else None,
    }
