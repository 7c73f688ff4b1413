"""Reading and validating the catálogo's CSV files (format: docs/catalogo.md), in memory.

`leer_catalogo` parses and validates every file without touching the database, collecting every
error it finds instead of stopping at the first one, and returns a typed `Catalogo` ready for
`importacion.escribir`. Model classes are used only for their field lengths, defaults and
choices, so that validation and schema cannot drift apart.
"""

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple, TypeVar, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Model
from django.utils.translation import gettext as _

from prep.catalogo.boletas import Boletas
from prep.catalogo.claves import SIN_SECCION, sufijo_ambito
from prep.catalogo.elecciones import es_federal
from prep.catalogo.formato import (
    ARCHIVOS,
    MAX_CASILLA,
    MAX_DISTRITO,
    MAX_ENTIDAD,
    MAX_INT,
    MAX_MUNICIPIO,
    MAX_SECCION,
    MAX_SMALLINT,
    SEPARADOR_PARTIDOS,
)
from prep.catalogo.models import (
    ActaEsperada,
    Ambito,
    Candidatura,
    Casilla,
    Coalicion,
    ColumnaVoto,
    Distrito,
    Eleccion,
    Entidad,
    Municipio,
    Partido,
    ProcesoElectoral,
)
from prep.reglas.cifras import Prevalece
from prep.reglas.configuracion import Inconsistencias, Representantes

_T = TypeVar("_T")
_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")
_ENTERO = re.compile(r"[+-]?[0-9]+")
_TIPOS_DISTRITO = tuple(Distrito.Tipo.values)
_TIPOS_CASILLA = tuple(Casilla.Tipo.values)
_UBICACIONES = tuple(str(u) for u in Casilla.Ubicacion.values)
_TRASLADOS = tuple(Casilla.Traslado.values)
_TIPOS_PARTIDO = tuple(Partido.Tipo.values)
_TIPOS_ELECCION = tuple(Eleccion.Tipo.values)
_TIPOS_COLUMNA = tuple(ColumnaVoto.Tipo.values)
_TIPOS_COALICION = tuple(Coalicion.Tipo.values)
_AMBITOS = tuple(Ambito.values)
_SI_NO = ("SI", "NO")
# The columns that place a casilla without sección (all three top out at 999).
_AMBITO_CASILLA = ("municipio", "distrito_local", "distrito_federal")
_NO_APLICA = tuple(v for v, _etiqueta in Eleccion._meta.get_field("no_aplica").choices)


@dataclass(frozen=True)
class ErrorCatalogo:
    """One problem found in the catalog files, located as a text editor shows it."""

    archivo: str
    linea: int | None  # 1 = header; None for a problem of the whole file
    columna: str | None
    motivo: str

    def __str__(self) -> str:
        lugar = self.archivo if self.linea is None else f"{self.archivo}:{self.linea}"
        return (
            f"{lugar}: {self.columna}: {self.motivo}" if self.columna else f"{lugar}: {self.motivo}"
        )


class ErrorDeImportacion(ValueError):
    """The catálogo was not imported: `mensaje` says why, `errores` lists every problem found."""

    def __init__(self, mensaje: str, errores: Iterable[ErrorCatalogo] = ()) -> None:
        self.mensaje = mensaje
        self.errores = list(errores)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join([self.mensaje, *map(str, self.errores)])


# Validated rows. Fields are named as the model's; references hold the referenced row's key.
# A casilla: entidad, sección (0: none), tipo, número, ext_contigua, and the ámbito of a
# casilla without sección (municipio, distrito local, distrito federal; 0 where none or for
# casillas with sección, which take theirs from the sección).
ClaveCasilla = tuple[int, int, str, int, int, int, int, int]


class DatosProceso(NamedTuple):
    nombre: str
    anio: int
    zona_horaria: str


class DatosEntidad(NamedTuple):
    clave: int
    nombre: str


class DatosDistrito(NamedTuple):
    entidad: int
    tipo: str
    numero: int
    cabecera: str


class DatosMunicipio(NamedTuple):
    entidad: int
    numero: int
    nombre: str


class DatosSeccion(NamedTuple):
    entidad: int
    numero: int
    distrito_federal: int | None
    distrito_local: int | None
    municipio: int | None


class DatosCasilla(NamedTuple):
    entidad: int
    seccion: int
    tipo: str
    numero: int
    ext_contigua: int
    municipio: int
    distrito_local: int
    distrito_federal: int
    lista_nominal: int
    representantes_pp_ci: int
    ubicacion: int
    mecanismo_traslado: str


class DatosPartido(NamedTuple):
    tipo: str
    siglas: str
    nombre: str
    nombre_corto: str
    color: str
    logo: str
    orden: int


class DatosEleccion(NamedTuple):
    tipo: str
    nombre: str
    tipo_acta: str
    orden: int
    prevalece: str
    representantes: str
    inconsistencias: str
    no_aplica: str
    participacion_sin_seccion: bool


class DatosCoalicion(NamedTuple):
    eleccion: str
    nombre: str
    partidos: tuple[str, ...]
    tipo: str


class DatosColumna(NamedTuple):
    eleccion: str
    clave: str
    tipo: str
    orden: int
    partidos: tuple[str, ...]
    coalicion: str


class DatosActaEsperada(NamedTuple):
    eleccion: str
    casilla: ClaveCasilla
    tipo_acta: str


class DatosBoleta(NamedTuple):
    eleccion: str
    entidad: int
    ambito: str
    numero: int  # 0 for the entidad
    tipo_acta: str  # empty: every tipo de acta
    columnas: tuple[str, ...]


class DatosCandidatura(NamedTuple):
    eleccion: str
    entidad: int
    ambito: str
    numero: int
    columna: str
    nombre: str


@dataclass
class Catalogo:
    """A validated catálogo, ready to be written."""

    proceso: DatosProceso
    entidades: list[DatosEntidad]
    distritos: list[DatosDistrito]
    municipios: list[DatosMunicipio]
    secciones: list[DatosSeccion]
    casillas: list[DatosCasilla]
    partidos: list[DatosPartido]
    elecciones: list[DatosEleccion]
    coaliciones: list[DatosCoalicion]
    columnas: list[DatosColumna]
    actas_esperadas: list[DatosActaEsperada]
    # True when actas_esperadas.csv was given; else there is one per casilla and election.
    actas_explicitas: bool
    boletas: list[DatosBoleta]
    candidaturas: list[DatosCandidatura]


