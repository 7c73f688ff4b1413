"""Reads a results database in the INE/OPL layout (Anexo 18.5; docs/reglas.md, «Bases reales y
desviaciones observadas»), whatever the institute's
quirks: UTF-8 with or without BOM, blank separator lines present or not, quoted or unquoted
cells, keys with a leading apostrophe, header names spelled differently, text in numeric cells,
two date formats and dirty TIPO_ACTA values. Columns are found by name, never by position.

Pure Python: no Django import.
"""

import csv
import io
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path

from prep.publicacion.base_ine.columnas import CIERRE, ENCABEZADO, IDENTIFICACION, canonico
from prep.reglas.acta import Acta, CausaSinActa, Registro, Ubicacion
from prep.reglas.cifras import Cifra, Lectura

# Row columns the verification cannot do without.
COLUMNAS_REQUERIDAS = (
    "CLAVE_ACTA",
    "TIPO_CASILLA",
    "TOTAL_VOTOS_CALCULADO",
    "LISTA_NOMINAL",
    "REPRESENTANTES_PP_CI",
    "OBSERVACIONES",
    "CONTABILIZADA",
)
COLUMNAS_FECHA = ("FECHA_HORA_ACOPIO", "FECHA_HORA_CAPTURA", "FECHA_HORA_VERIFICACION")

