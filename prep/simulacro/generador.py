"""Synthetic elections at any scale: a catálogo, its actas, and the inconsistencies of reglas.md.

Pure Python + numpy (no Django), so it runs anywhere and fast: every random quantity of an
election is drawn as one numpy array, and the dataclasses are built at the end. Everything comes
from one `numpy.random.default_rng(semilla)` stream drawn in a fixed order, so the same arguments
give identical output.

Geography. Local elections (GOB, DIP_LOC, AYUN) happen in one entidad, with its distritos locales
and municipios; federal ones (PRES, SEN, DIP_FED) use the national geography: 32 entidades, 300
distritos federales and about 2,470 municipios at the real size (about 170,000 casillas), scaled
down for smaller N. When both kinds are asked for, the local elections happen in one entidad of
the national geography, as a concurrent election does.

Casillas of a sección: a básica, contiguas C1…Cn (the lista nominal split so each has at most
750), in rural secciones sometimes extraordinarias (E1, E1C1), and one casilla especial (S, no
lista nominal) per distrito. An S casilla of a diputación yields two actas esperadas: mayoría
relativa (the election's tipo de acta) and representación proporcional (tipo de acta + "RP").
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from itertools import combinations

import numpy as np

from prep.catalogo import claves
from prep.catalogo.elecciones import FEDERALES, LOCALES
from prep.reglas.acta import CausaSinActa, Registro
from prep.reglas.cifras import Cifra, Lectura

# --- Fixed data: elections, parties, coalitions, entidades ----------------------------------

ELECCIONES = FEDERALES + LOCALES  # canonical order: the `orden` of elecciones.csv

# Name and acta form code. The local codes are those of IEEC Campeche 2021; the federal ones are
# synthetic but distinct, so a CLAVE_ACTA alone tells the election apart.
NOMBRE_ELECCION = {
    "PRES": "Presidencia de la República",
    "SEN": "Senadurías",
    "DIP_FED": "Diputaciones federales",
    "GOB": "Gubernatura",
    "DIP_LOC": "Diputaciones locales",
    "AYUN": "Ayuntamientos",
}
TIPO_ACTA = {"PRES": "1", "SEN": "4", "DIP_FED": "6", "GOB": "5", "DIP_LOC": "3", "AYUN": "2"}
# A casilla especial of a diputación also yields a representación proporcional acta.
DIPUTACIONES = frozenset({"DIP_FED", "DIP_LOC"})
SUFIJO_RP = "RP"


@dataclass(frozen=True)
class Partido:
    """A partido político or candidatura independiente of the synthetic process."""

    siglas: str
    nombre: str
    color: str
    media: float  # national mean share of the votes
    independiente: bool = False


PARTIDOS = (
    Partido("PAN", "Partido Acción Nacional", "#0055A5", 0.165),
    Partido("PRI", "Partido Revolucionario Institucional", "#E4001B", 0.095),
    Partido("PRD", "Partido de la Revolución Democrática", "#FFCC00", 0.024),
    Partido("PVEM", "Partido Verde Ecologista de México", "#50B747", 0.083),
    Partido("PT", "Partido del Trabajo", "#D8262C", 0.056),
    Partido("MC", "Movimiento Ciudadano", "#FF8300", 0.102),
    Partido("MORENA", "Morena", "#A6192E", 0.38),
    Partido("CAND_IND_1", "Candidatura Independiente 1", "#6B6B6B", 0.04, independiente=True),
)
# Elections with a candidatura independiente on the acta.
CON_INDEPENDIENTE = frozenset({"AYUN"})


@dataclass(frozen=True)
class Coalicion:
    """A coalition and the elections where it runs."""

    nombre: str
    partidos: tuple[str, ...]
    elecciones: frozenset[str]


COALICIONES = (
    Coalicion("Fuerza y Corazón por México", ("PAN", "PRI", "PRD"), frozenset(ELECCIONES)),
    Coalicion(
        "Sigamos Haciendo Historia",
        ("PVEM", "PT", "MORENA"),
        frozenset({"PRES", "SEN", "DIP_FED", "GOB"}),
    ),
)
MEDIA_COMBINACION = {3: 0.006, 2: 0.002}  # mean share of a combination column, by its size
MEDIA_NO_REGISTRADAS = 0.0008
MEDIA_NULOS = 0.03


@dataclass(frozen=True)
class DatosEntidad:
    """Real-size figures of an entidad: what the synthetic geography scales from."""

    clave: int
    nombre: str
    distritos_federales: int
    distritos_locales: int
    municipios: int
    peso: float  # lista nominal, millions (2024, rounded): the share of casillas
    zona_horaria: str


_CENTRO = "America/Mexico_City"
ENTIDADES = (
    DatosEntidad(1, "Aguascalientes", 3, 18, 11, 1.05, _CENTRO),
    DatosEntidad(2, "Baja California", 9, 17, 7, 2.95, "America/Tijuana"),
    DatosEntidad(3, "Baja California Sur", 2, 16, 5, 0.62, "America/Mazatlan"),
    DatosEntidad(4, "Campeche", 2, 21, 13, 0.68, "America/Merida"),
    DatosEntidad(5, "Coahuila de Zaragoza", 8, 16, 38, 2.35, "America/Monterrey"),
    DatosEntidad(6, "Colima", 2, 16, 10, 0.58, _CENTRO),
    DatosEntidad(7, "Chiapas", 13, 24, 124, 3.85, _CENTRO),
    DatosEntidad(8, "Chihuahua", 9, 22, 67, 2.95, "America/Chihuahua"),
    DatosEntidad(9, "Ciudad de México", 22, 33, 16, 7.75, _CENTRO),
    DatosEntidad(10, "Durango", 4, 15, 39, 1.33, "America/Monterrey"),
    DatosEntidad(11, "Guanajuato", 15, 22, 46, 4.65, _CENTRO),
    DatosEntidad(12, "Guerrero", 8, 28, 85, 2.65, _CENTRO),
    DatosEntidad(13, "Hidalgo", 7, 18, 84, 2.3, _CENTRO),
    DatosEntidad(14, "Jalisco", 20, 20, 125, 6.35, _CENTRO),
    DatosEntidad(15, "México", 40, 45, 125, 12.75, _CENTRO),
    DatosEntidad(16, "Michoacán de Ocampo", 11, 24, 113, 3.65, _CENTRO),
    DatosEntidad(17, "Morelos", 5, 12, 36, 1.55, _CENTRO),
    DatosEntidad(18, "Nayarit", 3, 18, 20, 0.92, "America/Mazatlan"),
    DatosEntidad(19, "Nuevo León", 14, 26, 51, 4.35, "America/Monterrey"),
    DatosEntidad(20, "Oaxaca", 10, 25, 570, 3.05, _CENTRO),
    DatosEntidad(21, "Puebla", 16, 26, 217, 4.85, _CENTRO),
    DatosEntidad(22, "Querétaro", 6, 15, 18, 1.85, _CENTRO),
    DatosEntidad(23, "Quintana Roo", 4, 15, 11, 1.45, "America/Cancun"),
    DatosEntidad(24, "San Luis Potosí", 7, 15, 58, 2.05, _CENTRO),
    DatosEntidad(25, "Sinaloa", 7, 24, 20, 2.25, "America/Mazatlan"),
    DatosEntidad(26, "Sonora", 7, 21, 72, 2.25, "America/Hermosillo"),
    DatosEntidad(27, "Tabasco", 6, 21, 17, 1.75, _CENTRO),
    DatosEntidad(28, "Tamaulipas", 8, 22, 43, 2.75, "America/Matamoros"),
    DatosEntidad(29, "Tlaxcala", 3, 15, 60, 1.0, _CENTRO),
    DatosEntidad(30, "Veracruz de Ignacio de la Llave", 19, 30, 212, 6.05, _CENTRO),
    DatosEntidad(31, "Yucatán", 6, 15, 106, 1.72, "America/Merida"),
    DatosEntidad(32, "Zacatecas", 4, 18, 58, 1.22, _CENTRO),
)
CASILLAS_NACIONALES = 170_000  # about the real number of casillas of a federal election
PESO_TOTAL = sum(e.peso for e in ENTIDADES)
CASILLAS_POR_SECCION = 2.4
# Secciones have 4 digits; numbers above this are left free for fuera de catálogo actas.
MAX_SECCIONES = 8_000
MAX_LISTA_NOMINAL = 750  # per casilla: a larger sección is split into contiguas
MAX_CASILLAS_SECCION = 99  # the número has two digits
MAX_CASILLAS = MAX_SECCIONES * MAX_CASILLAS_SECCION  # what one entidad can hold
BOLETAS_ESPECIAL = 750  # ballots of a casilla especial, which has no lista nominal
ANIO = 2027

TIPOS_CASILLA = "BCES"  # index = the code used in the arrays below
_B, _C, _E, _S = range(4)
MECANISMOS = ("", "D", "F", "I")
_P_MECANISMO = (0.35, 0.15, 0.4, 0.1)

# Figures of the acta that are not vote fields (row columns of the INE layout, base_ine.columnas).
OTRAS = (
    "TOTAL_BOLETAS_SOBRANTES",
    "TOTAL_PERSONAS_VOTARON",
    "TOTAL_REP_PARTIDO_CI_VOTARON",
    "TOTAL_VOTOS_SACADOS",
    "TOTAL_VOTOS_ASENTADO",
)

# The catálogo CSV files, in import order, with their header (docs of the format: escritura.py).
ENCABEZADOS = {
    "proceso.csv": ("nombre", "anio", "zona_horaria"),
    "entidades.csv": ("clave", "nombre"),
    "distritos.csv": ("entidad", "tipo", "numero", "cabecera"),
    "municipios.csv": ("entidad", "numero", "nombre"),
    "secciones.csv": ("entidad", "numero", "distrito_federal", "distrito_local", "municipio"),
    "casillas.csv": (
        "entidad",
        "seccion",
        "tipo",
        "numero",
        "ext_contigua",
        "lista_nominal",
        "representantes_pp_ci",
        "ubicacion",
        "mecanismo_traslado",
    ),
    "partidos.csv": ("siglas", "tipo", "nombre", "nombre_corto", "color", "logo", "orden"),
    "elecciones.csv": (
        "tipo",
        "nombre",
        "tipo_acta",
        "orden",
        "prevalece",
        "representantes",
        "inconsistencias",
    ),
    "coaliciones.csv": ("eleccion", "nombre", "partidos"),
    "columnas.csv": ("eleccion", "clave", "tipo", "orden", "partidos", "coalicion"),
    "actas_esperadas.csv": (
        "eleccion",
        "entidad",
        "seccion",
        "tipo_casilla",
        "numero",
        "ext_contigua",
        "tipo_acta",
    ),
}

Fila = tuple[str | int, ...]


# --- Public types ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Proporciones:
    """Share of the actas esperadas of each election that gets each case (fuera de catálogo:
    extra actas, as a share of the esperadas)."""

    sin_acta: float = 0.01  # R6
    fuera_catalogo: float = 0.002  # R7
    ilegible: float = 0.04  # R2: some vote fields ilegible, still contabilizada
    sin_dato: float = 0.01  # R3: some vote fields blank, still contabilizada
    todos_ilegibles: float = 0.003  # R4
    todos_vacios: float = 0.001  # R4
    excede: float = 0.003  # R5, never on a casilla especial
    pendiente: float = 0.0  # not yet recorded

    def validar(self, maximo: float = 1.0) -> None:
        """Raise ValueError (in Spanish) unless every share is in [0, 1] and they sum ≤ maximo."""
        for f in fields(self):
            valor = getattr(self, f.name)
            if not 0.0 <= valor <= 1.0:
                raise ValueError(f"la proporción {f.name}={valor} debe estar entre 0 y 1")
        if self.suma() > maximo:
            raise ValueError(f"las proporciones suman {self.suma():g}; el máximo es {maximo:g}")

    def suma(self) -> float:
        """Sum of every share."""
        return sum(getattr(self, f.name) for f in fields(self))


CASOS = tuple(f.name for f in fields(Proporciones))


@dataclass(frozen=True, slots=True)
class ActaSintetica:
    """One synthetic acta: its identification, what was recorded, and its figures.

    `votos` follows `EleccionSintetica.columnas[eleccion]` and is empty unless CAPTURADA.
    """

    eleccion: str
    entidad: int
    seccion: int
    tipo_casilla: str
    numero: int
    ext_contigua: int
    tipo_acta: str
    registro: Registro
    votos: tuple[Cifra, ...] = ()
    otras: dict[str, Cifra] = field(default_factory=dict)
    causa_sin_acta: CausaSinActa | None = None
    identificacion: str = ""  # CLAVE_ACTA as read from the acta

    @property
    def clave_casilla(self) -> str:
        """CLAVE_CASILLA."""
        return claves.clave_casilla(
            self.entidad, self.seccion, self.tipo_casilla, self.numero, self.ext_contigua
        )

    @property
    def clave_acta(self) -> str:
        """CLAVE_ACTA."""
        return claves.clave_acta(self.clave_casilla, self.tipo_acta)


@dataclass(frozen=True)
class EleccionSintetica:
    """A synthetic electoral process: catálogo rows per CSV file, vote columns, and actas."""

    semilla: int
    casillas: int  # as requested; the catálogo has exactly this many
    elecciones: tuple[str, ...]
    proporciones: Proporciones
    catalogo: dict[str, list[Fila]]  # file name (ENCABEZADOS) → rows, header excluded
    columnas: dict[str, tuple[str, ...]]  # election → vote column keys in acta order
    actas: list[ActaSintetica]
    casos: dict[str, dict[str, int]]  # election → case (CASOS) → actas that got it


# --- Entry point ----------------------------------------------------------------------------


def generar(
    casillas: int,
    semilla: int,
    elecciones: Sequence[str] = ("GOB", "DIP_LOC"),
    proporciones: Proporciones = Proporciones(),
) -> EleccionSintetica:
    """A synthetic election with `casillas` casillas, deterministic for `semilla`."""
    tipos = normalizar_elecciones(elecciones)
    if not 1 <= casillas <= MAX_CASILLAS:
        raise ValueError(f"el número de casillas debe estar entre 1 y {MAX_CASILLAS:,}")
    proporciones.validar()
    rng = np.random.default_rng(semilla)
    geo = _geografia(rng, casillas, tipos)
    columnas = {t: tuple(c.clave for c in columnas_de(t)) for t in tipos}
    actas: list[ActaSintetica] = []
    esperadas: list[Fila] = []
    casos = {}
    for tipo in tipos:
        lote = _Lote.de(rng, geo, tipo, proporciones)
        casos[tipo] = lote.conteo_casos()
        actas.extend(lote.actas())
        esperadas.extend(lote.filas_esperadas())
    catalogo = {**geo.catalogo(semilla, tipos), "actas_esperadas.csv": esperadas}
    catalogo.update(_catalogo_elecciones(tipos))
    return EleccionSintetica(
        semilla=semilla,
        casillas=casillas,
        elecciones=tipos,
        proporciones=proporciones,
        catalogo={nombre: catalogo[nombre] for nombre in ENCABEZADOS},
        columnas=columnas,
        actas=actas,
        casos=casos,
    )


def normalizar_elecciones(elecciones: Sequence[str]) -> tuple[str, ...]:
    """The requested election keys in canonical order; ValueError (Spanish) for unknown ones."""
    pedidas = [e.strip().upper() for e in elecciones if e.strip()]
    desconocidas = [e for e in pedidas if e not in ELECCIONES]
    if desconocidas:
        raise ValueError(
            f"elección desconocida: {', '.join(desconocidas)} (se admiten: {', '.join(ELECCIONES)})"
        )
    if not pedidas:
        raise ValueError("indique al menos una elección")
    return tuple(e for e in ELECCIONES if e in pedidas)


# --- Vote columns ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Columna:
    """One vote field of an election's acta."""

    clave: str
    tipo: str  # PARTIDO | COMBINACION | INDEPENDIENTE | NO_REGISTRADAS | NULOS
    partidos: tuple[str, ...] = ()
    coalicion: str = ""

    @property
    def media(self) -> float:
        """National mean share of this column's votes."""
        if self.tipo == "COMBINACION":
            return MEDIA_COMBINACION[min(len(self.partidos), 3)]
        if self.tipo == "NO_REGISTRADAS":
            return MEDIA_NO_REGISTRADAS
        if self.tipo == "NULOS":
            return MEDIA_NULOS
        return next(p.media for p in PARTIDOS if p.siglas == self.partidos[0])