class Fila(NamedTuple):
    """One data row of a CSV file: its line number and its values by column name."""

    linea: int
    valores: dict[str, str]


@cache
def _largo(modelo: type[Model], campo: str) -> int:
    """The max_length of a model's text field, so validation and schema cannot drift apart."""
    return modelo._meta.get_field(campo).max_length


def _defecto(modelo: type[Model], campo: str) -> Any:
    return modelo._meta.get_field(campo).default


# -- reading one file ----------------------------------------------------------------------


def leer_tabla(
    directorio: Path, archivo: str, errores: list[ErrorCatalogo], ilegibles: set[str]
) -> Iterator[Fila]:
    """The data rows of one catalog file, one at a time: a national file need not be held whole.

    Problems are appended to `errores`; a file that cannot be read (missing, not UTF-8, a bad
    header, malformed CSV) is also added to `ilegibles`.
    """

    def ilegible(linea: int | None, motivo: str) -> None:
        errores.append(ErrorCatalogo(archivo, linea, None, motivo))
        ilegibles.add(archivo)

    ruta = directorio / archivo
    if not ruta.is_file():
        ilegible(None, _("falta el archivo"))
        return
    datos = ruta.read_bytes()
    try:
        texto = datos.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        ilegible(datos.count(b"\n", 0, exc.start) + 1, _("el texto no está en UTF-8"))
        return
    lector = csv.reader(io.StringIO(texto, newline=""), strict=True)
    encabezado: list[str] | None = None
    linea = 1  # where the next record starts
    try:
        for registro in lector:
            # Spreadsheets export empty rows as blank lines or as a row of commas: skip them.
            if not any(valor.strip() for valor in registro):
                pass
            elif encabezado is None:
                encabezado = [nombre.strip() for nombre in registro]
                if not _revisar_encabezado(archivo, linea, encabezado, errores):
                    ilegibles.add(archivo)
                    return
            elif len(registro) != len(encabezado):
                motivo = _("la fila tiene %(n)d campos y el encabezado %(m)d")
                n = {"n": len(registro), "m": len(encabezado)}
                errores.append(ErrorCatalogo(archivo, linea, None, motivo % n))
            else:
                yield Fila(linea, {c: v.strip() for c, v in zip(encabezado, registro, strict=True)})
            linea = lector.line_num + 1
    except csv.Error:
        ilegible(linea, _("CSV mal formado (¿comillas sin cerrar o caracteres nulos?)"))
        return
    if encabezado is None:
        ilegible(None, _("el archivo está vacío; debe tener al menos la línea de encabezado"))


def _revisar_encabezado(
    archivo: str, linea: int, encabezado: list[str], errores: list[ErrorCatalogo]
) -> bool:
    """Check the header line; True when every row can be read by column name."""
    antes = len(errores)
    campos = ARCHIVOS[archivo]
    conocidas = {c.nombre for c in campos}
    for nombre, veces in Counter(encabezado).items():
        if veces > 1:
            errores.append(ErrorCatalogo(archivo, linea, nombre, _("columna repetida")))
    for nombre in encabezado:
        if nombre not in conocidas:
            motivo = _("columna desconocida; las de %(archivo)s son: %(columnas)s") % {
                "archivo": archivo,
                "columnas": ", ".join(c.nombre for c in campos),
            }
            errores.append(ErrorCatalogo(archivo, linea, nombre or "«»", motivo))
    for campo in campos:
        if campo.obligatorio and campo.nombre not in encabezado:
            errores.append(ErrorCatalogo(archivo, linea, campo.nombre, _("falta la columna")))
    return len(errores) == antes


# -- validation state ----------------------------------------------------------------------


def _nombre_casilla(c: ClaveCasilla) -> str:
    """How messages name a casilla: entidad-sección-tipo número-ext_contigua, and the ámbito of
    one without sección."""
    return f"{c[0]:02d}-{c[1]:04d}-{c[2]}{c[3]:02d}-{c[4]:02d}" + sufijo_ambito(*c[5:])


def _nombre_ambito(k: tuple) -> str:
    """How messages name an ámbito: (entidad, ámbito, número)."""
    entidad, ambito, numero = k
    if ambito == Ambito.ENTIDAD:
        return _("la entidad %(entidad)d") % {"entidad": entidad}
    que = _("el municipio") if ambito == Ambito.MUNICIPIO else _("el distrito")
    return _("%(que)s %(numero)d de la entidad %(entidad)d") % {
        "que": que,
        "numero": numero,
        "entidad": entidad,
    }


# How messages name the row of each file with a given key. Built only when there is an error:
# a national catálogo has half a million rows.
_DESCRIPCION: dict[str, Callable[[Any], str]] = {
    "entidades.csv": lambda k: _("la entidad %d") % k,
    "distritos.csv": lambda k: (
        _("el distrito %(tipo)s %(numero)d de la entidad %(entidad)d")
        % {"entidad": k[0], "tipo": k[1], "numero": k[2]}
    ),
    "municipios.csv": lambda k: (
        _("el municipio %(numero)d de la entidad %(entidad)d") % {"entidad": k[0], "numero": k[1]}
    ),
    "secciones.csv": lambda k: (
        _("la sección %(numero)d de la entidad %(entidad)d") % {"entidad": k[0], "numero": k[1]}
    ),
    "casillas.csv": lambda k: _("la casilla %s") % _nombre_casilla(k),
    "partidos.csv": lambda k: f"«{k}»",
    "elecciones.csv": lambda k: _("la elección %s") % k,
    "coaliciones.csv": lambda k: (
        _("la coalición «%(nombre)s» de la elección %(eleccion)s")
        % {"eleccion": k[0], "nombre": k[1]}
    ),
    "columnas.csv": lambda k: (
        _("la columna %(clave)s de la elección %(eleccion)s") % {"eleccion": k[0], "clave": k[1]}
    ),
    "actas_esperadas.csv": lambda k: (
        _("el acta %(acta)s de la casilla %(casilla)s en la elección %(eleccion)s")
        % {"eleccion": k[0], "casilla": _nombre_casilla(k[1]), "acta": k[2]}
    ),
    "boletas.csv": lambda k: (
        _("la boleta%(tipo)s de %(ambito)s en la elección %(eleccion)s")
        % {
            "eleccion": k[0],
            "ambito": _nombre_ambito(k[1:4]),
            "tipo": _(" del acta %s") % k[4] if k[4] else "",
        }
    ),
    "candidaturas.csv": lambda k: (
        _("la candidatura de %(columna)s en %(ambito)s de la elección %(eleccion)s")
        % {"eleccion": k[0], "ambito": _nombre_ambito(k[1:4]), "columna": k[4]}
    ),
}


