"""Reads a results database in the INE/OPL layout (Anexo 18.5; docs/reglas.md, «Bases reales y
desviaciones observadas»), whatever the institute's
quirks: UTF-8 with or without BOM, blank separator lines present or not, quoted or unquoted
cells, keys with a leading apostrophe, header names spelled differently, text in numeric cells,
two date formats and dirty TIPO_ACTA values. Columns are found by name, never by position.

Vote cells (B2, B3): a number, `Ilegible`, `Sin dato`, `-` or `N/A` (the field is not on that
acta: *no aplica*), `SIN ACTA` (no figure) or empty. An empty cell is *no aplica* where its column
never holds a figure in the same demarcación and TIPO_ACTA (the contenders are inferred from the
file itself) and a field with nothing written (R3) elsewhere.

What the reader can work around it says as a warning (`BaseResultados.avisos`), never a crash: a
repeated CLAVE_ACTA, an unknown TIPO_ACTA, OBSERVACIONES it does not recognize. A key repeated in
different ámbitos (voto anticipado, one acta per municipio or distrito; a sección split between
municipios) is legitimate: each row is identified by key and ámbito (`BaseResultados.notas`).

Pure Python: no Django import.
"""

import csv
import functools
import io
import itertools
import re
import unicodedata
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path

from prep.publicacion.base_ine.columnas import (
    CIERRE,
    ENCABEZADO,
    IDENTIFICACION,
    IDENTIFICACION_LECTURA,
    canonico,
)
from prep.reglas.acta import Acta, CausaSinActa, Registro, Ubicacion
from prep.reglas.cifras import Cifra, Lectura

# Row columns the verification cannot do without.
COLUMNAS_REQUERIDAS = (
    "CLAVE_ACTA",
    "TIPO_CASILLA",
    "TOTAL_VOTOS_CALCULADO",
    "LISTA_NOMINAL",
    "OBSERVACIONES",
)
# Columns some layouts lack, and what the checker does without them (docs/reglas.md).
SIN_CONTABILIZADA = (
    "el archivo no publica CONTABILIZADA: el estado de cada acta se deduce de OBSERVACIONES y de"
    " sus cifras, y no se compara fila por fila"
)
SIN_REPRESENTANTES = (
    "el archivo no publica REPRESENTANTES_PP_CI: las actas cuyo total pasa de su lista nominal"
    " quedan no verificables (R5)"
)
COLUMNAS_FECHA = ("FECHA_HORA_ACOPIO", "FECHA_HORA_CAPTURA", "FECHA_HORA_VERIFICACION")

# Normalized spellings (see `normalizar`) of a cell whose field is not on the acta (B2), and of
# the cells that hold no figure. A Sin Acta row may carry `SIN ACTA` in its figure cells (B3): no
# figure, not a malformed file.
_NO_APLICA = frozenset({"-", "--", "—", "–", "n/a", "na"})
_SIN_ACTA = "sin acta"
_SIN_VALOR = frozenset({"", _SIN_ACTA, *_NO_APLICA})
_ILEGIBLE = frozenset({"ilegible"})
_SIN_DATO = frozenset({"sin dato", "sin datos"})
# Some exports write 12.0 for 12, or 1,234 for 1234 (a spreadsheet's thousands separator).
_ENTERO = re.compile(r"\d+(?:\.0*)?|\d{1,3}(?:,\d{3})+", re.ASCII)
_FORMATOS_FECHA = (
    "%d/%m/%Y %H:%M:%S",  # INE, and most OPL rows
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d %H:%M:%S.%f",  # Campeche 2021 fuera de catálogo rows
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",  # ISO 8601, as some exporters write it
    "%Y-%m-%d %H:%M",
)
# Causes of Sin Acta by a distinctive piece of their normalized text ("sin bolsa" is how some OPLs
# say "sin sobre").
_CAUSAS_SIN_ACTA = (
    ("no entregado", CausaSinActa.PAQUETE_NO_ENTREGADO),
    ("no instalada", CausaSinActa.CASILLA_NO_INSTALADA),
    ("sin sobre", CausaSinActa.PAQUETE_SIN_SOBRE),
    ("sin bolsa", CausaSinActa.PAQUETE_SIN_SOBRE),
    ("urna", CausaSinActa.CONTINGENCIA_URNA),
)
# TIPO_ACTA as normalized in `Fila.tipo_acta`: a number and up to three letters ("2", "2E", "3RP").
_TIPO_ACTA = re.compile(r"\d{1,2}[A-Z]{0,3}", re.ASCII)
# How many keys a message lists before "y N más".
MAXIMO_LISTADO = 20


class Demarcacion(StrEnum):
    """The ámbito whose boleta an acta prints (B1): the `Ubicacion` field that tells it."""

    MUNICIPIO = "municipio"
    DISTRITO = "distrito"
    ENTIDAD = "entidad"


Grupo = tuple[tuple[int | None, ...], str]
"""A key of `BaseResultados.contendientes`: the demarcación (its entidad first, as distritos and
municipios are numbered within each entidad) and the normalized TIPO_ACTA."""


class ErrorFormato(ValueError):
    """The file is not a results database in the INE/OPL layout; the message says why."""