def partidos_de(tipos: Sequence[str]) -> tuple[Partido, ...]:
    """Partidos (and candidaturas independientes) of a process with these elections."""
    con_ci = any(t in CON_INDEPENDIENTE for t in tipos)
    return tuple(p for p in PARTIDOS if con_ci or not p.independiente)


def columnas_de(tipo: str) -> tuple[Columna, ...]:
    """The vote fields of an election in acta order: partidos, candidaturas independientes,
    coalition combinations (every subset of 2+ partners), no registradas, nulos."""
    resultado = [Columna(p.siglas, "PARTIDO", (p.siglas,)) for p in PARTIDOS if not p.independiente]
    if tipo in CON_INDEPENDIENTE:
        resultado += [Columna(p.siglas, "INDEPENDIENTE", (p.siglas,)) for p in PARTIDOS
                      if p.independiente]  # fmt: skip
    for coalicion in COALICIONES:
        if tipo not in coalicion.elecciones:
            continue
        for tamano in range(len(coalicion.partidos), 1, -1):
            for grupo in combinations(coalicion.partidos, tamano):
                resultado.append(Columna("_".join(grupo), "COMBINACION", grupo, coalicion.nombre))
    resultado += [Columna("NO_REGISTRADAS", "NO_REGISTRADAS"), Columna("NULOS", "NULOS")]
    return tuple(resultado)