class _Revision:
    """Validation state: the errors found so far and, by file, the key of every row read.

    The typed readers return None when a value is wrong, after recording why. A row's key is
    registered even when another of its fields is wrong, so that the rows pointing to it do not
    add errors of their own; nothing is written while there is any error.
    """

    def __init__(self, directorio: Path) -> None:
        self.directorio = directorio
        self.errores: list[ErrorCatalogo] = []
        self.claves: dict[str, dict[Hashable, int]] = {archivo: {} for archivo in ARCHIVOS}
        # Files that could not be read: references into them are not checked, so that one
        # missing file does not bury the real problem under one error per row.
        self.ilegibles: set[str] = set()
        self.archivo = ""
        self._errores_antes_de_fila = 0

    def filas(self, archivo: str) -> Iterator[Fila]:
        """The rows of `archivo`, which becomes the file errors are reported against."""
        self.archivo = archivo
        for fila in leer_tabla(self.directorio, archivo, self.errores, self.ilegibles):
            self._errores_antes_de_fila = len(self.errores)
            yield fila

    def fila_correcta(self) -> bool:
        """Whether the current row added no error."""
        return len(self.errores) == self._errores_antes_de_fila

    def error(self, fila: Fila, columna: str | None, motivo: str) -> None:
        self.errores.append(ErrorCatalogo(self.archivo, fila.linea, columna, motivo))

    def _vacio(self, fila: Fila, columna: str, defecto: _T | None) -> _T | None:
        """The value of an empty cell: its default, or None after reporting it when it has none."""
        if defecto is None:
            self.error(fila, columna, _("no puede quedar vacío"))
        return defecto

    def texto(
        self, fila: Fila, columna: str, maximo: int, defecto: str | None = None
    ) -> str | None:
        valor = fila.valores.get(columna, "")
        if not valor:
            return self._vacio(fila, columna, defecto)
        if len(valor) > maximo:
            motivo = _("«%(valor)s» tiene %(n)d caracteres; el máximo es %(maximo)d")
            self.error(fila, columna, motivo % {"valor": valor, "n": len(valor), "maximo": maximo})
            return None
        return valor

    def entero(
        self, fila: Fila, columna: str, minimo: int, maximo: int, defecto: int | None = None
    ) -> int | None:
        valor = fila.valores.get(columna, "")
        if not valor:
            return self._vacio(fila, columna, defecto)
        if not (valor.isascii() and _ENTERO.fullmatch(valor)):
            self.error(fila, columna, _("«%(valor)s» no es un número entero") % {"valor": valor})
            return None
        numero = int(valor)
        if not minimo <= numero <= maximo:
            motivo = _("%(valor)s está fuera del intervalo de %(minimo)d a %(maximo)d")
            self.error(fila, columna, motivo % {"valor": valor, "minimo": minimo, "maximo": maximo})
            return None
        return numero

    def opcion(
        self, fila: Fila, columna: str, opciones: Sequence[str], defecto: str | None = None
    ) -> str | None:
        valor = fila.valores.get(columna, "")
        if not valor:
            return self._vacio(fila, columna, defecto)
        if valor not in opciones:
            motivo = _("«%(valor)s» no es válido; se espera uno de: %(opciones)s")
            lista = ", ".join(o or "«»" for o in opciones)
            self.error(fila, columna, motivo % {"valor": valor, "opciones": lista})
            return None
        return valor

    def unico(
        self,
        vistos: dict[Hashable, int],
        clave: Hashable,
        fila: Fila,
        columna: str,
        describir: Callable[[Any], str],
    ) -> None:
        """Record `clave` as seen at this row, or report the line where it was seen first."""
        if clave in vistos:
            motivo = _("%(que)s ya aparece en la línea %(linea)d")
            self.error(fila, columna, motivo % {"que": describir(clave), "linea": vistos[clave]})
        else:
            vistos[clave] = fila.linea

    def registrar(self, clave: Hashable, fila: Fila, columna: str) -> None:
        """Record the key of the current file's row, for uniqueness and for references."""
        self.unico(self.claves[self.archivo], clave, fila, columna, _DESCRIPCION[self.archivo])

    def existe(self, archivo: str, clave: Hashable, fila: Fila, columna: str) -> bool:
        """Check that a row of `archivo` has key `clave`."""
        if clave in self.claves[archivo] or archivo in self.ilegibles:
            return True
        motivo = _("%(que)s no existe en %(archivo)s")
        self.error(
            fila, columna, motivo % {"que": _DESCRIPCION[archivo](clave), "archivo": archivo}
        )
        return False


# -- validation ----------------------------------------------------------------------------