class Anotacion(StrEnum):
    """What a published OBSERVACIONES says, whatever the institute's wording."""

    EXCEDE_LISTA_NOMINAL = "Excede Lista Nominal"
    ILEGIBLE = "Ilegible"
    SIN_DATO = "Sin dato"
    # One label for both, as OPLs publish it in 2021: "ALGÚN CAMPO ILEGIBLE O SIN DATO".
    ILEGIBLE_O_SIN_DATO = "Algún campo ilegible o sin dato"
    # R4 under any wording: "Todos los campos ilegibles", "… vacíos", "TODO ILEGIBLE O SIN DATO".
    TODOS_ILEGIBLES = "Todos los campos ilegibles o sin dato"
    SIN_ACTA = "Sin Acta"
    FUERA_CATALOGO = "Fuera de catálogo"


# R4, R5: the observaciones that make an acta no contabilizada.
NO_CONTABILIZAN = frozenset({Anotacion.EXCEDE_LISTA_NOMINAL, Anotacion.TODOS_ILEGIBLES})


@dataclass(frozen=True, slots=True)
class Corte:
    """Line 2 of the file: the corte's date and time as published, and its zone."""

    fecha_hora: str
    zona: str = ""

    def __str__(self) -> str:
        return f"{self.fecha_hora} ({self.zona})" if self.zona else self.fecha_hora


@dataclass(frozen=True, slots=True)
class Fila:
    """One data row: its cells, what it publishes, and the acta the rule engine sees."""

    linea: int  # physical line of the file, for messages
    celdas: Mapping[str, str]  # canonical column → cell, without surrounding blanks or apostrophes
    # Published vote cells: a figure, NO_APLICA for `-` / `N/A`, None for an empty or `SIN ACTA`
    # cell.
    votos: tuple[Cifra | None, ...]
    anotaciones: frozenset[Anotacion]
    tipo_acta: str  # normalized: upper case, no leading zeros ("02" → "2", "2e" → "2E")
    fechas: Mapping[str, datetime | None]
    # The acta. Its clave is CLAVE_ACTA, plus the ámbito or the line when the key repeats.
    acta: Acta
    # What the reader could not make out (an unknown observación, a Sin Acta with no known
    # cause): the row cannot be fully checked.
    problemas: tuple[str, ...] = ()

    @property
    def clave_acta(self) -> str:
        """CLAVE_ACTA as published (`-` for fuera de catálogo rows)."""
        return self.celdas["CLAVE_ACTA"]


@dataclass(frozen=True, slots=True)
class BaseResultados:
    """A whole results database as read."""

    eleccion: str
    corte: Corte
    encabezado: Mapping[str, str]  # canonical summary name → published text, in file order
    columnas: tuple[str, ...]  # canonical row column names, in file order
    columnas_voto: tuple[str, ...]
    filas: tuple[Fila, ...]
    demarcacion: Demarcacion = Demarcacion.ENTIDAD
    # (demarcación, TIPO_ACTA) → the vote columns that hold a figure in some row of it: the
    # contenders its acta prints (B1). Rows with an unknown TIPO_ACTA use the union of their
    # demarcación, under TIPO_ACTA "".
    contendientes: Mapping[Grupo, frozenset[str]] = field(default_factory=dict)
    avisos: tuple[str, ...] = ()  # recoverable problems of the file, in Spanish
    notas: tuple[str, ...] = ()  # how the reader read something unusual but legitimate
    # Rows whose CLAVE_ACTA repeats in the same ámbito, after the first: the institute's error.
    repetidas: tuple[Fila, ...] = ()


# A national file has millions of cells but few distinct texts (`-`, `N/A`, small numbers, the
# observaciones): each is normalized once.
@functools.lru_cache(maxsize=16_384)
def normalizar(texto: str) -> str:
    """Lower case, no accents, single spaces: the key used to recognize published wording."""
    descompuesto = unicodedata.normalize("NFKD", texto.replace("_", " "))
    sin_acentos = "".join(c for c in descompuesto if not unicodedata.combining(c))
    return " ".join(sin_acentos.casefold().split())


def leer_cifra(texto: str) -> Cifra | None:
    """A published figure: an int, ILEGIBLE, SIN_DATO, or None when the cell holds no figure
    (empty, `-`, `N/A`, `SIN ACTA`). Raise ValueError for any other text."""
    limpio = texto.strip().strip("'\"").strip()
    if _ENTERO.fullmatch(limpio):
        return int(limpio.split(".")[0].replace(",", ""))
    clave = normalizar(limpio)
    if clave in _SIN_VALOR:
        return None
    if clave in _ILEGIBLE:
        return Lectura.ILEGIBLE
    if clave in _SIN_DATO:
        return Lectura.SIN_DATO
    raise ValueError(f"cifra no reconocida: {texto!r}")


def leer_voto(texto: str) -> Cifra | None:
    """A published vote cell: as `leer_cifra`, but NO_APLICA for `-`, `--`, `—`, `N/A` or `NA`
    (B2: the field is not on that acta). None still means an empty or `SIN ACTA` cell."""
    if texto.isascii() and texto.isdigit():  # most cells: skip the wording checks
        return int(texto)
    if es_no_aplica(texto):
        return Lectura.NO_APLICA
    return leer_cifra(texto)