# Normalized spellings (see `normalizar`) of the cells that hold no figure. A Sin Acta row may
# carry `SIN ACTA` in its figure cells (B3): no figure, not a malformed file.
_SIN_VALOR = frozenset({"", "-", "--", "—", "n/a", "na", "sin acta"})
_ILEGIBLE = frozenset({"ilegible"})
_SIN_DATO = frozenset({"sin dato", "sin datos"})
_ENTERO = re.compile(r"\d+(?:\.0*)?", re.ASCII)  # some exports write 12.0 for 12
_FORMATOS_FECHA = (
    "%d/%m/%Y %H:%M:%S",  # INE, and most OPL rows
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d %H:%M:%S.%f",  # Campeche 2021 fuera de catálogo rows
    "%Y-%m-%d %H:%M:%S",
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
    votos: tuple[Cifra | None, ...]  # published vote cells; None where the cell holds no figure
    anotaciones: frozenset[Anotacion]
    tipo_acta: str  # normalized: upper case, no leading zeros ("02" → "2", "2e" → "2E")
    fechas: Mapping[str, datetime | None]
    acta: Acta

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
        return int(limpio.split(".")[0])
    clave = normalizar(limpio)
    if clave in _SIN_VALOR:
        return None
    if clave in _ILEGIBLE:
        return Lectura.ILEGIBLE
    if clave in _SIN_DATO:
        return Lectura.SIN_DATO
    raise ValueError(f"cifra no reconocida: {texto!r}")


def leer_entero(texto: str) -> int | None:
    """A published count, or None when the cell holds no number."""
    cifra = leer_cifra(texto)
    return cifra if isinstance(cifra, int) else None


def leer_porcentaje(texto: str) -> Decimal:
    """A published percentage by value (`2.5`, `2.5000` and `2.50` are equal)."""
    try:
        valor = Decimal(texto.strip())
    except InvalidOperation:
        raise ValueError(f"porcentaje no reconocido: {texto!r}") from None
    if not valor.is_finite():
        raise ValueError(f"porcentaje no reconocido: {texto!r}")
    return valor


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
    """What a published OBSERVACIONES says, and the Sin Acta cause if it is one (R6)."""
    clave = normalizar(texto)
    if clave.startswith("sin acta"):
        for fragmento, causa in _CAUSAS_SIN_ACTA:
            if fragmento in clave:
                return frozenset({Anotacion.SIN_ACTA}), causa
        raise ValueError(f"causa de Sin Acta no reconocida: {texto!r}")
    anotaciones = set()
    for parte in clave.split(","):
        anotacion = _anotacion(parte.strip())
        if anotacion is not None:
            anotaciones.add(anotacion)
    return frozenset(anotaciones), None


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
    renglones = _renglones(texto)
    eleccion, corte = _bloque_inicial(renglones)
    encabezado = _encabezado(renglones)
    linea, nombres = _siguiente(renglones, "los nombres de las columnas")
    columnas = _columnas(nombres, linea)
    columnas_voto = _columnas_voto(columnas, linea)
    filas = tuple(_fila(linea, celdas, columnas, columnas_voto) for linea, celdas in renglones)
    return BaseResultados(eleccion, corte, encabezado, columnas, columnas_voto, filas)


def _renglones(texto: str) -> Iterator[tuple[int, list[str]]]:
    """Non-blank rows with their physical line number; blank means only whitespace (IECM fills
    separator lines with tabs)."""
    lector = csv.reader(io.StringIO(texto.lstrip("\ufeff")))
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


def _bloque_inicial(renglones: Iterator[tuple[int, list[str]]]) -> tuple[str, Corte]:
    linea, celdas = _siguiente(renglones, "el nombre de la elección")
    if _es_encabezado(celdas):
        raise ErrorFormato(f"línea {linea}: faltan el nombre de la elección y la fecha del corte")
    eleccion = celdas[0].strip()
    linea, celdas = _siguiente(renglones, "la fecha del corte")
    if _es_encabezado(celdas):
        raise ErrorFormato(f"línea {linea}: falta la línea con la fecha y hora del corte")
    fecha, _, zona = celdas[0].partition("(")
    return eleccion, Corte(fecha.strip(), zona.strip().removesuffix(")").strip())


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
    inicio = max((i + 1 for i, c in enumerate(columnas) if c in IDENTIFICACION), default=0)
    fin = min(i for i, c in enumerate(columnas) if c in CIERRE)
    votos = columnas[inicio:fin]
    if not votos:
        raise ErrorFormato(f"línea {linea}: no hay columnas de votos antes de {columnas[fin]}")
    return votos


def _fila(
    linea: int, celdas: list[str], columnas: tuple[str, ...], columnas_voto: tuple[str, ...]
) -> Fila:
    celdas = _sin_vacias_al_final(celdas, len(columnas), linea)
    limpias = {c: v.strip().strip("'").strip() for c, v in zip(columnas, celdas, strict=True)}
    try:
        votos = tuple(leer_cifra(limpias[c]) for c in columnas_voto)
        anotaciones, causa = leer_observaciones(limpias["OBSERVACIONES"])
        fechas = {c: leer_fecha_hora(limpias[c]) for c in COLUMNAS_FECHA if c in limpias}
        acta = _acta(linea, limpias, votos, anotaciones, causa)
    except ValueError as exc:
        raise ErrorFormato(f"línea {linea}: {exc}") from None
    tipo_acta = limpias.get("TIPO_ACTA", "").upper()
    tipo_acta = "" if tipo_acta in _SIN_VALOR else tipo_acta.lstrip("0") or "0"
    return Fila(linea, limpias, votos, anotaciones, tipo_acta, fechas, acta)


def _acta(
    linea: int,
    celdas: Mapping[str, str],
    votos: tuple[Cifra | None, ...],
    anotaciones: frozenset[Anotacion],
    causa: CausaSinActa | None,
) -> Acta:
    registro = _registro(anotaciones, celdas["CONTABILIZADA"])
    clave = celdas["CLAVE_ACTA"]
    if normalizar(clave) in _SIN_VALOR:
        # Fuera de catálogo rows usually carry `-` as key; the line tells them apart.
        clave = f"línea {linea}"
    capturada = registro is Registro.CAPTURADA
    tipo_casilla = celdas["TIPO_CASILLA"].upper()
    return Acta(
        clave=clave,
        registro=registro,
        # A captured acta's empty cell is a field with nothing written (R3).
        votos=tuple(Lectura.SIN_DATO if v is None else v for v in votos) if capturada else (),
        tipo_casilla="" if tipo_casilla in _SIN_VALOR else tipo_casilla,
        lista_nominal=leer_entero(celdas["LISTA_NOMINAL"]) or 0,
        representantes_pp_ci=leer_entero(celdas["REPRESENTANTES_PP_CI"]) or 0,
        rep_votaron=leer_cifra(celdas.get("TOTAL_REP_PARTIDO_CI_VOTARON", "")),
        causa_sin_acta=causa,
        ubicacion=_ubicacion(celdas),
    )


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
        distrito=numero("ID_DISTRITO_LOCAL", "ID_DISTRITO_FEDERAL"),
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