def _catalogo_elecciones(tipos: tuple[str, ...]) -> dict[str, list[Fila]]:
    """partidos.csv, elecciones.csv, coaliciones.csv and columnas.csv rows."""
    partidos = [
        (p.siglas, "INDEPENDIENTE" if p.independiente else "PARTIDO", p.nombre, p.siglas,
         p.color, "", orden)
        for orden, p in enumerate(partidos_de(tipos), start=1)
    ]  # fmt: skip
    elecciones = [
        (t, NOMBRE_ELECCION[t], TIPO_ACTA[t], ELECCIONES.index(t) + 1, "", "", "") for t in tipos
    ]
    coaliciones = [
        (t, c.nombre, "|".join(c.partidos)) for t in tipos for c in COALICIONES if t in c.elecciones
    ]
    columnas = [
        (t, c.clave, c.tipo, orden, "|".join(c.partidos), c.coalicion)
        for t in tipos
        for orden, c in enumerate(columnas_de(t), start=1)
    ]
    return {
        "partidos.csv": partidos,
        "elecciones.csv": elecciones,
        "coaliciones.csv": coaliciones,
        "columnas.csv": columnas,
    }


# --- Geography ------------------------------------------------------------------------------

_PREFIJOS = ("", "", "", "San ", "Santa ", "Santiago ", "Villa de ", "Ciudad ", "San Juan ",
             "Santa María ", "San Pedro ", "Heroica ")  # fmt: skip