def es_no_aplica(texto: str) -> bool:
    """True when a cell says its field is not on the acta (`-`, `N/A`, …; B2)."""
    return normalizar(texto.strip().strip("'\"")) in _NO_APLICA


def es_sin_acta(texto: str) -> bool:
    """True for a `SIN ACTA` cell (B3)."""
    return normalizar(texto) == _SIN_ACTA


def leer_entero(texto: str) -> int | None:
    """A published count, or None when the cell holds no number."""
    cifra = leer_cifra(texto)
    return cifra if isinstance(cifra, int) else None


def leer_porcentaje(texto: str) -> Decimal:
    """A published percentage by value (`2.5`, `2.5000`, `2.50` and `2.5 %` are equal)."""
    try:
        valor = Decimal(texto.strip().removesuffix("%").strip())
    except InvalidOperation:
        raise ValueError(f"porcentaje no reconocido: {texto!r}") from None
    if not valor.is_finite():
        raise ValueError(f"porcentaje no reconocido: {texto!r}")
    return valor


def _fecha_o_nada(texto: str) -> datetime | None:
    """A row's date-time, None when it holds none or one in a format not seen: the rules do not
    read the dates, so an unknown format is a warning (`_avisos_fechas`), not a broken file."""
    try:
        return leer_fecha_hora(texto)
    except ValueError:
        return None


def leer_fecha_hora(texto: str) -> datetime | None:
    """A published date-time in either format seen (`07/06/2021 03:12:00`,
    `2021-06-07 11:15:00.000000`); None when the cell holds none."""
    limpio = texto.strip()
    if normalizar(limpio) in _SIN_VALOR:
        return None
    for formato in _FORMATOS_FECHA:
        try:
            return datetime.strptime(limpio, formato)
        except ValueError:
            continue
    raise ValueError(f"fecha y hora no reconocida: {texto!r}")


def leer_observaciones(texto: str) -> tuple[frozenset[Anotacion], CausaSinActa | None]:
    """What a published OBSERVACIONES says, and the Sin Acta cause if it is one (R6). Raise
    ValueError for wording it does not recognize."""
    anotaciones, causa, problema = _observaciones(texto)
    if problema is not None:
        raise ValueError(problema)
    return anotaciones, causa


def _observaciones(
    texto: str,
) -> tuple[frozenset[Anotacion], CausaSinActa | None, str | None]:
    """`leer_observaciones` that keeps what it recognizes and says what it does not."""
    clave = normalizar(texto)
    if clave.startswith(_SIN_ACTA):
        for fragmento, causa in _CAUSAS_SIN_ACTA:
            if fragmento in clave:
                return frozenset({Anotacion.SIN_ACTA}), causa, None
        return frozenset({Anotacion.SIN_ACTA}), None, f"causa de Sin Acta no reconocida: {texto!r}"
    anotaciones = set()
    desconocidas = []
    partes = clave.split(",")
    # Each part with its published spelling, for messages (unless normalizing made commas).
    publicadas = texto.split(",")
    if len(publicadas) != len(partes):
        publicadas = partes
    for parte, publicada in zip(partes, publicadas, strict=True):
        try:
            anotacion = _anotacion(parte.strip())
        except ValueError:
            desconocidas.append(publicada.strip())
            continue
        if anotacion is not None:
            anotaciones.add(anotacion)
    problema = None
    if desconocidas:
        problema = "observación no reconocida: " + ", ".join(map(repr, desconocidas))
    return frozenset(anotaciones), None, problema


def _anotacion(parte: str) -> Anotacion | None:
    if parte in _SIN_VALOR:
        return None
    if "fuera de catalogo" in parte:
        return Anotacion.FUERA_CATALOGO
    if parte.startswith("excede"):
        return Anotacion.EXCEDE_LISTA_NOMINAL
    if parte.startswith("todo"):
        return Anotacion.TODOS_ILEGIBLES
    if "ilegible" in parte and "sin dato" in parte:
        return Anotacion.ILEGIBLE_O_SIN_DATO
    if parte in _ILEGIBLE:
        return Anotacion.ILEGIBLE
    if parte in _SIN_DATO:
        return Anotacion.SIN_DATO
    raise ValueError(f"observación no reconocida: {parte!r}")


def leer_base(ruta: Path) -> BaseResultados:
    """Read a results database file. Raise OSError if it cannot be read, ErrorFormato if it is
    not in the INE/OPL layout."""
    return leer_texto(decodificar(ruta.read_bytes()))


# A member larger than this is refused before it is read: a national election's CSV is ≈ 30 MB,
# and a ZIP can declare any size (a "zip bomb").
MAXIMO_MIEMBRO = 1 << 30


