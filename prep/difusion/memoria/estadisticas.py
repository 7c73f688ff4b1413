"""Visits, pages and hits per local hour, from a stream of requests.

Definitions (the report repeats them for its readers):

- **hit**: every request in the logs (every line that parsed), from people or programs, with any
  status.
- **página** (page view): a GET of an HTML document, that is the root `/`, a path ending in `/`
  or in `.html`/`.htm` (the query string aside), answered with 200 or 304, by an agent that is
  not a robot.
- **visita** (visit): a run of requests by one visitor (same IP and same user agent) with no
  pause longer than 30 minutes; it counts in the local hour of its first request. Robots make
  no visits.
- **visitante único** (unique visitor): a distinct IP and user agent pair with at least one visit
  starting in the period.
- **robot**: an empty user agent, or one that names a crawler, a monitor or an HTTP library.

Memory grows with the number of distinct visitors and of hours, never with the number of lines.
The visits are exact whatever the order of the lines (several files, several servers): each
visitor keeps its visits as disjoint time spans that a new request extends or joins.
"""

import hashlib
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from prep.difusion.memoria.accesos import Lectura, Peticion, leer

SESION = 30 * 60  # seconds: a longer pause starts a new visit (the usual web analytics rule)
ESTADOS_DE_PAGINA = frozenset({200, 304})
PAGINAS_PRINCIPALES = 20  # rows of the most viewed pages table
_ROBOTS = re.compile(
    r"bot\b|robot|crawl|spider|slurp|archiver|scrap|fetch|monitor|uptime|pingdom|"
    r"lighthouse|headless|preview|facebookexternalhit|curl|wget|python|httpx|aiohttp|"
    r"go-http-client|java/|okhttp|libwww|apache-httpclient|node-fetch|axios|scan",
    re.IGNORECASE,
)
# Time zones move in steps of 15 minutes, so every instant of a 15-minute block (counted from
# the epoch) falls in the same local hour: the block is the cache key for an instant's hour.
_BLOQUE = 15 * 60


@lru_cache(maxsize=4096)
def es_robot(agente: str) -> bool:
    """Whether the user agent is a program rather than a person's browser (see the module)."""
    return agente.strip() in ("", "-") or _ROBOTS.search(agente) is not None


def es_pagina(peticion: Peticion) -> bool:
    """Whether the request is a page view (see the module)."""
    ruta = peticion.ruta
    return (
        peticion.metodo == "GET"
        and peticion.estado in ESTADOS_DE_PAGINA
        and ruta is not None
        and (ruta.endswith("/") or ruta.lower().endswith((".html", ".htm")))
        and not es_robot(peticion.agente)
    )


class Horas:
    """Local hours of a time zone, each named by the instant (epoch seconds) it starts; an hour
    repeated by a daylight-saving change is two hours."""

    def __init__(self, zona: ZoneInfo) -> None:
        self.zona = zona
        self._cache: dict[int, int] = {}

    def inicio(self, momento: int) -> int:
        """The start of the local hour that holds `momento`."""
        bloque = momento // _BLOQUE
        inicio = self._cache.get(bloque)
        if inicio is None:
            local = datetime.fromtimestamp(bloque * _BLOQUE, self.zona)
            inicio = bloque * _BLOQUE - local.minute * 60 - local.second
            self._cache[bloque] = inicio
        return inicio

    def entre(self, desde: int, hasta: int) -> list[int]:
        """Every local hour that starts in [hour of `desde`, `hasta`)."""
        horas, hora = [], self.inicio(desde)
        while hora < hasta:
            horas.append(hora)
            hora = self.inicio(hora + 3600)
        return horas


@dataclass(frozen=True)
class Hora:
    """One local hour's counts; `inicio` is the instant the hour starts."""

    inicio: int
    visitas: int = 0
    paginas: int = 0
    hits: int = 0
    bytes: int = 0
    robots: int = 0


@dataclass(frozen=True)
class Periodo:
    """A reporting period: every local hour in [desde, hasta), those without requests included,
    and what happened in it."""

    desde: int
    hasta: int
    horas: tuple[Hora, ...]
    visitantes: int
    estados: tuple[tuple[int, int], ...]  # (status, hits), by status
    paginas_principales: tuple[tuple[str, int], ...]  # (path, views), most viewed first

    def total(self, campo: str) -> int:
        """The sum of one of Hora's counts over the period."""
        return sum(getattr(hora, campo) for hora in self.horas)

    def promedio(self, campo: str) -> float:
        """The count of the period's average hour (zero when the period has no hours)."""
        return self.total(campo) / len(self.horas) if self.horas else 0.0


@dataclass
class _Cuenta:
    hits: int = 0
    paginas: int = 0
    bytes: int = 0
    robots: int = 0
    estados: Counter = field(default_factory=Counter)
    rutas: Counter = field(default_factory=Counter)


