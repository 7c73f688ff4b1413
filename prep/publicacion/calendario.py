"""The publication calendar's rules (RE 339 and 353), in plain Python: when publication may start,
how often cortes and databases are made, the embargo before the start and the close after it.

Arithmetic is done in UTC: adding minutes to a local wall-clock time would be wrong across a
daylight-saving change, and Mexico's border zones still have one.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

# A time as every corte shows it: `06/06/2027 20:00 (UTC-6)`.
from prep.publicacion.base_ine.escritura import desfase
from prep.publicacion.base_ine.escritura import linea_corte as texto_hora

CENTRO = ZoneInfo("America/Mexico_City")  # tiempo del centro, the federal start's reference
INICIO_FEDERAL = time(20, 0)  # RE 353 ¶4: federal publication not before 20:00 tiempo del centro
INICIO_LOCAL = (time(18, 0), time(20, 0))  # the OPL board picks a start in this range, local time
DURACION_MAXIMA = timedelta(hours=24)  # RE 339: the last update at most 24 h after the start
MINIMO_POR_HORA = 3  # RE 339 ¶1 h–i: at least 3 updates per hour of data and of databases

MOTIVO_FIN = "última actualización"
MOTIVO_TOTAL = "100 % de las actas esperadas registradas"


@dataclass(frozen=True)
class Ventana:
    """The window the consejo approved: start and last update (aware datetimes), updates per hour
    of data and images (`cortes_por_hora`) and of the databases, and whether the start follows
    the federal rule."""

    inicio: datetime
    fin: datetime
    cortes_por_hora: int
    bases_por_hora: int
    federal: bool


class Embargo(ValueError):
    """A corte before the start of publication (RE 353 ¶4)."""


class Cerrada(ValueError):
    """A corte after publication closed (T-E3)."""


def validar(v: Ventana, zona: ZoneInfo) -> list[str]:
    """Every problem of the window, in Spanish; empty when it may be approved. `zona` is the
    proceso's local zone, where a local election's start time is judged."""
    if v.inicio.utcoffset() is None or v.fin.utcoffset() is None:
        return ["el inicio y la última actualización deben indicar su zona horaria"]
    problemas = []
    inicio, fin = _utc(v.inicio), _utc(v.fin)
    if fin <= inicio:
        problemas.append(
            f"la última actualización, {texto_hora(v.fin)}, debe ser posterior al inicio,"
            f" {texto_hora(v.inicio)}"
        )
    elif fin - inicio > DURACION_MAXIMA:
        problemas.append(
            f"la última actualización, {texto_hora(v.fin)}, debe ser a más tardar 24 horas"
            f" después del inicio, {texto_hora(v.inicio)} (RE 339)"
        )
    problemas += _problemas_frecuencia(v.cortes_por_hora, v.bases_por_hora)
    problemas += _problemas_inicio(v, zona)
    for nombre, momento in (("el inicio", v.inicio), ("la última actualización", v.fin)):
        if momento.second or momento.microsecond:
            problemas.append(
                f"{nombre} debe caer en un minuto exacto (sin segundos): {momento:%H:%M:%S}"
            )
    return problemas


def _problemas_frecuencia(cortes_por_hora: int, bases_por_hora: int) -> list[str]:
    problemas = []
    if cortes_por_hora < MINIMO_POR_HORA:
        cada = f" (un corte cada {60 // cortes_por_hora} min)" if cortes_por_hora > 0 else ""
        problemas.append(
            f"se requieren al menos {MINIMO_POR_HORA} actualizaciones por hora de datos e"
            f" imágenes, es decir, un corte cada 20 min o menos; se indicaron"
            f" {cortes_por_hora}{cada} (RE 339)"
        )
    elif cortes_por_hora > 60 or 60 % cortes_por_hora:
        problemas.append(
            f"las actualizaciones por hora de datos e imágenes deben dividir la hora en minutos"
            f" enteros (3, 4, 5, 6, 10, 12, 15, 20, 30 o 60); se indicaron {cortes_por_hora}"
        )
    if bases_por_hora < MINIMO_POR_HORA:
        problemas.append(
            f"se requieren al menos {MINIMO_POR_HORA} actualizaciones por hora de las bases de"
            f" datos (cada 20 min o menos); se indicaron {bases_por_hora} (RE 339)"
        )
    elif bases_por_hora > cortes_por_hora or cortes_por_hora % bases_por_hora:
        problemas.append(
            f"las bases de datos se publican con los cortes: sus actualizaciones por hora"
            f" ({bases_por_hora}) deben dividir las de datos e imágenes ({cortes_por_hora})"
        )
    return problemas


def _problemas_inicio(v: Ventana, zona: ZoneInfo) -> list[str]:
    if v.federal:
        hora = v.inicio.astimezone(CENTRO)
        if hora.time() < INICIO_FEDERAL:
            return [
                f"en una elección federal la publicación no puede empezar antes de las 20:00"
                f" tiempo del centro; el inicio indicado es a las {hora:%H:%M} tiempo del centro"
                f" (RE 353)"
            ]
        return []
    hora = v.inicio.astimezone(zona)
    desde, hasta = INICIO_LOCAL
    if not desde <= hora.time() <= hasta:
        return [
            f"en una elección local la publicación debe empezar entre las 18:00 y las 20:00 hora"
            f" local ({zona.key}); el inicio indicado es a las {hora:%H:%M} (RE 353)"
        ]
    return []


def intervalo(v: Ventana) -> timedelta:
    """Time between two scheduled cortes."""
    return timedelta(minutes=60 // v.cortes_por_hora)


def programados(v: Ventana) -> Iterator[datetime]:
    """The scheduled cortes: inicio, inicio + intervalo, … and the last update `fin`, always the
    last one even when it is off the grid. Times are in inicio's zone."""
    inicio, fin, paso = _utc(v.inicio), _utc(v.fin), intervalo(v)
    momento = inicio
    while momento < fin:
        yield momento.astimezone(v.inicio.tzinfo)
        momento += paso
    yield fin.astimezone(v.inicio.tzinfo)