_RAICES = ("Tepe", "Ixtla", "Tlal", "Zapo", "Coyo", "Hue", "Aca", "Chi", "Ocot", "Tux", "Ama",
           "Atoto", "Cuau", "Mazat", "Tecoma", "Xochi", "Jala", "Tzin", "Olin", "Tena", "Calpu",
           "Tepo", "Nopa", "Teco", "Pachu")  # fmt: skip
_SUFIJOS = ("tlán", "pan", "co", "huacán", "tepec", "titlán", "lco", "zingo", "lapa", "catl",
            "ltepec", "yuca")  # fmt: skip


def _nombres(rng: np.random.Generator, n: int) -> list[str]:
    """n distinct synthetic place names."""
    nombres: list[str] = []
    vistos: set[str] = set()  # membership only: iteration order never matters
    while len(nombres) < n:
        p, r, s = (
            rng.integers(len(_PREFIJOS)),
            rng.integers(len(_RAICES)),
            rng.integers(len(_SUFIJOS)),
        )
        nombre = f"{_PREFIJOS[p]}{_RAICES[r]}{_SUFIJOS[s]}"
        if nombre in vistos:
            nombre = f"{nombre} {len(nombres) + 1}"
        vistos.add(nombre)
        nombres.append(nombre)
    return nombres


def _escalar(real: int, factor: float, maximo: int) -> int:
    """A real count scaled to the synthetic size, at least 1 and at most `maximo`."""
    return int(min(max(1, round(real * factor)), maximo))


def _repartir(total: int, pesos: np.ndarray) -> np.ndarray:
    """Split `total` in proportion to `pesos` (largest remainder): deterministic and exact."""
    cuota = total * pesos / pesos.sum()
    base = np.floor(cuota).astype(np.int64)
    faltan = total - int(base.sum())
    base[np.argsort(-(cuota - base), kind="stable")[:faltan]] += 1
    return base


def _bloques(n: int, partes: int) -> np.ndarray:
    """Index of the block each of n ordered items falls in, `partes` contiguous near-equal ones."""
    return (np.arange(n) * partes) // n


@dataclass
class _Parte:
    """The geography of one entidad: catálogo rows and one numpy array per casilla attribute."""

    distritos: list[Fila]
    municipios: list[Fila]
    secciones: list[Fila]
    casilla: dict[str, np.ndarray]


@dataclass
class _Geografia:
    """The whole synthetic geography; `casilla[attr]` arrays are in catálogo order."""

    entidades: list[DatosEntidad]
    partes: list[_Parte]
    casilla: dict[str, np.ndarray]
    entidad_local: int  # where the local elections happen (0: none)
    # Lean of each municipio towards each of PARTIDOS (a Dirichlet draw around 1), shared by
    # the elections, so a municipio that favours a party does so on every ballot.
    inclinacion: np.ndarray

    def catalogo(self, semilla: int, tipos: tuple[str, ...]) -> dict[str, list[Fila]]:
        """Geography and casilla rows of the catálogo."""
        federal = any(t in FEDERALES for t in tipos)
        zona = _CENTRO if federal else self.entidades[0].zona_horaria
        proceso = [(f"Simulacro {ANIO} (semilla {semilla})", ANIO, zona)]
        c = self.casilla
        casillas = list(
            zip(
                c["entidad"].tolist(),
                c["seccion"].tolist(),
                [TIPOS_CASILLA[t] for t in c["tipo"].tolist()],
                c["numero"].tolist(),
                c["ext"].tolist(),
                c["ln"].tolist(),
                c["reps"].tolist(),
                c["ubicacion"].tolist(),
                [MECANISMOS[m] for m in c["mecanismo"].tolist()],
                strict=True,
            )
        )
        return {
            "proceso.csv": proceso,
            "entidades.csv": [(e.clave, e.nombre) for e in self.entidades],
            "distritos.csv": [f for p in self.partes for f in p.distritos],
            "municipios.csv": [f for p in self.partes for f in p.municipios],
            "secciones.csv": [f for p in self.partes for f in p.secciones],
            "casillas.csv": casillas,
        }