def leer_catalogo(directorio: Path) -> Catalogo:
    """Read and validate the catalog files in `directorio`, without touching the database.

    Raises ErrorDeImportacion with every problem found, in file and line order.
    """
    directorio = Path(directorio)
    if not directorio.is_dir():
        raise ErrorDeImportacion(_("%(directorio)s no es una carpeta") % {"directorio": directorio})
    r = _Revision(directorio)
    for ruta in sorted(directorio.glob("*.csv")):
        if ruta.name not in ARCHIVOS:
            motivo = _("archivo desconocido; los del catálogo son: %(archivos)s")
            r.errores.append(
                ErrorCatalogo(ruta.name, None, None, motivo % {"archivos": ", ".join(ARCHIVOS)})
            )
    proceso = _proceso(r)
    entidades = _entidades(r)
    distritos = _distritos(r)
    municipios = _municipios(r)
    secciones = _secciones(r)
    casillas = _casillas(r)
    partidos, tipos_partido = _partidos(r)
    elecciones = _elecciones(r)
    coaliciones, miembros = _coaliciones(r, tipos_partido)
    columnas = _columnas(r, tipos_partido, miembros)
    explicitas = (directorio / "actas_esperadas.csv").exists()
    if explicitas:
        actas = _actas_esperadas(r, elecciones)
    else:
        # One acta per casilla and election. Casillas especiales with both an MR and an RP
        # acta need the explicit file.
        actas = [
            DatosActaEsperada(e.tipo, c[:8], e.tipo_acta)
            for e in sorted(elecciones, key=lambda e: (e.orden, e.tipo))
            for c in casillas
        ]
    boletas = _boletas(r, elecciones, columnas) if _hay(r, "boletas.csv") else []
    candidaturas = (
        _candidaturas(r, elecciones, columnas, boletas) if _hay(r, "candidaturas.csv") else []
    )
    if boletas and not r.errores:
        _revisar_cobertura(r, elecciones, secciones, actas, boletas)
    if r.errores or proceso is None:
        orden = {archivo: i for i, archivo in enumerate(ARCHIVOS)}
        r.errores.sort(key=lambda e: (orden.get(e.archivo, -1), e.archivo, e.linea or 0))
        raise ErrorDeImportacion(_("El catálogo tiene errores; no se importó nada."), r.errores)
    return Catalogo(
        proceso,
        entidades,
        distritos,
        municipios,
        secciones,
        casillas,
        partidos,
        elecciones,
        coaliciones,
        columnas,
        actas,
        explicitas,
        boletas,
        candidaturas,
    )


def _hay(r: _Revision, archivo: str) -> bool:
    """Whether an optional file is in the folder."""
    return (r.directorio / archivo).exists()


# One reader per file: each validates its rows, registers their keys and returns the rows that
# have no error.


def _proceso(r: _Revision) -> DatosProceso | None:
    filas = list(r.filas("proceso.csv"))
    if "proceso.csv" in r.ilegibles:
        return None
    if len(filas) != 1:
        motivo = _("debe tener exactamente una fila de datos y tiene %(n)d") % {"n": len(filas)}
        r.errores.append(
            ErrorCatalogo("proceso.csv", filas[1].linea if filas else None, None, motivo)
        )
        return None
    fila = filas[0]
    nombre = r.texto(fila, "nombre", _largo(ProcesoElectoral, "nombre"))
    anio = r.entero(fila, "anio", 1900, 2100)
    zona = r.texto(
        fila,
        "zona_horaria",
        _largo(ProcesoElectoral, "zona_horaria"),
        defecto=_defecto(ProcesoElectoral, "zona_horaria"),
    )
    if zona is not None:
        try:
            ZoneInfo(zona)
        except (ZoneInfoNotFoundError, ValueError):
            motivo = _("«%(valor)s» no es una zona horaria conocida, como America/Mexico_City")
            r.error(fila, "zona_horaria", motivo % {"valor": zona})
    return DatosProceso(nombre, anio, zona) if r.fila_correcta() else None


def _entidades(r: _Revision) -> list[DatosEntidad]:
    datos = []
    for fila in r.filas("entidades.csv"):
        clave = r.entero(fila, "clave", 1, MAX_ENTIDAD)
        nombre = r.texto(fila, "nombre", _largo(Entidad, "nombre"))
        if clave is not None:
            r.registrar(clave, fila, "clave")
        if r.fila_correcta():
            datos.append(DatosEntidad(clave, nombre))
    return datos


def _entidad(r: _Revision, fila: Fila) -> int | None:
    """The `entidad` column, checked against entidades.csv. An unknown one is still returned,
    so that the row's own key is registered."""
    clave = r.entero(fila, "entidad", 1, MAX_ENTIDAD)
    if clave is not None:
        r.existe("entidades.csv", clave, fila, "entidad")
    return clave


def _distritos(r: _Revision) -> list[DatosDistrito]:
    datos = []
    for fila in r.filas("distritos.csv"):
        entidad = _entidad(r, fila)
        tipo = r.opcion(fila, "tipo", _TIPOS_DISTRITO)
        numero = r.entero(fila, "numero", 1, MAX_DISTRITO)
        cabecera = r.texto(fila, "cabecera", _largo(Distrito, "cabecera"))
        if None not in (entidad, tipo, numero):
            r.registrar((entidad, tipo, numero), fila, "numero")
        if r.fila_correcta():
            datos.append(DatosDistrito(entidad, tipo, numero, cabecera))
    return datos


def _municipios(r: _Revision) -> list[DatosMunicipio]:
    datos = []
    for fila in r.filas("municipios.csv"):
        entidad = _entidad(r, fila)
        numero = r.entero(fila, "numero", 1, MAX_MUNICIPIO)
        nombre = r.texto(fila, "nombre", _largo(Municipio, "nombre"))
        if entidad is not None and numero is not None:
            r.registrar((entidad, numero), fila, "numero")
        if r.fila_correcta():
            datos.append(DatosMunicipio(entidad, numero, nombre))
    return datos


def _secciones(r: _Revision) -> list[DatosSeccion]:
    datos = []
    for fila in r.filas("secciones.csv"):
        entidad = _entidad(r, fila)
        numero = r.entero(fila, "numero", 1, MAX_SECCION)
        # Empty reads as 0: the sección has no such distrito or municipio.
        federal = r.entero(fila, "distrito_federal", 1, MAX_DISTRITO, defecto=0)
        local = r.entero(fila, "distrito_local", 1, MAX_DISTRITO, defecto=0)
        municipio = r.entero(fila, "municipio", 1, MAX_MUNICIPIO, defecto=0)
        if entidad is not None:
            if federal:
                r.existe("distritos.csv", (entidad, "FEDERAL", federal), fila, "distrito_federal")
            if local:
                r.existe("distritos.csv", (entidad, "LOCAL", local), fila, "distrito_local")
            if municipio:
                r.existe("municipios.csv", (entidad, municipio), fila, "municipio")
            if numero is not None:
                r.registrar((entidad, numero), fila, "numero")
        if r.fila_correcta():
            datos.append(
                DatosSeccion(entidad, numero, federal or None, local or None, municipio or None)
            )
    return datos