def bases_del_zip(ruta: Path) -> Iterator[tuple[str, BaseResultados]]:
    """Every results database in a ZIP as institutes publish them (one CSV per election, beside
    the candidaturas CSV and a LEEME), by member name, one at a time (a national one takes
    hundreds of MB in memory). Members that are not a results database (no ACTAS_ESPERADAS in
    their first lines) are left out. Raise OSError if the file cannot be read, ErrorFormato if
    it is not a ZIP, holds no results database or one is malformed."""
    try:
        paquete = zipfile.ZipFile(ruta)
    except zipfile.BadZipFile:
        raise ErrorFormato("no es un archivo ZIP válido") from None
    hubo = False
    with paquete:
        for info in sorted(paquete.infolist(), key=lambda i: i.filename):
            if info.is_dir() or not info.filename.lower().endswith((".csv", ".txt")):
                continue
            if info.file_size > MAXIMO_MIEMBRO:
                raise ErrorFormato(
                    f"{info.filename}: declara {info.file_size:,} bytes; lo más es"
                    f" {MAXIMO_MIEMBRO:,}"
                )
            try:
                texto = decodificar(paquete.read(info))
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise ErrorFormato(f"{info.filename}: el ZIP está dañado ({exc})") from None
            except ErrorFormato:
                continue  # not text: not a database
            if not es_base_de_resultados(texto):
                continue
            try:
                base = leer_texto(texto)
            except ErrorFormato as exc:
                raise ErrorFormato(f"{info.filename}: {exc}") from None
            hubo = True
            yield info.filename, base
            del base, texto  # released before the next member is read
    if not hubo:
        raise ErrorFormato("el ZIP no contiene ninguna base de resultados (un CSV con encabezado)")


def es_base_de_resultados(texto: str) -> bool:
    """True when the header names (ACTAS_ESPERADAS, …) appear where the layout puts them."""
    return _linea_de_nombres(texto) is not None


def decodificar(contenido: bytes) -> str:
    """The file's text: UTF-8 with or without BOM; Windows-1252 as a last resort, since some
    institutes export from spreadsheets in that encoding."""
    try:
        return contenido.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return contenido.decode("cp1252")
    except UnicodeDecodeError:
        raise ErrorFormato("el archivo no es texto UTF-8 ni Windows-1252") from None


def leer_texto(texto: str) -> BaseResultados:
    """Parse the text of a results database (see `leer_base`)."""
    eleccion, corte, notas_bloque, renglones = _bloque_inicial(_renglones(texto))
    encabezado = _encabezado(renglones)
    linea, nombres = _siguiente(renglones, "los nombres de las columnas")
    columnas = _columnas(nombres, linea)
    columnas_voto = _columnas_voto(columnas, linea)
    leidos = [_renglon(linea, celdas, columnas, columnas_voto) for linea, celdas in renglones]
    demarcacion = demarcacion_de(eleccion, columnas)
    contendientes = _contendientes(leidos, demarcacion, columnas_voto)
    identidades = _identidades(leidos)
    filas = []
    for leido in leidos:
        grupo = _grupo(leido.ubicacion, leido.tipo_acta, demarcacion)
        aplican = contendientes.get(grupo, frozenset())
        clave = identidades.claves.get(leido.linea, leido.clave)
        filas.append(leido.fila(clave, aplican, columnas_voto))
    avisos = (
        *identidades.avisos,
        *(_avisos_tipo_acta(filas) if "TIPO_ACTA" in columnas else ()),
        *_avisos_problemas(filas),
        *_avisos_fechas(filas),
    )
    por_linea = {f.linea: f for f in filas}
    return BaseResultados(
        eleccion,
        corte,
        encabezado,
        columnas,
        columnas_voto,
        tuple(filas),
        demarcacion=demarcacion,
        contendientes=contendientes,
        avisos=avisos,
        notas=(
            *notas_bloque,
            *((SIN_CONTABILIZADA,) if "CONTABILIZADA" not in columnas else ()),
            *((SIN_REPRESENTANTES,) if "REPRESENTANTES_PP_CI" not in columnas else ()),
            *identidades.notas,
        ),
        repetidas=tuple(por_linea[n] for n in identidades.repetidas),
    )


def demarcacion_de(eleccion: str, columnas: Sequence[str]) -> Demarcacion:
    """The ámbito whose boleta an acta prints, from the election's name (line 1): municipio for
    ayuntamientos, distrito for diputaciones, entidad otherwise (B1). Without the column that
    tells it, the entidad: every contender is then taken to be printed everywhere."""
    nombre = normalizar(eleccion)
    if "ID_MUNICIPIO" in columnas and any(p in nombre for p in _POR_MUNICIPIO):
        return Demarcacion.MUNICIPIO
    if "diputa" in nombre and any(c in columnas for c in _DISTRITOS):
        return Demarcacion.DISTRITO
    return Demarcacion.ENTIDAD


_POR_MUNICIPIO = ("ayuntamiento", "municip", "alcaldi", "regidur", "sindicatura")
# Distrito columns, the election's own first: a local election's file may list both.
_DISTRITOS = ("ID_DISTRITO_LOCAL", "ID_DISTRITO", "ID_DISTRITO_FEDERAL")


def _grupo(ubicacion: Ubicacion, tipo_acta: str, demarcacion: Demarcacion) -> Grupo:
    """The key of `BaseResultados.contendientes` an acta belongs to."""
    tipo = tipo_acta if tipo_acta_reconocido(tipo_acta) else ""
    if demarcacion is Demarcacion.ENTIDAD:
        return (ubicacion.entidad,), tipo
    return (ubicacion.entidad, getattr(ubicacion, demarcacion.value)), tipo


def tipo_acta_reconocido(tipo_acta: str) -> bool:
    """True for a normalized TIPO_ACTA of the usual form: a number and up to three letters."""
    return bool(_TIPO_ACTA.fullmatch(tipo_acta))