def _geografia(rng: np.random.Generator, casillas: int, tipos: tuple[str, ...]) -> _Geografia:
    """Entidades, distritos, municipios, secciones and casillas for these elections."""
    federal = any(t in FEDERALES for t in tipos)
    local = any(t in LOCALES for t in tipos)
    if federal:
        por_entidad = _repartir(casillas, np.array([e.peso for e in ENTIDADES]))
        entidades = [e for e, n in zip(ENTIDADES, por_entidad, strict=True) if n > 0]
        cuantas = [int(n) for n in por_entidad if n > 0]
    else:
        entidades, cuantas = [ENTIDADES[int(rng.integers(len(ENTIDADES)))]], [casillas]
    entidad_local = 0
    if local:
        # Weighted by size, so the local elections usually get a fair share of the casillas.
        pesos = np.array(cuantas) / sum(cuantas)
        entidad_local = entidades[int(rng.choice(len(entidades), p=pesos))].clave
    partes, municipios = [], 0
    for datos, n in zip(entidades, cuantas, strict=True):
        parte = _entidad(rng, datos, n, federal, datos.clave == entidad_local, municipios)
        municipios += len(parte.municipios)
        partes.append(parte)
    casilla = {k: np.concatenate([p.casilla[k] for p in partes]) for k in partes[0].casilla}
    inclinacion = rng.gamma(12.0, 1 / 12.0, (municipios, len(PARTIDOS)))
    return _Geografia(entidades, partes, casilla, entidad_local, inclinacion)