def _casilla(r: _Revision, fila: Fila, columna_tipo: str) -> ClaveCasilla | None:
    """The key of a casilla as casillas.csv and actas_esperadas.csv write it. A casilla without
    sección (B4) leaves `seccion` empty and may name its municipio or distrito."""
    entidad = r.entero(fila, "entidad", 1, MAX_ENTIDAD)
    tipo = r.opcion(fila, columna_tipo, _TIPOS_CASILLA)
    sin_seccion = tipo in SIN_SECCION
    seccion = r.entero(fila, "seccion", 1, MAX_SECCION, defecto=0 if sin_seccion else None)
    if sin_seccion and seccion:
        motivo = _(
            "una casilla de voto anticipado (A) o del extranjero (M) no tiene sección: debe"
            " quedar vacía"
        )
        r.error(fila, "seccion", motivo)
    numero = r.entero(fila, "numero", 1, MAX_CASILLA)
    ext = r.entero(fila, "ext_contigua", 0, MAX_CASILLA, defecto=0)
    ambito = [r.entero(fila, columna, 1, MAX_DISTRITO, defecto=0) for columna in _AMBITO_CASILLA]
    if not sin_seccion and tipo is not None:
        for columna, valor in zip(_AMBITO_CASILLA, ambito, strict=True):
            if valor:
                motivo = _(
                    "sólo las casillas sin sección (A, M) dicen su municipio o distrito; las"
                    " demás lo toman de su sección: debe quedar vacío"
                )
                r.error(fila, columna, motivo)
    if None in (entidad, seccion, tipo, numero, ext, *ambito):
        return None
    if not sin_seccion:
        ambito = [0, 0, 0]
    return cast(ClaveCasilla, (entidad, seccion, tipo, numero, ext, *ambito))


def _casillas(r: _Revision) -> list[DatosCasilla]:
    datos = []
    for fila in r.filas("casillas.csv"):
        clave = _casilla(r, fila, "tipo")
        ln = r.entero(fila, "lista_nominal", 0, MAX_INT)
        representantes = r.entero(fila, "representantes_pp_ci", 0, MAX_SMALLINT, defecto=0)
        ubicacion = r.opcion(fila, "ubicacion", _UBICACIONES, _UBICACIONES[0])
        traslado = r.opcion(fila, "mecanismo_traslado", _TRASLADOS, defecto="")
        if fila.valores["tipo"] == Casilla.Tipo.ESPECIAL and ln:
            motivo = _("una casilla especial (S) no tiene lista nominal: debe ser 0 y es %(ln)d")
            r.error(fila, "lista_nominal", motivo % {"ln": ln})
        if clave is not None:
            entidad, seccion, tipo, _numero, ext, municipio, local, federal = clave
            if ext and tipo != Casilla.Tipo.EXTRAORDINARIA:
                motivo = _("solo las casillas extraordinarias (E) tienen contiguas: debe ser 0")
                r.error(fila, "ext_contigua", motivo)
            if seccion:
                r.existe("secciones.csv", clave[:2], fila, "seccion")
            if municipio:
                r.existe("municipios.csv", (entidad, municipio), fila, "municipio")
            if local:
                r.existe("distritos.csv", (entidad, "LOCAL", local), fila, "distrito_local")
            if federal:
                r.existe("distritos.csv", (entidad, "FEDERAL", federal), fila, "distrito_federal")
            if not seccion:
                r.existe("entidades.csv", entidad, fila, "entidad")
            r.registrar(clave, fila, "numero")
        if r.fila_correcta():
            datos.append(DatosCasilla(*clave, ln, representantes, int(ubicacion), traslado))
    return datos


def _partidos(r: _Revision) -> tuple[list[DatosPartido], dict[str, str | None]]:
    """The partidos, and the tipo of every siglas read (None when its tipo was wrong)."""
    datos = []
    tipos: dict[str, str | None] = {}
    for fila in r.filas("partidos.csv"):
        siglas = r.texto(fila, "siglas", _largo(Partido, "siglas"))
        tipo = r.opcion(fila, "tipo", _TIPOS_PARTIDO, defecto=Partido.Tipo.PARTIDO.value)
        nombre = r.texto(fila, "nombre", _largo(Partido, "nombre"))
        corto = r.texto(fila, "nombre_corto", _largo(Partido, "nombre_corto"))
        color = r.texto(fila, "color", 7, defecto=_defecto(Partido, "color"))
        if color is not None and not _COLOR.fullmatch(color):
            r.error(fila, "color", _("«%(valor)s» no es un color #RRGGBB") % {"valor": color})
        logo = r.texto(fila, "logo", _largo(Partido, "logo"), defecto="")
        orden = r.entero(fila, "orden", 0, MAX_SMALLINT)
        if siglas is not None:
            if SEPARADOR_PARTIDOS in siglas:
                motivo = _("no puede contener «%(separador)s», que separa siglas en otros archivos")
                r.error(fila, "siglas", motivo % {"separador": SEPARADOR_PARTIDOS})
            r.registrar(siglas, fila, "siglas")
            tipos.setdefault(siglas, tipo)
        if r.fila_correcta():
            datos.append(DatosPartido(tipo, siglas, nombre, corto, color, logo, orden))
    return datos, tipos


def _elecciones(r: _Revision) -> list[DatosEleccion]:
    datos = []
    for fila in r.filas("elecciones.csv"):
        tipo = r.opcion(fila, "tipo", _TIPOS_ELECCION)
        nombre = r.texto(fila, "nombre", _largo(Eleccion, "nombre"))
        tipo_acta = r.texto(fila, "tipo_acta", _largo(Eleccion, "tipo_acta"))
        orden = r.entero(fila, "orden", 0, MAX_SMALLINT, defecto=0)
        prevalece = r.opcion(fila, "prevalece", tuple(Prevalece), defecto=Prevalece.LETRA.value)
        representantes = r.opcion(
            fila, "representantes", tuple(Representantes), defecto=Representantes.CATALOGO.value
        )
        inconsistencias = r.opcion(
            fila, "inconsistencias", tuple(Inconsistencias), defecto=Inconsistencias.TODAS.value
        )
        no_aplica = r.opcion(fila, "no_aplica", _NO_APLICA, defecto=_NO_APLICA[0])
        participacion = r.opcion(fila, "participacion_sin_seccion", _SI_NO, defecto="SI")
        if tipo is not None:
            r.registrar(tipo, fila, "tipo")
        if r.fila_correcta():
            datos.append(
                DatosEleccion(
                    tipo,
                    nombre,
                    tipo_acta,
                    orden,
                    prevalece,
                    representantes,
                    inconsistencias,
                    cast(str, no_aplica),
                    participacion == "SI",
                )
            )
    return datos