class Acumulador:
    """Counts requests fed one at a time, in any order, and summarises any period afterwards."""

    def __init__(self, zona: ZoneInfo) -> None:
        self.horas = Horas(zona)
        self.primera: int | None = None  # earliest and latest request seen
        self.ultima: int | None = None
        self._por_hora: dict[int, _Cuenta] = {}
        # visitor → its visits as a flat sorted list [inicio0, fin0, inicio1, fin1, …], where
        # consecutive visits are more than SESION apart.
        self._visitas: dict[int, list[int]] = {}
        self._inicios: dict[int, int] | None = None  # visits per hour, computed once on demand

    def agregar(self, peticion: Peticion) -> None:
        """Count one request."""
        momento = peticion.momento
        if self.primera is None or momento < self.primera:
            self.primera = momento
        if self.ultima is None or momento > self.ultima:
            self.ultima = momento
        hora = self.horas.inicio(momento)
        cuenta = self._por_hora.get(hora)
        if cuenta is None:
            cuenta = self._por_hora[hora] = _Cuenta()
        cuenta.hits += 1
        cuenta.bytes += peticion.bytes
        cuenta.estados[peticion.estado] += 1
        if es_robot(peticion.agente):
            cuenta.robots += 1
            return
        if es_pagina(peticion):
            cuenta.paginas += 1
            cuenta.rutas[peticion.ruta] += 1
        visitante = _visitante(peticion.ip, peticion.agente)
        visitas = self._visitas.get(visitante)
        if visitas is None:
            self._visitas[visitante] = [momento, momento]
        else:
            _sumar(visitas, momento)
        self._inicios = None

    def periodo(self, desde: int, hasta: int) -> Periodo:
        """The summary of the local hours that start in [hour of `desde`, `hasta`); its unique
        visitors are those with a visit starting in one of those hours."""
        horas = self.horas.entre(desde, hasta)
        inicios = self._visitas_por_hora()
        vacia = _Cuenta()
        filas, estados, rutas = [], Counter(), Counter()
        for hora in horas:
            cuenta = self._por_hora.get(hora, vacia)
            filas.append(
                Hora(
                    hora,
                    inicios.get(hora, 0),
                    cuenta.paginas,
                    cuenta.hits,
                    cuenta.bytes,
                    cuenta.robots,
                )
            )
            estados.update(cuenta.estados)
            rutas.update(cuenta.rutas)
        propias = set(horas)
        visitantes = sum(
            1
            for visitas in self._visitas.values()
            if any(self.horas.inicio(inicio) in propias for inicio in visitas[::2])
        )
        principales = sorted(rutas.items(), key=lambda par: (-par[1], par[0]))
        return Periodo(
            desde=horas[0] if horas else desde,
            hasta=hasta,
            horas=tuple(filas),
            visitantes=visitantes,
            estados=tuple(sorted(estados.items())),
            paginas_principales=tuple(principales[:PAGINAS_PRINCIPALES]),
        )

    def _visitas_por_hora(self) -> dict[int, int]:
        if self._inicios is None:
            inicios = Counter()
            for visitas in self._visitas.values():
                for inicio in visitas[::2]:
                    inicios[self.horas.inicio(inicio)] += 1
            self._inicios = dict(inicios)
        return self._inicios


def _visitante(ip: str, agente: str) -> int:
    # 64 bits of a hash instead of the strings: user agents are long and repeated across
    # millions of visitors. A collision (odds about 3 in 10^8 for a million visitors) merges
    # two visitors; Python's hash() would do the same but differently on every run.
    resumen = hashlib.blake2b(f"{ip}\n{agente}".encode(), digest_size=8).digest()
    return int.from_bytes(resumen, "big")


def _sumar(visitas: list[int], momento: int) -> None:
    """Add a request to a visitor's visits (flat [inicio, fin, …], sorted, more than SESION
    apart): it extends the visit it falls in or near, joins two it bridges, or starts one."""
    # Visits before the request: the usual case, a request later than every visit, is 0 steps.
    antes = len(visitas) // 2
    if visitas[-2] > momento:
        antes = bisect_right(visitas[::2], momento)
    previa, siguiente = antes - 1, antes
    con_previa = previa >= 0 and momento - visitas[2 * previa + 1] <= SESION
    con_siguiente = siguiente < len(visitas) // 2 and visitas[2 * siguiente] - momento <= SESION
    if con_previa and con_siguiente:
        visitas[2 * previa + 1] = visitas[2 * siguiente + 1]
        del visitas[2 * siguiente : 2 * siguiente + 2]
    elif con_previa:
        visitas[2 * previa + 1] = max(visitas[2 * previa + 1], momento)
    elif con_siguiente:
        visitas[2 * siguiente] = momento
    else:
        visitas[2 * siguiente : 2 * siguiente] = [momento, momento]


@dataclass(frozen=True)
class Resultado:
    """Everything the report needs from the access logs."""

    lecturas: tuple[Lectura, ...]
    eleccion: Periodo
    ordinario: Periodo | None
    todo: Periodo | None  # every hour from the first request to the last; None without any


def calcular(
    rutas: Iterable[Path],
    zona: ZoneInfo,
    eleccion: tuple[datetime, datetime] | None = None,
    ordinario: tuple[datetime, datetime] | None = None,
) -> Resultado:
    """Read the logs and summarise the election and ordinary periods (aware datetimes,
    [desde, hasta)). Without `eleccion`, the election period is every hour the logs cover.
    Raises ValueError when that is needed and the logs have no valid line."""
    acumulador = Acumulador(zona)
    lecturas = []
    for ruta in rutas:
        lectura = Lectura(str(ruta))
        lecturas.append(lectura)
        for peticion in leer(ruta, lectura):
            acumulador.agregar(peticion)
    todo = None
    if acumulador.primera is not None:
        # To the end of the last request's hour, so the period is made of whole hours.
        fin = acumulador.horas.inicio(acumulador.horas.inicio(acumulador.ultima) + 3600)
        todo = acumulador.periodo(acumulador.primera, fin)
    if eleccion is None and todo is None:
        raise ValueError("las bitácoras no tienen ninguna petición válida")
    return Resultado(
        lecturas=tuple(lecturas),
        eleccion=_periodo(acumulador, eleccion) if eleccion else todo,
        ordinario=_periodo(acumulador, ordinario) if ordinario else None,
        todo=todo,
    )


def _periodo(acumulador: Acumulador, limites: tuple[datetime, datetime]) -> Periodo:
    desde, hasta = limites
    return acumulador.periodo(int(desde.timestamp()), int(hasta.timestamp()))