def _entidad(
    rng: np.random.Generator,
    datos: DatosEntidad,
    casillas: int,
    federal: bool,
    local: bool,
    primer_municipio: int,
) -> _Parte:
    """The geography of one entidad with `casillas` casillas."""
    factor = min(1.0, casillas / (CASILLAS_NACIONALES * datos.peso / PESO_TOTAL))
    # Casillas especiales: one per distrito of the elections' own kind (federal if any), if
    # there is room; then there are enough secciones for every distrito to have some.
    principales = _escalar(
        datos.distritos_federales if federal else datos.distritos_locales, factor, casillas
    )
    especiales = principales if casillas >= 10 * principales else 0
    ordinarias = casillas - especiales
    n_secciones = min(max(1, round(ordinarias / CASILLAS_POR_SECCION)), MAX_SECCIONES, ordinarias)
    n_df = _escalar(datos.distritos_federales, factor, n_secciones) if federal else 0
    n_dl = _escalar(datos.distritos_locales, factor, n_secciones) if local else 0
    n_mun = _escalar(datos.municipios, factor, n_secciones)
    principales = n_df if federal else n_dl

    # Municipios are contiguous runs of secciones of very different sizes; distritos are
    # contiguous runs of about equal size (equal population), so they cut across municipios.
    tamanos = 1 + rng.multinomial(n_secciones - n_mun, rng.dirichlet(np.full(n_mun, 0.8)))
    municipio = np.repeat(np.arange(n_mun), tamanos)
    df = _bloques(n_secciones, n_df) if n_df else np.full(n_secciones, -1)
    dl = _bloques(n_secciones, n_dl) if n_dl else np.full(n_secciones, -1)
    principal = df if federal else dl

    nombres = _nombres(rng, n_mun)
    rural_municipio = rng.beta(1.0, 2.0, n_mun)
    rural = rng.random(n_secciones) < rural_municipio[municipio]

    casillas_seccion = _casillas_por_seccion(rng, ordinarias, n_secciones)
    extra = _extraordinarias(rng, casillas_seccion, rural)
    especial = np.zeros(n_secciones, dtype=np.int64)
    if especiales:
        # One casilla especial in a random sección of each principal distrito.
        inicio = np.searchsorted(principal, np.arange(principales))
        cuenta = np.diff(np.append(inicio, n_secciones))
        especial[inicio + (rng.random(principales) * cuenta).astype(np.int64)] = 1

    casilla = _casillas(rng, datos, casillas_seccion, extra, especial, rural)
    por_seccion = np.repeat(np.arange(n_secciones), casillas_seccion + especial)
    casilla["municipio"] = primer_municipio + municipio[por_seccion]
    casilla["participacion"] = _participacion(rng, principal[por_seccion], principales)
    _votantes(rng, casilla)

    def cabecera(distritos: np.ndarray, numero: int) -> str:
        centro = np.flatnonzero(distritos == numero)
        return nombres[municipio[centro[len(centro) // 2]]]

    distritos = [(datos.clave, "FEDERAL", d + 1, cabecera(df, d)) for d in range(n_df)]
    distritos += [(datos.clave, "LOCAL", d + 1, cabecera(dl, d)) for d in range(n_dl)]
    secciones = [
        (datos.clave, s + 1, f + 1 if f >= 0 else "", loc + 1 if loc >= 0 else "", m + 1)
        for s, (f, loc, m) in enumerate(
            zip(df.tolist(), dl.tolist(), municipio.tolist(), strict=True)
        )
    ]
    return _Parte(
        distritos=distritos,
        municipios=[(datos.clave, m + 1, nombre) for m, nombre in enumerate(nombres)],
        secciones=secciones,
        casilla=casilla,
    )


def _normalizar(pesos: np.ndarray) -> np.ndarray:
    return pesos / pesos.sum(axis=-1, keepdims=True)


def _casillas_por_seccion(rng: np.random.Generator, casillas: int, secciones: int) -> np.ndarray:
    """How many ordinary casillas each sección has: at least 1, very unequal (urban secciones
    have many contiguas), at most MAX_CASILLAS_SECCION."""
    cuantas = 1 + rng.multinomial(casillas - secciones, _normalizar(rng.gamma(2.0, size=secciones)))
    # The número has two digits in CLAVE_CASILLA: move any excess to secciones with room.
    while (exceso := int(np.maximum(cuantas - MAX_CASILLAS_SECCION, 0).sum())) > 0:
        cuantas = np.minimum(cuantas, MAX_CASILLAS_SECCION)
        cuantas += rng.multinomial(exceso, _normalizar(MAX_CASILLAS_SECCION - cuantas))
    return cuantas


def _extraordinarias(
    rng: np.random.Generator, casillas_seccion: np.ndarray, rural: np.ndarray
) -> np.ndarray:
    """How many of each sección's casillas are extraordinarias (E1, E1C1): only in rural
    secciones that keep a básica."""
    una = rural & (casillas_seccion >= 2) & (rng.random(len(rural)) < 0.25)
    dos = una & (casillas_seccion >= 3) & (rng.random(len(rural)) < 0.35)
    return una.astype(np.int64) + dos


def _casillas(
    rng: np.random.Generator,
    datos: DatosEntidad,
    casillas_seccion: np.ndarray,
    extra: np.ndarray,
    especial: np.ndarray,
    rural: np.ndarray,
) -> dict[str, np.ndarray]:
    """One array per casilla attribute, in catálogo order (sección, then B, C1…, E1, E1C1, S)."""
    total = casillas_seccion + especial
    n = int(total.sum())
    inicio = np.repeat(np.cumsum(total) - total, total)
    pos = np.arange(n) - inicio
    k = np.repeat(casillas_seccion, total)
    ordinarias = k - np.repeat(extra, total)  # B and C casillas of the sección
    tipo = np.where(pos < ordinarias, np.where(pos == 0, _B, _C), np.where(pos < k, _E, _S))
    numero = np.where(tipo == _C, pos, 1)
    ext = np.where(tipo == _E, pos - ordinarias, 0)

    # Casillas of one group (B+C, or E) split the group's lista nominal about evenly.
    grupo_bc = rng.normal(560, 110, len(total)).clip(300, MAX_LISTA_NOMINAL - 1).astype(np.int64)
    grupo_e = rng.normal(480, 110, len(total)).clip(300, MAX_LISTA_NOMINAL - 1).astype(np.int64)
    ln = np.where(tipo == _E, np.repeat(grupo_e, total), np.repeat(grupo_bc, total))
    ln = np.where(tipo == _S, 0, ln + rng.integers(0, 2, n))
    ubicacion = np.where(np.repeat(rural, total) | (tipo == _E), 2, 1)
    seccion = np.repeat(np.arange(1, len(total) + 1), total)
    return {
        "entidad": np.full(n, datos.clave),
        "seccion": seccion,
        "tipo": tipo,
        "numero": numero,
        "ext": ext,
        "ln": ln,
        "reps": rng.integers(0, 21, n),
        "ubicacion": ubicacion,
        "mecanismo": rng.choice(len(MECANISMOS), size=n, p=_P_MECANISMO),
    }


def _participacion(rng: np.random.Generator, distrito: np.ndarray, distritos: int) -> np.ndarray:
    """Turnout of each casilla: the entidad's, its distrito's deviation, and local noise."""
    base = rng.uniform(0.5, 0.66)
    por_distrito = rng.normal(0, 0.04, max(distritos, 1))
    ruido = rng.normal(0, 0.045, len(distrito))
    return (base + por_distrito[np.maximum(distrito, 0)] + ruido).clip(0.3, 0.9)


def _votantes(rng: np.random.Generator, casilla: dict[str, np.ndarray]) -> None:
    """Voters of each casilla (shared by its elections): personas on the lista nominal, or
    transit voters at an especial, and party representatives who voted there."""
    especial = casilla["tipo"] == _S
    personas = rng.binomial(casilla["ln"], casilla["participacion"])
    transito = rng.integers(150, BOLETAS_ESPECIAL + 1, len(especial))
    casilla["personas"] = np.where(especial, transito, personas)
    casilla["rep_votaron"] = rng.binomial(casilla["reps"], 0.2)


# --- Actas of one election ------------------------------------------------------------------

_NORMAL = 0
_BLOQUE = 65_536  # actas per block when drawing votes
_CODIGO = {caso: i for i, caso in enumerate(CASOS, start=1)}  # case → code in `caso` arrays
_CAUSAS = (
    CausaSinActa.PAQUETE_NO_ENTREGADO,
    CausaSinActa.CASILLA_NO_INSTALADA,
    CausaSinActa.PAQUETE_SIN_SOBRE,
)
_P_CAUSAS = (0.45, 0.35, 0.2)
# Order in which the cases take actas: excede first, since only non-especial actas qualify.
_ORDEN_CASOS = ("excede", "todos_ilegibles", "todos_vacios", "ilegible", "sin_dato", "sin_acta",
                "pendiente")  # fmt: skip


@dataclass
class _Lote:
    """The actas esperadas (plus fuera de catálogo) of one election, as numpy arrays."""

    tipo: str
    columnas: tuple[Columna, ...]
    geo: _Geografia
    casilla: np.ndarray  # index into geo.casilla arrays, per acta esperada
    rp: np.ndarray  # True for the representación proporcional acta of a casilla especial
    votos: np.ndarray  # actas × columns
    otras: np.ndarray  # actas × OTRAS
    caso: np.ndarray  # case code per acta (0: normal)
    causas: np.ndarray  # index into _CAUSAS, used where caso is sin_acta
    ilegibles: np.ndarray  # actas × columns: vote fields to publish as ILEGIBLE
    sin_dato: np.ndarray  # actas × columns: vote fields to publish as SIN_DATO
    fuera: list[tuple[int, int, str, int]]  # entidad, sección, tipo, número of each

    @classmethod
    def de(
        cls, rng: np.random.Generator, geo: _Geografia, tipo: str, proporciones: Proporciones
    ) -> "_Lote":
        """Draw every acta of election `tipo`."""
        columnas = columnas_de(tipo)
        c = geo.casilla
        en_eleccion = (
            np.ones(len(c["tipo"]), dtype=bool)
            if tipo in FEDERALES
            else c["entidad"] == geo.entidad_local
        )
        indices = np.flatnonzero(en_eleccion)
        copias = 1 + ((c["tipo"][indices] == _S) & (tipo in DIPUTACIONES))
        casilla = np.repeat(indices, copias)
        rp = (np.arange(len(casilla)) - np.repeat(np.cumsum(copias) - copias, copias)) == 1

        personas = c["personas"][casilla]
        # Transit voters from other distritos get only the RP ballot of a diputación.
        mr_especial = (c["tipo"][casilla] == _S) & ~rp & (tipo in DIPUTACIONES)
        personas = np.where(mr_especial, rng.binomial(personas, 0.7), personas)
        rep_votaron = c["rep_votaron"][casilla]
        votos = _votos(rng, geo, casilla, columnas, personas + rep_votaron)
        lote = cls(
            tipo=tipo,
            columnas=columnas,
            geo=geo,
            casilla=casilla,
            rp=rp,
            votos=votos,
            otras=np.zeros((len(casilla), len(OTRAS)), dtype=np.int64),
            caso=_asignar_casos(rng, proporciones, c["tipo"][casilla] == _S),
            causas=rng.choice(len(_CAUSAS), size=len(casilla), p=_P_CAUSAS),
            ilegibles=np.zeros(votos.shape, dtype=bool),
            sin_dato=np.zeros(votos.shape, dtype=bool),
            fuera=[],
        )
        lote._otras(rng, personas, rep_votaron)
        lote._inyectar(rng)
        lote.fuera = _fuera_de_catalogo(rng, geo, casilla, proporciones.fuera_catalogo)
        return lote

    def _otras(self, rng: np.random.Generator, personas: np.ndarray, rep: np.ndarray) -> None:
        """Plausible non-vote figures: ballots left = ballots − ballots used; the totals
        sometimes off by a few, as tired funcionarios write them."""
        c = self.geo.casilla
        n = len(self.casilla)
        especial = c["tipo"][self.casilla] == _S
        boletas = (
            np.where(especial, BOLETAS_ESPECIAL, c["ln"][self.casilla]) + c["reps"][self.casilla]
        )
        total = self.votos.sum(axis=1)
        self.otras[:, 0] = np.maximum(boletas - personas - rep, 0)
        self.otras[:, 1] = personas
        self.otras[:, 2] = rep
        self.otras[:, 3] = np.maximum(total + _desliz(rng, n, 0.03), 0)
        self.otras[:, 4] = np.maximum(total + _desliz(rng, n, 0.05), 0)

    def _inyectar(self, rng: np.random.Generator) -> None:
        """Turn the actas of each case into what reglas.md describes."""
        n_col = len(self.columnas)
        ilegible = np.flatnonzero(self.caso == _CODIGO["ilegible"])
        self.ilegibles[ilegible] = _algunos_campos(rng, len(ilegible), n_col)
        sin_dato = np.flatnonzero(self.caso == _CODIGO["sin_dato"])
        self.sin_dato[sin_dato] = _algunos_campos(rng, len(sin_dato), n_col)

        todos = np.flatnonzero(self.caso == _CODIGO["todos_ilegibles"])
        self.ilegibles[todos] = True
        # A quarter of the unreadable actas also have blank fields (R4: still "ilegibles"),
        # but keep the first field ilegible so at least one is.
        mezcla = todos[rng.random(len(todos)) < 0.25]
        blancos = rng.random((len(mezcla), n_col)) < 0.4
        blancos[:, 0] = False
        self.sin_dato[mezcla] = blancos
        self.ilegibles[mezcla] = ~blancos
        self.sin_dato[self.caso == _CODIGO["todos_vacios"]] = True

        self._exceder(rng, np.flatnonzero(self.caso == _CODIGO["excede"]))

    def _exceder(self, rng: np.random.Generator, filas: np.ndarray) -> None:
        """R5: the figure of the leading column gets an extra digit (or enough to exceed)."""
        if not len(filas):
            return
        c = self.geo.casilla
        limite = c["ln"][self.casilla[filas]] + c["reps"][self.casilla[filas]]
        votos = self.votos[filas]
        columna = votos.argmax(axis=1)
        actual = votos[np.arange(len(filas)), columna]
        faltan = limite - votos.sum(axis=1) + 1  # the smallest increase that exceeds
        nuevo = np.maximum(actual * 10 + rng.integers(0, 10, len(filas)), actual + faltan)
        votos[np.arange(len(filas)), columna] = nuevo
        self.votos[filas] = votos
        self.otras[filas, 4] = votos.sum(axis=1)

    def conteo_casos(self) -> dict[str, int]:
        """How many actas got each case."""
        conteo = {caso: int((self.caso == _CODIGO[caso]).sum()) for caso in CASOS}
        conteo["fuera_catalogo"] = len(self.fuera)
        return conteo

    def actas(self) -> list[ActaSintetica]:
        """The ActaSintetica objects: esperadas in catálogo order, then fuera de catálogo."""
        c = self.geo.casilla
        i = self.casilla
        entidad, seccion = c["entidad"][i].tolist(), c["seccion"][i].tolist()
        tipo = [TIPOS_CASILLA[t] for t in c["tipo"][i].tolist()]
        numero, ext = c["numero"][i].tolist(), c["ext"][i].tolist()
        mr, rp = TIPO_ACTA[self.tipo], TIPO_ACTA[self.tipo] + SUFIJO_RP
        tipo_acta = [rp if r else mr for r in self.rp.tolist()]
        votos, otras = self._cifras()
        caso, causas = self.caso.tolist(), self.causas.tolist()
        sin_acta, pendiente = _CODIGO["sin_acta"], _CODIGO["pendiente"]
        resultado = []
        for j in range(len(i)):
            comun = (self.tipo, entidad[j], seccion[j], tipo[j], numero[j], ext[j], tipo_acta[j])
            casilla = claves.clave_casilla(entidad[j], seccion[j], tipo[j], numero[j], ext[j])
            identificacion = claves.clave_acta(casilla, tipo_acta[j])
            if caso[j] == sin_acta:
                registro = (Registro.SIN_ACTA, (), {}, _CAUSAS[causas[j]], identificacion)
            elif caso[j] == pendiente:
                registro = (Registro.PENDIENTE, (), {}, None, identificacion)
            else:
                registro = (Registro.CAPTURADA, votos[j], otras[j], None, identificacion)
            resultado.append(ActaSintetica(*comun, *registro))
        for e, s, t, num in self.fuera:
            clave = claves.clave_acta(claves.clave_casilla(e, s, t, num, 0), mr)
            resultado.append(
                ActaSintetica(
                    self.tipo, e, s, t, num, 0, mr, Registro.FUERA_CATALOGO, identificacion=clave
                )
            )
        return resultado

    def _cifras(self) -> tuple[list[tuple[Cifra, ...]], list[dict[str, Cifra]]]:
        """Vote tuples and `otras` dicts, with ILEGIBLE / SIN_DATO where injected."""
        votos = _listas(self.votos)
        otras = _listas(self.otras)
        for fila, columna in zip(*np.nonzero(self.ilegibles), strict=True):
            votos[fila][columna] = Lectura.ILEGIBLE
        for fila, columna in zip(*np.nonzero(self.sin_dato), strict=True):
            votos[fila][columna] = Lectura.SIN_DATO
        # An acta unreadable or blank as a whole is so in its other figures too.
        for caso, lectura in (("todos_ilegibles", Lectura.ILEGIBLE),
                              ("todos_vacios", Lectura.SIN_DATO)):  # fmt: skip
            for fila in np.flatnonzero(self.caso == _CODIGO[caso]).tolist():
                otras[fila] = [lectura] * len(OTRAS)
        return [tuple(v) for v in votos], [dict(zip(OTRAS, o, strict=True)) for o in otras]

    def filas_esperadas(self) -> list[Fila]:
        """actas_esperadas.csv rows of this election."""
        c = self.geo.casilla
        i = self.casilla
        mr, rp = TIPO_ACTA[self.tipo], TIPO_ACTA[self.tipo] + SUFIJO_RP
        return list(
            zip(
                [self.tipo] * len(i),
                c["entidad"][i].tolist(),
                c["seccion"][i].tolist(),
                [TIPOS_CASILLA[t] for t in c["tipo"][i].tolist()],
                c["numero"][i].tolist(),
                c["ext"][i].tolist(),
                [rp if r else mr for r in self.rp.tolist()],
                strict=True,
            )
        )


def _listas(valores: np.ndarray) -> list[list[int]]:
    """`valores.tolist()`, but equal numbers share one int object: most figures exceed CPython's
    small-int cache (256), so at national scale this saves tens of MB."""
    enteros = np.arange(int(valores.max(initial=0)) + 1).astype(object)
    return enteros[valores].tolist()


def _desliz(rng: np.random.Generator, n: int, probabilidad: float) -> np.ndarray:
    """A small error (±1…3) in a share `probabilidad` of n figures, else 0."""
    error = rng.integers(1, 4, n) * rng.choice((-1, 1), n)
    return np.where(rng.random(n) < probabilidad, error, 0)


def _algunos_campos(rng: np.random.Generator, filas: int, columnas: int) -> np.ndarray:
    """A mask of 1–3 random vote fields per row (never all of them: R4 must not apply)."""
    cuantos = np.minimum(1 + rng.binomial(2, 0.25, filas), columnas - 1)
    rango = rng.random((filas, columnas)).argsort(axis=1).argsort(axis=1)
    return rango < cuantos[:, None]


def _votos(
    rng: np.random.Generator,
    geo: _Geografia,
    casilla: np.ndarray,
    columnas: tuple[Columna, ...],
    votantes: np.ndarray,
) -> np.ndarray:
    """Votes per acta and column: every ballot lands in one field (nulos included).

    Shares: the national mean of each column, times its municipio's lean (a Dirichlet draw per
    municipio around 1, per party), times casilla-level noise, normalized per acta.
    """
    partidos = [p.siglas for p in PARTIDOS]
    pertenencia = np.zeros((len(partidos), len(columnas)))
    for j, col in enumerate(columnas):
        for siglas in col.partidos:
            pertenencia[partidos.index(siglas), j] = 1 / len(col.partidos)
    # NO_REGISTRADAS and NULOS do not lean with any party.
    sin_partido = np.array([not col.partidos for col in columnas], dtype=float)
    por_municipio = geo.inclinacion @ pertenencia + sin_partido
    media = np.array([col.media for col in columnas]) * rng.gamma(200.0, 1 / 200.0, len(columnas))
    municipio = geo.casilla["municipio"][casilla]
    votos = np.empty((len(casilla), len(columnas)), dtype=np.int64)
    # In blocks, so the float temporaries stay small at national scale.
    for inicio in range(0, len(casilla), _BLOQUE):
        bloque = slice(inicio, inicio + _BLOQUE)
        ruido = rng.gamma(40.0, 1 / 40.0, (len(municipio[bloque]), len(columnas)))
        p = _normalizar(media * por_municipio[municipio[bloque]] * ruido)
        votos[bloque] = rng.multinomial(votantes[bloque], p)
    return votos


def _asignar_casos(
    rng: np.random.Generator, proporciones: Proporciones, especial: np.ndarray
) -> np.ndarray:
    """The case code of each acta: exactly round(share × actas) of each, at random; excede only
    where R5 applies (not on casillas especiales)."""
    n = len(especial)
    caso = np.full(n, _NORMAL, dtype=np.int8)
    orden = rng.permutation(n)
    for nombre in _ORDEN_CASOS:
        cuantas = int(getattr(proporciones, nombre) * n + 0.5)
        libres = orden[caso[orden] == _NORMAL]
        if nombre == "excede":
            libres = libres[~especial[libres]]
        caso[libres[:cuantas]] = _CODIGO[nombre]
    return caso


def _fuera_de_catalogo(
    rng: np.random.Generator, geo: _Geografia, casilla: np.ndarray, proporcion: float
) -> list[tuple[int, int, str, int]]:
    """Identifications of fuera de catálogo actas: an entidad of the election with a sección
    above MAX_SECCIONES, which no catálogo has. Unique: the k-th of an entidad gets the k-th
    free sección (shuffled) as a B, then as C1, C2…"""
    cuantas = int(proporcion * len(casilla) + 0.5)
    if not cuantas:
        return []
    entidad = np.sort(geo.casilla["entidad"][casilla[rng.integers(0, len(casilla), cuantas)]])
    inicio = np.searchsorted(entidad, entidad)  # first position of each one's entidad
    k = np.arange(cuantas) - inicio
    libres = MAX_SECCIONES + 1 + rng.permutation(9_999 - MAX_SECCIONES)
    seccion = libres[k % len(libres)]
    vuelta = k // len(libres)
    return [
        (e, s, "B" if v == 0 else "C", max(v, 1))
        for e, s, v in zip(entidad.tolist(), seccion.tolist(), vuelta.tolist(), strict=True)
    ]