def _eleccion(r: _Revision, fila: Fila) -> str | None:
    """The `eleccion` column (an election's tipo), when elecciones.csv has it."""
    tipo = r.texto(fila, "eleccion", _largo(Eleccion, "tipo"))
    if tipo is None or not r.existe("elecciones.csv", tipo, fila, "eleccion"):
        return None
    return tipo


def _siglas(
    r: _Revision, fila: Fila, tipos_partido: dict[str, str | None], tipo: str
) -> tuple[str, ...]:
    """The `partidos` column: siglas joined by «|», each known, none twice, all of `tipo`."""
    valor = fila.valores.get("partidos", "")
    siglas = tuple(s.strip() for s in valor.split(SEPARADOR_PARTIDOS)) if valor else ()
    for i, s in enumerate(siglas):
        if not s:
            r.error(fila, "partidos", _("hay siglas vacías entre los «|»"))
        elif s in siglas[:i]:
            r.error(fila, "partidos", _("«%(siglas)s» aparece dos veces") % {"siglas": s})
        elif r.existe("partidos.csv", s, fila, "partidos"):
            suyo = tipos_partido.get(s)
            if suyo is not None and suyo != tipo:
                motivo = _("«%(siglas)s» es de tipo %(suyo)s y aquí se espera %(tipo)s")
                r.error(fila, "partidos", motivo % {"siglas": s, "suyo": suyo, "tipo": tipo})
    return siglas


def _coaliciones(
    r: _Revision, tipos_partido: dict[str, str | None]
) -> tuple[list[DatosCoalicion], dict[tuple[str, str], frozenset[str]]]:
    """The coalitions, and the member siglas of each (eleccion, nombre)."""
    datos: list[DatosCoalicion] = []
    miembros: dict[tuple[str, str], frozenset[str]] = {}
    if not _hay(r, "coaliciones.csv"):
        return datos, miembros
    for fila in r.filas("coaliciones.csv"):
        eleccion = _eleccion(r, fila)
        nombre = r.texto(fila, "nombre", _largo(Coalicion, "nombre"))
        partidos = _siglas(r, fila, tipos_partido, Partido.Tipo.PARTIDO)
        tipo = r.opcion(fila, "tipo", _TIPOS_COALICION, defecto=_TIPOS_COALICION[0])
        if len(partidos) < 2:
            r.error(fila, "partidos", _("una coalición necesita al menos dos partidos"))
        if eleccion is not None and nombre is not None:
            r.registrar((eleccion, nombre), fila, "nombre")
            miembros.setdefault((eleccion, nombre), frozenset(partidos))
        if r.fila_correcta() and tipo is not None:
            datos.append(DatosCoalicion(eleccion, nombre, partidos, tipo))
    return datos, miembros


# How many partidos each kind of vote column names: (minimum, maximum or None).
_PARTIDOS_POR_COLUMNA = {
    ColumnaVoto.Tipo.PARTIDO: (1, 1),
    ColumnaVoto.Tipo.INDEPENDIENTE: (1, 1),
    ColumnaVoto.Tipo.COMBINACION: (2, None),
    ColumnaVoto.Tipo.NO_REGISTRADAS: (0, 0),
    ColumnaVoto.Tipo.NULOS: (0, 0),
}


def _describir_orden(k: tuple[str, int]) -> str:
    return _("el orden %(orden)d de la elección %(eleccion)s") % {"eleccion": k[0], "orden": k[1]}


def _describir_contenido(k: tuple[str, str, frozenset[str]]) -> str:
    partidos = SEPARADOR_PARTIDOS.join(sorted(k[2]))
    return _("una columna %(tipo)s%(partidos)s de la elección %(eleccion)s") % {
        "eleccion": k[0],
        "tipo": k[1],
        "partidos": f" {partidos}" if partidos else "",
    }


def _columnas(
    r: _Revision,
    tipos_partido: dict[str, str | None],
    miembros: dict[tuple[str, str], frozenset[str]],
) -> list[DatosColumna]:
    datos = []
    ordenes: dict[Hashable, int] = {}
    # (eleccion, tipo, partidos): the same partido or combination twice, or a second NULOS.
    contenidos: dict[Hashable, int] = {}
    for fila in r.filas("columnas.csv"):
        eleccion = _eleccion(r, fila)
        clave = r.texto(fila, "clave", _largo(ColumnaVoto, "clave"))
        tipo = r.opcion(fila, "tipo", _TIPOS_COLUMNA)
        orden = r.entero(fila, "orden", 0, MAX_SMALLINT)
        coalicion = r.texto(fila, "coalicion", _largo(Coalicion, "nombre"), defecto="")
        independiente = tipo == ColumnaVoto.Tipo.INDEPENDIENTE
        tipo_partido = Partido.Tipo.INDEPENDIENTE if independiente else Partido.Tipo.PARTIDO
        partidos = _siglas(r, fila, tipos_partido, tipo_partido)
        if tipo is not None:
            _revisar_columna(r, fila, eleccion, tipo, partidos, coalicion, miembros)
        if eleccion is not None:
            if clave is not None:
                r.registrar((eleccion, clave), fila, "clave")
            if orden is not None:
                r.unico(ordenes, (eleccion, orden), fila, "orden", _describir_orden)
            if tipo is not None:
                contenido = (eleccion, tipo, frozenset(partidos))
                r.unico(contenidos, contenido, fila, "tipo", _describir_contenido)
        if r.fila_correcta():
            datos.append(DatosColumna(eleccion, clave, tipo, orden, partidos, coalicion))
    if "columnas.csv" not in r.ilegibles:
        for eleccion, linea in r.claves["elecciones.csv"].items():
            for tipo in (ColumnaVoto.Tipo.NO_REGISTRADAS, ColumnaVoto.Tipo.NULOS):
                if (eleccion, tipo, frozenset()) not in contenidos:
                    motivo = _("la elección %(eleccion)s no tiene columna %(tipo)s en columnas.csv")
                    r.errores.append(
                        ErrorCatalogo(
                            "elecciones.csv",
                            linea,
                            "tipo",
                            motivo % {"eleccion": eleccion, "tipo": tipo},
                        )
                    )
    return datos