# Cell separators of published databases: commas (INE 2021–2024 and the OPLs seen), pipes (INE
# 2018), and what a spreadsheet exports in a Spanish locale.
SEPARADORES = (",", "|", ";", "\t")
_LINEAS_ANTES_DEL_ENCABEZADO = 10


def _linea_de_nombres(texto: str) -> str | None:
    """The line of the header names (the first with ACTAS_ESPERADAS), if it is where the layout
    allows it: after at most `_LINEAS_ANTES_DEL_ENCABEZADO` lines. Only those lines are split
    off the text, which may hold a national file."""
    primeras = texto.lstrip("\ufeff").split("\n", _LINEAS_ANTES_DEL_ENCABEZADO + 1)
    for linea in primeras[: _LINEAS_ANTES_DEL_ENCABEZADO + 1]:
        if "ACTAS_ESPERADAS" in linea.upper():
            return linea.rstrip("\r")
    return None


def separador(texto: str) -> str:
    """The file's cell separator: the one that makes ACTAS_ESPERADAS a cell of its own in the
    header names (line 4 or so); a comma when no line says."""
    linea = _linea_de_nombres(texto)
    if linea is None:
        return ","
    for candidato in SEPARADORES:
        celdas = next(csv.reader([linea], delimiter=candidato), [])
        if len(celdas) > 1 and "ACTAS_ESPERADAS" in {canonico(c) for c in celdas}:
            return candidato
    return ","


def _renglones(texto: str) -> Iterator[tuple[int, list[str]]]:
    """Non-blank rows with their physical line number; blank means only whitespace (IECM fills
    separator lines with tabs)."""
    lector = csv.reader(io.StringIO(texto.lstrip("\ufeff")), delimiter=separador(texto))
    try:
        for celdas in lector:
            if any(c.strip() for c in celdas):
                yield lector.line_num, celdas
    except csv.Error as exc:
        raise ErrorFormato(f"línea {lector.line_num}: CSV no válido ({exc})") from None


def _siguiente(renglones: Iterator[tuple[int, list[str]]], que: str) -> tuple[int, list[str]]:
    renglon = next(renglones, None)
    if renglon is None:
        raise ErrorFormato(f"el archivo termina antes de {que}")
    return renglon


# A corte's date as institutes write it (`07/06/2021 20:00`, `2021-06-07 20:00`).
_FECHA_DEL_CORTE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}")


def _bloque_inicial(
    renglones: Iterator[tuple[int, list[str]]],
) -> tuple[str, Corte, tuple[str, ...], Iterator[tuple[int, list[str]]]]:
    """The election's name, the corte, notes on lines the layout does not have, and the rows
    from the header names on. The layout has two lines before the header (election, corte);
    some institutes add a title above them, so the block ends where ACTAS_ESPERADAS is, the
    corte is the first line after the first one with a date (else the second line) and the
    election the line just before it."""
    bloque: list[tuple[int, list[str]]] = []
    for renglon in renglones:
        if _es_encabezado(renglon[1]):
            siguientes = itertools.chain([renglon], renglones)
            break
        bloque.append(renglon)
        if len(bloque) > _LINEAS_ANTES_DEL_ENCABEZADO:
            raise ErrorFormato(
                f"no se encontró el encabezado (ACTAS_ESPERADAS, …) en las primeras"
                f" {_LINEAS_ANTES_DEL_ENCABEZADO} líneas con texto"
            )
    else:
        raise ErrorFormato("el archivo termina antes del encabezado (ACTAS_ESPERADAS, …)")
    if not bloque:
        raise ErrorFormato(
            f"línea {renglon[0]}: faltan el nombre de la elección y la fecha del corte"
        )
    if len(bloque) == 1:
        raise ErrorFormato(f"línea {renglon[0]}: falta la línea con la fecha y hora del corte")
    textos = [" ".join(c.strip() for c in celdas if c.strip()) for _, celdas in bloque]
    k = next((i for i in range(1, len(textos)) if _FECHA_DEL_CORTE.search(textos[i])), 1)
    fecha, _, zona = textos[k].partition("(")
    notas = tuple(
        f"línea {bloque[i][0]} antes del encabezado, que el formato no tiene: {textos[i]!r}"
        for i in range(len(textos))
        if i not in (k - 1, k)
    )
    corte = Corte(fecha.strip(), zona.strip().removesuffix(")").strip())
    return textos[k - 1], corte, notas, siguientes


def _es_encabezado(celdas: Sequence[str]) -> bool:
    return "ACTAS_ESPERADAS" in {canonico(c) for c in celdas}


def _encabezado(renglones: Iterator[tuple[int, list[str]]]) -> dict[str, str]:
    linea, nombres = _siguiente(renglones, "el encabezado")
    canonicos = _sin_nombres_vacios_al_final([canonico(n) for n in nombres])
    if "ACTAS_ESPERADAS" not in canonicos:
        inicio = ",".join(nombres)[:60]
        raise ErrorFormato(
            f"línea {linea}: se esperaban los nombres del encabezado (ACTAS_ESPERADAS,"
            f" ACTAS_REGISTRADAS, …) y dice {inicio!r}"
        )
    faltan = [n for n in ENCABEZADO if n not in canonicos]
    if faltan:
        raise ErrorFormato(f"línea {linea}: al encabezado le faltan {', '.join(faltan)}")
    linea, valores = _siguiente(renglones, "los valores del encabezado")
    valores = _sin_vacias_al_final(valores, len(canonicos), linea)
    return {n: v.strip() for n, v in zip(canonicos, valores, strict=True)}


