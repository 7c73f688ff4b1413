"""Incidents and received packages from JSONL logs, read liberally.

Each line is one JSON object with a time: `momento` (the monitoring log) or `recibido` (the
receiver's log, `DESTINO/.prep-difusor.jsonl`), in ISO 8601. What kind of entry it is comes from
`tipo` or `resultado`; `detalle`, when there is one, gets its own column; every other non-empty
field is listed as `campo: valor` in the last column, so a log of any shape fits one table.
Lines that are not JSON objects are counted, not shown.
"""

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from prep.difusion.memoria import formato
from prep.difusion.memoria.accesos import abrir_texto, lineas

TIEMPOS = ("momento", "recibido")  # the first one present orders the entries
CLASES = ("tipo", "resultado")  # the fields that say what kind of entry a line is
DETALLE = "detalle"
SIN_CLASE = "(sin tipo ni resultado)"
# A string that is a date and time, shown in the report's zone wherever it appears.
_INSTANTE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


@dataclass(frozen=True)
class Entrada:
    """One line of a JSONL log, as text for the report. `otros` has one `campo: valor` line per
    remaining non-empty field, in the line's order."""

    momento: str
    clase: str
    detalle: str
    otros: str


@dataclass(frozen=True)
class Incidentes:
    """The entries of the JSONL logs sorted by time (those without a readable time go last, in
    file order), how many lines could not be read, and the entries per kind."""

    entradas: tuple[Entrada, ...]
    ilegibles: int
    por_clase: tuple[tuple[str, int], ...]  # (kind, entries), most first

    @property
    def con_detalle(self) -> bool:
        """Whether any entry has a `detalle`."""
        return any(entrada.detalle for entrada in self.entradas)


def leer_incidentes(rutas: list[Path], zona: ZoneInfo) -> Incidentes:
    """Read every JSONL file (plain or gzip); times are shown in `zona`, and a time without
    offset is taken as already local."""
    ordenadas: list[tuple[tuple, Entrada]] = []
    ilegibles = 0
    for ruta in rutas:
        with abrir_texto(ruta) as archivo:
            for linea in lineas(archivo):
                objeto = _objeto(linea)
                if objeto is None:
                    ilegibles += 1
                    continue
                campo_tiempo = next((c for c in TIEMPOS if c in objeto), None)
                momento = _instante(objeto.get(campo_tiempo), zona)
                clave = (0, momento.timestamp()) if momento else (1, 0.0)
                ordenadas.append(((*clave, len(ordenadas)), _entrada(objeto, campo_tiempo, zona)))
    ordenadas.sort(key=lambda par: par[0])
    entradas = tuple(entrada for _, entrada in ordenadas)
    clases = Counter(entrada.clase for entrada in entradas)
    return Incidentes(
        entradas=entradas,
        ilegibles=ilegibles,
        por_clase=tuple(sorted(clases.items(), key=lambda par: (-par[1], par[0]))),
    )


def _objeto(linea: str | None) -> dict | None:
    if linea is None:
        return None
    try:
        valor = json.loads(linea)
    except ValueError:
        return None
    return valor if isinstance(valor, dict) else None


def _entrada(objeto: dict, campo_tiempo: str | None, zona: ZoneInfo) -> Entrada:
    campo_clase = next((c for c in CLASES if objeto.get(c) not in (None, "")), None)
    propios = {campo_tiempo, campo_clase, DETALLE}
    otros = [
        f"{campo}: {_texto(valor, zona)}"
        for campo, valor in objeto.items()
        if campo not in propios and valor not in (None, "", [], {})
    ]
    return Entrada(
        momento=_texto(objeto.get(campo_tiempo), zona),
        clase=_texto(objeto[campo_clase], zona) if campo_clase else SIN_CLASE,
        detalle=_texto(objeto.get(DETALLE), zona),
        otros="\n".join(otros),
    )


def _instante(valor, zona: ZoneInfo) -> datetime | None:
    if not isinstance(valor, str) or not _INSTANTE.match(valor):
        return None
    try:
        momento = datetime.fromisoformat(valor)
    except ValueError:
        return None
    return momento.replace(tzinfo=zona) if momento.tzinfo is None else momento.astimezone(zona)


def _texto(valor, zona: ZoneInfo) -> str:
    """A JSON value as a table cell; a date and time is shown in `zona`, anything unreadable
    as written."""
    if valor is None:
        return ""
    if isinstance(valor, bool):
        return "sí" if valor else "no"
    if isinstance(valor, list):
        return "; ".join(_texto(elemento, zona) for elemento in valor)
    if isinstance(valor, dict):
        return json.dumps(valor, ensure_ascii=False, sort_keys=True)
    momento = _instante(valor, zona)
    return formato.instante(momento) if momento else str(valor)