def _revisar_columna(
    r: _Revision,
    fila: Fila,
    eleccion: str | None,
    tipo: str,
    partidos: tuple[str, ...],
    coalicion: str,
    miembros: dict[tuple[str, str], frozenset[str]],
) -> None:
    """The rules that tie a vote column's tipo to its partidos and coalition."""
    minimo, maximo = _PARTIDOS_POR_COLUMNA[tipo]
    if maximo == 0 and partidos:
        r.error(fila, "partidos", _("debe quedar vacío en una columna %(tipo)s") % {"tipo": tipo})
    elif len(partidos) < minimo or (maximo is not None and len(partidos) > maximo):
        motivo = (
            _("una columna %(tipo)s lleva un solo partido y tiene %(n)d")
            if maximo == 1
            else _("una columna %(tipo)s lleva al menos dos partidos y tiene %(n)d")
        )
        r.error(fila, "partidos", motivo % {"tipo": tipo, "n": len(partidos)})
    if not coalicion:
        if tipo == ColumnaVoto.Tipo.COMBINACION:
            r.error(fila, "coalicion", _("una combinación debe indicar su coalición"))
        return
    if tipo not in (ColumnaVoto.Tipo.PARTIDO, ColumnaVoto.Tipo.COMBINACION):
        r.error(fila, "coalicion", _("debe quedar vacío en una columna %(tipo)s") % {"tipo": tipo})
    elif eleccion is not None and r.existe(
        "coaliciones.csv", (eleccion, coalicion), fila, "coalicion"
    ):
        socios = miembros.get((eleccion, coalicion), frozenset(partidos))
        for siglas in partidos:
            if siglas not in socios:
                motivo = _("«%(siglas)s» no forma parte de la coalición «%(coalicion)s»")
                r.error(fila, "partidos", motivo % {"siglas": siglas, "coalicion": coalicion})


def _actas_esperadas(r: _Revision, elecciones: list[DatosEleccion]) -> list[DatosActaEsperada]:
    datos = []
    tipo_acta = {e.tipo: e.tipo_acta for e in elecciones}
    for fila in r.filas("actas_esperadas.csv"):
        eleccion = _eleccion(r, fila)
        casilla = _casilla(r, fila, "tipo_casilla")
        # Without a tipo_acta the election's applies; an unknown election has none to give.
        acta = r.texto(
            fila,
            "tipo_acta",
            _largo(ActaEsperada, "tipo_acta"),
            defecto=tipo_acta.get(eleccion, "") if eleccion else "",
        )
        if casilla is not None:
            r.existe("casillas.csv", casilla, fila, "numero")
            if eleccion is not None and acta is not None:
                r.registrar((eleccion, casilla, acta), fila, "tipo_acta")
        if r.fila_correcta() and casilla is not None:
            datos.append(DatosActaEsperada(eleccion, casilla, acta))
    return datos


def _ambito(r: _Revision, fila: Fila, eleccion: str | None) -> tuple[int, str, int] | None:
    """The (entidad, ámbito, número) a boleta or candidatura applies to. A distrito is federal
    in a federal election and local in a local one."""
    entidad = _entidad(r, fila)
    ambito = r.opcion(fila, "ambito", _AMBITOS)
    numero = r.entero(fila, "numero", 1, max(MAX_DISTRITO, MAX_MUNICIPIO), defecto=0)
    if ambito == Ambito.ENTIDAD and numero:
        r.error(fila, "numero", _("debe quedar vacío cuando el ámbito es ENTIDAD"))
    elif ambito in (Ambito.DISTRITO, Ambito.MUNICIPIO) and numero == 0:
        motivo = _("falta el número del %(ambito)s") % {"ambito": str(ambito).lower()}
        r.error(fila, "numero", motivo)
    elif entidad is not None and numero:
        if ambito == Ambito.MUNICIPIO:
            r.existe("municipios.csv", (entidad, numero), fila, "numero")
        elif eleccion is not None:
            tipo = "FEDERAL" if es_federal(eleccion) else "LOCAL"
            r.existe("distritos.csv", (entidad, tipo, numero), fila, "numero")
    if entidad is None or ambito is None or numero is None:
        return None
    return entidad, ambito, numero


def _boletas(
    r: _Revision, elecciones: list[DatosEleccion], columnas: list[DatosColumna]
) -> list[DatosBoleta]:
    """boletas.csv: the vote fields each ámbito's acta prints, in acta order (B1)."""
    por_eleccion: dict[str, dict[str, DatosColumna]] = {}
    for c in columnas:
        por_eleccion.setdefault(c.eleccion, {})[c.clave] = c
    datos = []
    for fila in r.filas("boletas.csv"):
        eleccion = _eleccion(r, fila)
        ambito = _ambito(r, fila, eleccion)
        tipo_acta = r.texto(fila, "tipo_acta", _largo(ActaEsperada, "tipo_acta"), defecto="")
        claves = _lista(r, fila, "columnas")
        if eleccion is not None and "columnas.csv" not in r.ilegibles:
            _revisar_boleta(r, fila, eleccion, claves, por_eleccion.get(eleccion, {}))
        if eleccion is not None and ambito is not None and tipo_acta is not None:
            r.registrar((eleccion, *ambito, tipo_acta), fila, "ambito")
        if r.fila_correcta() and eleccion and ambito and tipo_acta is not None:
            datos.append(DatosBoleta(eleccion, *ambito, tipo_acta, claves))
    return datos