def _sin_vacias_al_final(celdas: list[str], esperadas: int, linea: int) -> list[str]:
    """Accept trailing empty cells (a trailing comma); any other count mismatch is an error."""
    if len(celdas) > esperadas and not any(c.strip() for c in celdas[esperadas:]):
        celdas = celdas[:esperadas]
    if len(celdas) != esperadas:
        raise ErrorFormato(f"línea {linea}: {len(celdas)} celdas, se esperaban {esperadas}")
    return celdas


def _sin_nombres_vacios_al_final(nombres: list[str]) -> list[str]:
    while nombres and not nombres[-1]:
        nombres.pop()
    return nombres


def _columnas(nombres: Sequence[str], linea: int) -> tuple[str, ...]:
    columnas = tuple(_sin_nombres_vacios_al_final([canonico(n) for n in nombres]))
    repetidas = sorted({c for c in columnas if columnas.count(c) > 1})
    if repetidas:
        raise ErrorFormato(f"línea {linea}: columnas repetidas: {', '.join(repetidas)}")
    faltan = [c for c in COLUMNAS_REQUERIDAS if c not in columnas]
    if faltan:
        raise ErrorFormato(f"línea {linea}: faltan las columnas {', '.join(faltan)}")
    return columnas


def _columnas_voto(columnas: tuple[str, ...], linea: int) -> tuple[str, ...]:
    """Every column after the last identification field and before the first closing one
    (TOTAL_VOTOS_ASENTADO in every file seen): partidos, coaliciones, candidaturas comunes and
    independientes, NO_REGISTRADAS, NULOS."""
    identificacion = {*IDENTIFICACION, *IDENTIFICACION_LECTURA}
    inicio = max((i + 1 for i, c in enumerate(columnas) if c in identificacion), default=0)
    fin = min(i for i, c in enumerate(columnas) if c in CIERRE)
    votos = columnas[inicio:fin]
    if not votos:
        raise ErrorFormato(f"línea {linea}: no hay columnas de votos antes de {columnas[fin]}")
    return votos


@dataclass(frozen=True, slots=True)
class _Leido:
    """A data row as parsed, before the whole file tells its contenders and identity."""

    linea: int
    celdas: Mapping[str, str]
    votos: tuple[Cifra | None, ...]
    anotaciones: frozenset[Anotacion]
    causa: CausaSinActa | None
    problemas: tuple[str, ...]
    fechas: Mapping[str, datetime | None]
    tipo_acta: str
    registro: Registro
    ubicacion: Ubicacion

    @property
    def clave(self) -> str:
        clave = self.celdas["CLAVE_ACTA"]
        # Fuera de catálogo rows usually carry `-` as key; the line tells them apart.
        return f"línea {self.linea}" if normalizar(clave) in _SIN_VALOR else clave

    def fila(self, clave: str, aplican: frozenset[str], columnas_voto: Sequence[str]) -> Fila:
        celdas = self.celdas
        votos: tuple[Cifra, ...] = ()
        if self.registro is Registro.CAPTURADA:
            # A cell with no figure is no aplica where the column is not a contender of the
            # acta's demarcación and type (B2), and a field with nothing written (R3) elsewhere.
            votos = tuple(
                (Lectura.SIN_DATO if columna in aplican else Lectura.NO_APLICA)
                if cifra is None
                else cifra
                for cifra, columna in zip(self.votos, columnas_voto, strict=True)
            )
        tipo_casilla = celdas["TIPO_CASILLA"].upper()
        acta = Acta(
            clave=clave,
            registro=self.registro,
            votos=votos,
            tipo_casilla="" if normalizar(tipo_casilla) in _SIN_VALOR else tipo_casilla,
            lista_nominal=leer_entero(celdas["LISTA_NOMINAL"]) or 0,
            representantes_pp_ci=leer_entero(celdas.get("REPRESENTANTES_PP_CI", "")) or 0,
            rep_votaron=leer_cifra(celdas.get("TOTAL_REP_PARTIDO_CI_VOTARON", "")),
            causa_sin_acta=self.causa,
            ubicacion=self.ubicacion,
        )
        return Fila(
            self.linea,
            celdas,
            self.votos,
            self.anotaciones,
            self.tipo_acta,
            self.fechas,
            acta,
            self.problemas,
        )