def proximo(v: Ventana, ahora: datetime) -> datetime | None:
    """The first scheduled corte at or after `ahora`; None once the last update has passed."""
    inicio, fin, ahora = _utc(v.inicio), _utc(v.fin), _utc(ahora)
    if ahora > fin:
        return None
    if ahora <= inicio:
        return v.inicio
    paso = intervalo(v)
    pasos = -((inicio - ahora) // paso)  # ceiling division: the first grid point ≥ ahora
    return min(inicio + pasos * paso, fin).astimezone(v.inicio.tzinfo)


def exigir_ventana(v: Ventana, momento: datetime, cerrado: datetime | None) -> None:
    """Refuse a corte stamped `momento` outside the window: Embargo before the start (nothing
    is published before it, by any means), Cerrada after the last update or after `cerrado`."""
    momento = _utc(momento)
    if momento < _utc(v.inicio):
        raise Embargo(
            f"embargo: la publicación empieza el {v.inicio:%d/%m/%Y} a las {v.inicio:%H:%M}"
            f" ({desfase(v.inicio)}); no se publica nada antes (RE 353)"
        )
    if cerrado is not None and momento > _utc(cerrado):
        raise Cerrada(
            f"la publicación se cerró el {texto_hora(cerrado.astimezone(v.inicio.tzinfo))};"
            f" no se producen más cortes: el último queda publicado sin cambios"
        )
    if momento > _utc(v.fin):
        raise Cerrada(
            f"la publicación terminó con la última actualización, el {texto_hora(v.fin)};"
            f" no se producen más cortes: el último queda publicado sin cambios"
        )


def lleva_bases(
    v: Ventana, momento: datetime, ultimo_con_bases: datetime | None, *, final: bool = False
) -> bool:
    """Whether the corte at `momento` refreshes the databases: the first corte, the final one
    (`momento` ≥ fin, or `final` for an early close), and any corte that reaches a databases slot
    (inicio + k · 60/bases_por_hora min) after the last corte that carried them. So they are
    refreshed whenever 60/bases_por_hora minutes have passed, even after a late corte."""
    if ultimo_con_bases is None or final or _utc(momento) >= _utc(v.fin):
        return True
    periodo = timedelta(minutes=60 // v.bases_por_hora)
    inicio = _utc(v.inicio)
    ranura = inicio + ((_utc(momento) - inicio) // periodo) * periodo
    return ranura > _utc(ultimo_con_bases)


def cierre(v: Ventana, momento: datetime, todas_registradas: bool) -> str | None:
    """Why publication closes with the corte at `momento`, or None if it goes on: the last
    update, or the early close once every acta esperada is registrada (RE 353 ¶6)."""
    if _utc(momento) >= _utc(v.fin):
        return MOTIVO_FIN
    if todas_registradas:
        return MOTIVO_TOTAL
    return None


def _utc(momento: datetime) -> datetime:
    return momento.astimezone(UTC)