def _lista(r: _Revision, fila: Fila, columna: str) -> tuple[str, ...]:
    """A list of names joined by «|», none empty, none twice."""
    valor = fila.valores.get(columna, "")
    if not valor:
        r.error(fila, columna, _("no puede quedar vacío"))
        return ()
    nombres = tuple(n.strip() for n in valor.split(SEPARADOR_PARTIDOS))
    for i, nombre in enumerate(nombres):
        if not nombre:
            r.error(fila, columna, _("hay nombres vacíos entre los «|»"))
        elif nombre in nombres[:i]:
            r.error(fila, columna, _("«%(nombre)s» aparece dos veces") % {"nombre": nombre})
    return nombres


def _revisar_boleta(
    r: _Revision,
    fila: Fila,
    eleccion: str,
    claves: tuple[str, ...],
    suyas: dict[str, DatosColumna],
) -> None:
    """A boleta names columns of its election, prints nulos, and prints a combination only
    with the columns of its coalition's partidos."""
    impresas = set(claves)
    partidos_impresos = {
        c.partidos[0] for k in claves if (c := suyas.get(k)) and c.tipo == ColumnaVoto.Tipo.PARTIDO
    }
    for clave in claves:
        columna = suyas.get(clave)
        if columna is None:
            motivo = _("«%(clave)s» no es una columna de la elección %(eleccion)s en columnas.csv")
            r.error(fila, "columnas", motivo % {"clave": clave, "eleccion": eleccion})
        elif columna.tipo == ColumnaVoto.Tipo.COMBINACION:
            faltan = [s for s in columna.partidos if s not in partidos_impresos]
            if faltan:
                motivo = _("la combinación %(clave)s se imprime sin la columna de %(faltan)s")
                r.error(fila, "columnas", motivo % {"clave": clave, "faltan": ", ".join(faltan)})
    nulos = [c.clave for c in suyas.values() if c.tipo == ColumnaVoto.Tipo.NULOS]
    if nulos and nulos[0] not in impresas:
        motivo = _("toda acta imprime los votos nulos: falta la columna %(clave)s")
        r.error(fila, "columnas", motivo % {"clave": nulos[0]})


def _candidaturas(
    r: _Revision,
    elecciones: list[DatosEleccion],
    columnas: list[DatosColumna],
    boletas: list[DatosBoleta],
) -> list[DatosCandidatura]:
    """candidaturas.csv: who runs under each column in each ámbito (B1)."""
    tipos = {(c.eleccion, c.clave): c.tipo for c in columnas}
    impresas: dict[tuple, set[str]] = {}
    for b in boletas:
        impresas.setdefault((b.eleccion, b.entidad, b.ambito, b.numero), set()).update(b.columnas)
    sin_candidatura = (ColumnaVoto.Tipo.NULOS, ColumnaVoto.Tipo.NO_REGISTRADAS)
    datos = []
    for fila in r.filas("candidaturas.csv"):
        eleccion = _eleccion(r, fila)
        ambito = _ambito(r, fila, eleccion)
        columna = r.texto(fila, "columna", _largo(ColumnaVoto, "clave"))
        nombre = r.texto(fila, "nombre", _largo(Candidatura, "nombre"))
        if eleccion is not None and columna is not None and "columnas.csv" not in r.ilegibles:
            tipo = tipos.get((eleccion, columna))
            if tipo is None:
                motivo = _("«%(clave)s» no es una columna de la elección %(eleccion)s")
                r.error(fila, "columna", motivo % {"clave": columna, "eleccion": eleccion})
            elif tipo in sin_candidatura:
                motivo = _("una columna %(tipo)s no tiene candidatura") % {"tipo": tipo}
                r.error(fila, "columna", motivo)
            elif ambito is not None:
                propias = impresas.get((eleccion, *ambito))
                if propias is not None and columna not in propias:
                    motivo = _("la boleta de %(ambito)s no imprime la columna %(clave)s")
                    r.error(
                        fila,
                        "columna",
                        motivo % {"ambito": _nombre_ambito(ambito), "clave": columna},
                    )
        if eleccion is not None and ambito is not None and columna is not None:
            r.registrar((eleccion, *ambito, columna), fila, "columna")
        if r.fila_correcta() and eleccion and ambito and columna and nombre:
            datos.append(DatosCandidatura(eleccion, *ambito, columna, nombre))
    return datos


def _revisar_cobertura(
    r: _Revision,
    elecciones: list[DatosEleccion],
    secciones: list[DatosSeccion],
    actas: list[DatosActaEsperada],
    boletas: list[DatosBoleta],
) -> None:
    """An election with boletas must have one for every acta esperada: an ámbito left out
    would otherwise take every column of the election, whatever its acta prints."""
    formas: dict[str, Boletas] = {}
    for b in boletas:
        formas.setdefault(b.eleccion, Boletas(())).agregar(b.tipo_acta, *b[1:4], b.columnas)
    geografia = {(s.entidad, s.numero): s for s in secciones}
    faltan: Counter[tuple] = Counter()
    for acta in actas:
        forma = formas.get(acta.eleccion)
        if forma is None:
            continue
        entidad, seccion, _tipo, _n, _e, municipio, local, federal = acta.casilla
        if seccion:
            s = geografia[(entidad, seccion)]
            municipio = s.municipio or 0
            local = s.distrito_local or 0
            federal = s.distrito_federal or 0
        distrito = federal if es_federal(acta.eleccion) else local
        if forma.buscar(acta.tipo_acta, entidad, distrito or None, municipio or None) is None:
            ambito = (
                (entidad, Ambito.MUNICIPIO, municipio)
                if municipio and acta.eleccion == Eleccion.Tipo.AYUNTAMIENTO
                else (entidad, Ambito.DISTRITO, distrito)
                if distrito
                else (entidad, Ambito.ENTIDAD, 0)
            )
            faltan[(acta.eleccion, acta.tipo_acta, ambito)] += 1
    for (eleccion, tipo_acta, ambito), n in sorted(faltan.items()):
        motivo = _(
            "la elección %(eleccion)s tiene boletas, pero ninguna para el acta %(tipo)s de"
            " %(ambito)s (%(n)d actas esperadas)"
        )
        datos = {"eleccion": eleccion, "tipo": tipo_acta, "ambito": _nombre_ambito(ambito), "n": n}
        r.errores.append(ErrorCatalogo("boletas.csv", None, None, motivo % datos))