def _renglon(
    linea: int, celdas: list[str], columnas: tuple[str, ...], columnas_voto: tuple[str, ...]
) -> _Leido:
    celdas = _sin_vacias_al_final(celdas, len(columnas), linea)
    limpias = {c: v.strip().strip("'").strip() for c, v in zip(columnas, celdas, strict=True)}
    anotaciones, causa, problema = _observaciones(limpias["OBSERVACIONES"])
    try:
        votos = tuple(leer_voto(limpias[c]) for c in columnas_voto)
        if "CONTABILIZADA" not in limpias:
            limpias["CONTABILIZADA"] = _contabilizada_deducida(anotaciones, votos)
        fechas = {c: _fecha_o_nada(limpias[c]) for c in COLUMNAS_FECHA if c in limpias}
        registro = _registro(anotaciones, limpias["CONTABILIZADA"])
        # Figures the acta needs: an unreadable one is a malformed file, not a recoverable row.
        for columna in ("LISTA_NOMINAL", "REPRESENTANTES_PP_CI", "TOTAL_REP_PARTIDO_CI_VOTARON"):
            leer_cifra(limpias.get(columna, ""))
    except ValueError as exc:
        raise ErrorFormato(f"línea {linea}: {exc}") from None
    tipo_acta = limpias.get("TIPO_ACTA", "").upper()
    tipo_acta = "" if normalizar(tipo_acta) in _SIN_VALOR else tipo_acta.lstrip("0") or "0"
    return _Leido(
        linea,
        limpias,
        votos,
        anotaciones,
        causa,
        () if problema is None else (problema,),
        fechas,
        tipo_acta,
        registro,
        _ubicacion(limpias),
    )


def _contendientes(
    leidos: Iterable[_Leido], demarcacion: Demarcacion, columnas_voto: Sequence[str]
) -> dict[Grupo, frozenset[str]]:
    """Per (demarcación, TIPO_ACTA): the vote columns some row of it holds a figure in (a
    number, `Ilegible` or `Sin dato`). Key (demarcación, "") holds the union of its types, for
    rows whose TIPO_ACTA is unknown or missing. Fuera de catálogo rows tell nothing."""
    grupos: defaultdict[Grupo, set[str]] = defaultdict(set)
    for leido in leidos:
        if leido.registro is Registro.FUERA_CATALOGO:
            continue
        con_cifra = {
            columna
            for columna, cifra in zip(columnas_voto, leido.votos, strict=True)
            if cifra is not None and cifra is not Lectura.NO_APLICA
        }
        grupo = _grupo(leido.ubicacion, leido.tipo_acta, demarcacion)
        grupos[grupo] |= con_cifra
        grupos[(grupo[0], "")] |= con_cifra
    return {grupo: frozenset(columnas) for grupo, columnas in grupos.items()}


@dataclass(frozen=True, slots=True)
class _Identidades:
    claves: Mapping[int, str]  # line → the acta's clave, where CLAVE_ACTA alone is not enough
    notas: tuple[str, ...]
    avisos: tuple[str, ...]
    repetidas: tuple[int, ...]  # lines of rows repeating a key in the same ámbito, after the first


_NIVELES = ("entidad", "distrito", "municipio")


def _ambito(ubicacion: Ubicacion) -> tuple[int | None, int | None, int | None]:
    return ubicacion.entidad, ubicacion.distrito, ubicacion.municipio


def _identidades(leidos: Iterable[_Leido]) -> _Identidades:
    """B4, B5: a CLAVE_ACTA repeated in different ámbitos (voto anticipado, a sección split
    between municipios) names one acta per ámbito; repeated in the same ámbito it is the
    institute's error (C10 published under the C01 key): a warning, and each row is named by its
    line."""
    por_clave: defaultdict[str, list[_Leido]] = defaultdict(list)
    for leido in leidos:
        if leido.registro is not Registro.FUERA_CATALOGO:
            por_clave[leido.clave].append(leido)
    claves: dict[int, str] = {}
    legitimas: list[str] = []
    erroneas: list[str] = []
    repetidas: list[int] = []
    for clave, grupo in por_clave.items():
        if len(grupo) < 2:
            continue
        ambitos = [_ambito(leido.ubicacion) for leido in grupo]
        vistos: set[tuple[int | None, ...]] = set()
        for leido, ambito in zip(grupo, ambitos, strict=True):
            if ambito in vistos:
                repetidas.append(leido.linea)
            vistos.add(ambito)
        if len(vistos) < len(grupo):
            for leido in grupo:
                claves[leido.linea] = f"{clave} (línea {leido.linea})"
            erroneas.append(f"{clave} (líneas {_y(str(leido.linea) for leido in grupo)})")
            continue
        niveles = [i for i in range(3) if len({a[i] for a in ambitos}) > 1]
        for leido, ambito in zip(grupo, ambitos, strict=True):
            donde = ", ".join(f"{_NIVELES[i]} {_o_na(ambito[i])}" for i in niveles)
            claves[leido.linea] = f"{clave} ({donde})"
        if len(niveles) == 1:
            i = niveles[0]
            legitimas.append(f"{clave} ({_NIVELES[i]}s {_y(_o_na(a[i]) for a in ambitos)})")
        else:
            legitimas.append(f"{clave} ({'; '.join(claves[leido.linea] for leido in grupo)})")
    notas: tuple[str, ...] = ()
    if legitimas:
        notas = (
            f"{_cuantas(len(legitimas), 'CLAVE_ACTA repetida', 'CLAVE_ACTA repetidas')} en"
            " ámbitos distintos (voto anticipado: un acta por municipio o distrito; o sección"
            " dividida entre municipios): cada fila es un acta, que se nombra con su clave y su"
            " ámbito: " + listado(legitimas),
        )
    avisos: tuple[str, ...] = ()
    if erroneas:
        avisos = (
            f"{_cuantas(len(erroneas), 'CLAVE_ACTA repetida', 'CLAVE_ACTA repetidas')} en el"
            " mismo ámbito (error del instituto; por ejemplo, contiguas C10 y siguientes"
            " publicadas con la clave de la C1): se cuentan todas las filas y cada una se nombra"
            " con su línea: " + listado(erroneas),
        )
    return _Identidades(claves, notas, avisos, tuple(repetidas))


def _avisos_tipo_acta(filas: Iterable[Fila]) -> Iterable[str]:
    por_valor: defaultdict[str, list[str]] = defaultdict(list)
    for fila in filas:
        if fila.acta.registro is Registro.FUERA_CATALOGO or tipo_acta_reconocido(fila.tipo_acta):
            continue
        por_valor[fila.tipo_acta or "(vacío)"].append(fila.acta.clave)
    if por_valor:
        n = sum(map(len, por_valor.values()))
        valores = "; ".join(f"{valor!r}: {listado(c)}" for valor, c in sorted(por_valor.items()))
        yield (
            f"TIPO_ACTA no reconocido en {_cuantas(n, 'fila', 'filas')} (se verifican con los"
            f" contendientes de toda su demarcación): {valores}"
        )


def _avisos_problemas(filas: Iterable[Fila]) -> Iterable[str]:
    por_problema: defaultdict[str, list[str]] = defaultdict(list)
    for fila in filas:
        for problema in fila.problemas:
            por_problema[problema].append(fila.acta.clave)
    for problema, claves in por_problema.items():
        cuantas = _cuantas(
            len(claves), "fila, que queda no verificable", "filas, que quedan no verificables"
        )
        yield f"{problema} en {cuantas}: {listado(claves)}"


def _avisos_fechas(filas: Sequence[Fila]) -> Iterable[str]:
    """Date columns with text that is not a date-time in a known format, per column."""
    for columna in COLUMNAS_FECHA:
        raras = [
            (f.acta.clave, f.celdas[columna])
            for f in filas
            if f.fechas.get(columna, 0) is None and normalizar(f.celdas[columna]) not in _SIN_VALOR
        ]
        if raras:
            yield (
                f"{columna} con una fecha en un formato no reconocido (p. ej. {raras[0][1]!r}) en"
                f" {_cuantas(len(raras), 'fila', 'filas')}; las reglas no la leen, así que se"
                f" verifican igual: {listado([clave for clave, _ in raras])}"
            )


def listado(elementos: Sequence[str], maximo: int = MAXIMO_LISTADO) -> str:
    """Comma-separated, at most `maximo` of them and then "y N más"."""
    if len(elementos) <= maximo:
        return ", ".join(elementos)
    return f"{', '.join(elementos[:maximo])} y {len(elementos) - maximo} más"


def _cuantas(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def _y(elementos: Iterable[str]) -> str:
    lista = list(elementos)
    return lista[0] if len(lista) == 1 else f"{', '.join(lista[:-1])} y {lista[-1]}"


def _o_na(valor: int | None) -> str:
    return "N/A" if valor is None else str(valor)


def _contabilizada_deducida(
    anotaciones: frozenset[Anotacion], votos: Sequence[Cifra | None]
) -> str:
    """The CONTABILIZADA a file without that column implies (R4–R7): 2 fuera de catálogo, 0 Sin
    Acta or an observación that makes it no contabilizada, `-` with no figure yet, else 1."""
    if Anotacion.FUERA_CATALOGO in anotaciones:
        return "2"
    if Anotacion.SIN_ACTA in anotaciones or anotaciones & NO_CONTABILIZAN:
        return "0"
    if all(v is None or v is Lectura.NO_APLICA for v in votos):
        return "-"
    return "1"


def _registro(anotaciones: frozenset[Anotacion], contabilizada: str) -> Registro:
    """R6, R7: what was recorded of the acta, from its published status."""
    if Anotacion.FUERA_CATALOGO in anotaciones or contabilizada == "2":
        return Registro.FUERA_CATALOGO
    if Anotacion.SIN_ACTA in anotaciones:
        return Registro.SIN_ACTA
    if normalizar(contabilizada) in _SIN_VALOR:
        return Registro.PENDIENTE
    if contabilizada in {"0", "1"}:
        return Registro.CAPTURADA
    raise ValueError(f"CONTABILIZADA no reconocida: {contabilizada!r}")


def _ubicacion(celdas: Mapping[str, str]) -> Ubicacion:
    def numero(*nombres: str) -> int | None:
        for nombre in nombres:
            if nombre in celdas:
                return _entero_o_none(celdas[nombre])
        return None

    casilla = celdas.get("CLAVE_CASILLA", "")
    return Ubicacion(
        entidad=numero("ID_ENTIDAD"),
        # A local election's file may list both distritos; the local one is its own.
        distrito=numero(*_DISTRITOS),
        municipio=numero("ID_MUNICIPIO"),
        seccion=numero("SECCION"),
        casilla=None if normalizar(casilla) in _SIN_VALOR else casilla,
    )


def _entero_o_none(texto: str) -> int | None:
    """Geography cells: a number, or None for `-`, `N/A`, empty or any text."""
    try:
        return leer_entero(texto)
    except ValueError:
        return None
