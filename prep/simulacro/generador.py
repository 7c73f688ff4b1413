"""Synthetic elections at any scale: a catálogo, its actas, and the inconsistencies of reglas.md.

Pure Python + numpy (no Django), so it runs anywhere and fast: every random quantity of an
election is drawn as one numpy array, and the dataclasses are built at the end. Everything comes
from `numpy.random.default_rng` streams of the seed drawn in a fixed order, so the same
arguments give identical output.

Geography. Local elections (GOB, DIP_LOC, AYUN) happen in one entidad, with its distritos locales
and municipios; federal ones (PRES, SEN, DIP_FED) use the national geography: 32 entidades, 300
distritos federales and about 2,470 municipios at the real size (about 170,000 casillas), scaled
down for smaller N. When both kinds are asked for, the local elections happen in one entidad of
the national geography, as a concurrent election does.

Casillas of a sección: a básica, contiguas C1…Cn (the lista nominal split so each has at most
750; the largest sección of each entidad has at least twelve contiguas, as big urban secciones
do), in rural secciones sometimes extraordinarias (E1, E1C1), and one casilla especial (S, no
lista nominal) per distrito. An S casilla of a diputación yields two actas esperadas: mayoría
relativa (the election's tipo de acta) and representación proporcional (tipo de acta + "RP").
Casillas without sección (B4), when there is room: a voto anticipado casilla (A) per municipio
for ayuntamientos and per distrito local for diputaciones locales, and one of the vote from
abroad (M, VMRE) at entidad level for gubernatura; each yields only that election's acta.

Contenders (B1). Presidencia, senadurías and gubernatura print the same contenders everywhere.
Ayuntamientos print each municipio's own acta and diputaciones locales each distrito's: the
coalition «Fuerza y Corazón por México» runs in some (all three partidos, or only PAN and PRI
with the PRD apart) and its partidos apart elsewhere, a candidatura común of PT and MORENA
(column `CC_PT_MORENA`) in a few, small partidos sit some out, and candidaturas independientes
(`CAND_IND_1`, `CAND_IND_2`) exist in a few, a different person in each. The RP acta of a
casilla especial prints only the partidos, no registradas and nulos. Every candidatura has an
invented name in each ámbito (`candidaturas.csv`). `generar(..., boletas=...)` takes the boletas
of ayuntamientos and diputaciones locales from the caller instead (one per ámbito), for tests
that draw them at random.

Each acta carries the vote fields its boleta prints (`ActaSintetica.columnas`) and only their
figures.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from itertools import combinations
from operator import itemgetter

import numpy as np

from prep.catalogo import claves
from prep.catalogo.boletas import DISTRITO, ENTIDAD, MUNICIPIO
from prep.catalogo.elecciones import FEDERALES, LOCALES
from prep.catalogo.formato import ARCHIVOS, SEPARADOR_PARTIDOS
from prep.reglas.acta import CausaSinActa, Registro
from prep.reglas.cifras import CAMPOS_ACTA, Cifra, Lectura

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
# Elections whose contenders vary by ámbito (B1), and the ámbito: each prints its own boleta.
AMBITO_DE_BOLETA = {"AYUN": MUNICIPIO, "DIP_LOC": DISTRITO}


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
    Partido("CAND_IND_2", "Candidatura Independiente 2", "#8C7B6B", 0.025, independiente=True),
)
# Elections with candidaturas independientes on the acta (in the ámbitos where they registered).
CON_INDEPENDIENTE = frozenset({"DIP_LOC", "AYUN"})
# Partidos that sometimes register no candidatura in a municipio or distrito.
PEQUENOS = frozenset({"PRD", "PVEM", "PT", "MC"})

COALICION = "COALICION"
CANDIDATURA_COMUN = "CANDIDATURA_COMUN"


@dataclass(frozen=True)
class Coalicion:
    """A coalition (or candidatura común) and the elections where it runs."""

    nombre: str
    partidos: tuple[str, ...]
    elecciones: frozenset[str]
    tipo: str = COALICION


COALICIONES = (
    Coalicion("Fuerza y Corazón por México", ("PAN", "PRI", "PRD"), frozenset(ELECCIONES)),
    Coalicion(
        "Sigamos Haciendo Historia",
        ("PVEM", "PT", "MORENA"),
        frozenset({"PRES", "SEN", "DIP_FED", "GOB"}),
    ),
    Coalicion(
        "Juntos Hacemos Historia",
        ("PT", "MORENA"),
        frozenset({"DIP_LOC", "AYUN"}),
        CANDIDATURA_COMUN,
    ),
)
PREFIJO_COMUN = "CC_"  # the column of a candidatura común: CC_PT_MORENA
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
CONTIGUAS_GRANDE = 12  # the largest sección of each entidad has at least C1…C12
BOLETAS_ESPECIAL = 750  # ballots of a casilla especial, which has no lista nominal
ANIO = 2027

TIPOS_CASILLA = "BCESAM"  # index = the code used in the arrays below
_B, _C, _E, _S, _A, _M = range(6)
MECANISMOS = ("", "D", "F", "I")
_P_MECANISMO = (0.35, 0.15, 0.4, 0.1)
# Share of its lista nominal that votes at a voto anticipado casilla (people who asked to vote
# ahead) and from abroad; the VMRE lista nominal as a share of the entidad's.
_PARTICIPACION_ANTICIPADA = 0.9
_PARTICIPACION_EXTRANJERO = 0.55
_LISTA_EXTRANJERO = 0.004

# The catálogo CSV files, in import order, with their header: the format of docs/catalogo.md.
ENCABEZADOS = {archivo: tuple(c.nombre for c in campos) for archivo, campos in ARCHIVOS.items()}

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
    excede: float = 0.003  # R5, never on a casilla especial, A or M
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

    `columnas`: the vote fields its boleta prints, in acta order; `votos` follows them and is
    empty unless CAPTURADA. `municipio`, `distrito_local` and `distrito_federal` place an acta
    without sección (tipo de casilla A or M; 0 where none applies, and for the others, which
    take them from their sección).
    """

    eleccion: str
    entidad: int
    seccion: int  # 0: none (A, M)
    tipo_casilla: str
    numero: int
    ext_contigua: int
    tipo_acta: str
    registro: Registro
    votos: tuple[Cifra, ...] = ()
    otras: dict[str, Cifra] = field(default_factory=dict)
    causa_sin_acta: CausaSinActa | None = None
    identificacion: str = ""  # CLAVE_ACTA as read from the acta (its QR)
    columnas: tuple[str, ...] = ()
    municipio: int = 0
    distrito_local: int = 0
    distrito_federal: int = 0

    @property
    def sufijo_ambito(self) -> str:
        """What makes the key of an acta without sección unique (`_M045`); empty otherwise."""
        return claves.sufijo_ambito(
            self.municipio or None, self.distrito_local or None, self.distrito_federal or None
        )

    @property
    def clave_casilla(self) -> str:
        """The casilla's key in the system: CLAVE_CASILLA, plus the ámbito without sección."""
        publicada = claves.clave_casilla(
            self.entidad, self.seccion, self.tipo_casilla, self.numero, self.ext_contigua
        )
        return publicada + self.sufijo_ambito

    @property
    def clave_acta(self) -> str:
        """The acta's key in the system (its QR): CLAVE_ACTA, plus the ámbito without sección."""
        return self.clave_acta_publicada + self.sufijo_ambito

    @property
    def clave_acta_publicada(self) -> str:
        """CLAVE_ACTA as the results database publishes it (shared by the A actas, B4)."""
        publicada = claves.clave_casilla(
            self.entidad, self.seccion, self.tipo_casilla, self.numero, self.ext_contigua
        )
        return claves.clave_acta(publicada, self.tipo_acta)

    def votos_por_columna(self) -> dict[str, Cifra]:
        """The vote figures by column key: exactly the fields the acta prints (empty unless
        CAPTURADA)."""
        if not self.votos:
            return {}
        return dict(zip(self.columnas, self.votos, strict=True))


@dataclass(frozen=True)
class EleccionSintetica:
    """A synthetic electoral process: catálogo rows per CSV file, vote columns, and actas."""

    semilla: int
    casillas: int  # as requested; the catálogo has exactly this many
    elecciones: tuple[str, ...]
    proporciones: Proporciones
    catalogo: dict[str, list[Fila]]  # file name (ENCABEZADOS) → rows, header excluded
    columnas: dict[str, tuple[str, ...]]  # election → every vote column key, in acta order
    actas: list[ActaSintetica]
    casos: dict[str, dict[str, int]]  # election → case (CASOS) → actas that got it


def clave_de_casilla(fila: Fila) -> str:
    """The system's key of a casillas.csv row: its CLAVE_CASILLA, plus the ámbito of a casilla
    without sección (as `ActaSintetica.clave_casilla`)."""
    entidad, seccion, tipo, numero, ext, *_cifras, municipio, local, federal = fila
    publicada = claves.clave_casilla(int(entidad), int(seccion or 0), str(tipo), int(numero),
                                     int(ext))  # fmt: skip
    return publicada + claves.sufijo_ambito(
        int(municipio) if municipio else None,
        int(local) if local else None,
        int(federal) if federal else None,
    )


# --- Entry point ----------------------------------------------------------------------------


def generar(
    casillas: int,
    semilla: int,
    elecciones: Sequence[str] = ("GOB", "DIP_LOC"),
    proporciones: Proporciones = Proporciones(),
    boletas: Mapping[str, Sequence[Sequence[str]]] | None = None,
) -> EleccionSintetica:
    """A synthetic election with `casillas` casillas, deterministic for `semilla`.

    `boletas`: for AYUN and DIP_LOC, the vote columns printed in each ámbito instead of the
    realistic draw: the election gets exactly that many municipios (distritos locales), the
    i-th printing `boletas[eleccion][i]` (put in acta order, with NULOS and the partidos of
    each combination added: `boleta_de`). ValueError (Spanish) when they cannot be honored.
    """
    tipos = normalizar_elecciones(elecciones)
    if not 1 <= casillas <= MAX_CASILLAS:
        raise ValueError(f"el número de casillas debe estar entre 1 y {MAX_CASILLAS:,}")
    proporciones.validar()
    dadas = _boletas_dadas(boletas or {}, tipos)
    rng = np.random.default_rng(semilla)
    ambitos = {AMBITO_DE_BOLETA[t]: len(b) for t, b in dadas.items()}
    geo = _geografia(rng, casillas, tipos, ambitos)
    # Contenders and names from their own stream: they do not shift the figures' draws.
    rng_contendientes = np.random.default_rng([semilla, 2])
    formas = {t: _formas(rng_contendientes, geo, t, dadas.get(t)) for t in tipos}
    actas: list[ActaSintetica] = []
    esperadas: list[Fila] = []
    casos = {}
    for tipo in tipos:
        lote = _Lote.de(rng, geo, formas[tipo], proporciones)
        casos[tipo] = lote.conteo_casos()
        actas.extend(lote.actas())
        esperadas.extend(lote.filas_esperadas())
    catalogo = {**geo.catalogo(semilla, tipos), "actas_esperadas.csv": esperadas}
    catalogo.update(_catalogo_elecciones(tipos))
    catalogo["boletas.csv"] = [f for t in tipos for f in formas[t].filas]
    nombres = _Nombres(rng_contendientes)
    catalogo["candidaturas.csv"] = [
        f for t in tipos for f in _candidaturas(nombres, geo, formas[t])
    ]
    return EleccionSintetica(
        semilla=semilla,
        casillas=casillas,
        elecciones=tipos,
        proporciones=proporciones,
        catalogo={nombre: catalogo[nombre] for nombre in ENCABEZADOS},
        columnas={t: tuple(c.clave for c in columnas_de(t)) for t in tipos},
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


def coaliciones_de(tipo: str) -> tuple[Coalicion, ...]:
    """The coalitions and candidaturas comunes of an election."""
    return tuple(c for c in COALICIONES if tipo in c.elecciones)


def columnas_de(tipo: str) -> tuple[Columna, ...]:
    """The vote fields of an election in acta order: partidos, candidaturas independientes,
    coalition combinations (every subset of 2+ partners), candidaturas comunes (one `CC_…`
    column each), no registradas, nulos. Each acta prints those of its boleta."""
    resultado = [Columna(p.siglas, "PARTIDO", (p.siglas,)) for p in PARTIDOS if not p.independiente]
    if tipo in CON_INDEPENDIENTE:
        resultado += [Columna(p.siglas, "INDEPENDIENTE", (p.siglas,)) for p in PARTIDOS
                      if p.independiente]  # fmt: skip
    for coalicion in coaliciones_de(tipo):
        if coalicion.tipo == CANDIDATURA_COMUN:
            clave = PREFIJO_COMUN + "_".join(coalicion.partidos)
            resultado.append(Columna(clave, "COMBINACION", coalicion.partidos, coalicion.nombre))
            continue
        for tamano in range(len(coalicion.partidos), 1, -1):
            for grupo in combinations(coalicion.partidos, tamano):
                resultado.append(Columna("_".join(grupo), "COMBINACION", grupo, coalicion.nombre))
    resultado += [Columna("NO_REGISTRADAS", "NO_REGISTRADAS"), Columna("NULOS", "NULOS")]
    return tuple(resultado)


def boleta_de(tipo: str, columnas: Sequence[str]) -> tuple[str, ...]:
    """A boleta the catálogo accepts with these columns of election `tipo`: in acta order, with
    NULOS (every acta prints it) and the partidos of each combination column added. ValueError
    (Spanish) for a key that is not a column of the election."""
    suyas = {c.clave: c for c in columnas_de(tipo)}
    desconocidas = [c for c in columnas if c not in suyas]
    if desconocidas:
        raise ValueError(
            f"{', '.join(desconocidas)}: no son columnas de la elección {tipo}"
            f" (son: {', '.join(suyas)})"
        )
    impresas = {"NULOS", *columnas}
    for clave in columnas:
        if suyas[clave].tipo == "COMBINACION":
            impresas.update(suyas[clave].partidos)
    return tuple(c for c in suyas if c in impresas)


def _boletas_dadas(
    boletas: Mapping[str, Sequence[Sequence[str]]], tipos: tuple[str, ...]
) -> dict[str, list[tuple[str, ...]]]:
    """The caller's boletas, validated and put in acta order."""
    resultado = {}
    for tipo, suyas in boletas.items():
        if tipo not in AMBITO_DE_BOLETA:
            raise ValueError(
                f"sólo {' y '.join(AMBITO_DE_BOLETA)} admiten boletas por ámbito; no {tipo}"
            )
        if tipo not in tipos:
            raise ValueError(f"hay boletas de {tipo}, pero esa elección no se genera")
        if not suyas:
            raise ValueError(f"las boletas de {tipo} deben ser al menos una")
        resultado[tipo] = [boleta_de(tipo, b) for b in suyas]
    return resultado


def _catalogo_elecciones(tipos: tuple[str, ...]) -> dict[str, list[Fila]]:
    """partidos.csv, elecciones.csv, coaliciones.csv and columnas.csv rows."""
    partidos = [
        (p.siglas, "INDEPENDIENTE" if p.independiente else "PARTIDO", p.nombre, p.siglas,
         p.color, "", orden)
        for orden, p in enumerate(partidos_de(tipos), start=1)
    ]  # fmt: skip
    elecciones: list[Fila] = [
        (t, NOMBRE_ELECCION[t], TIPO_ACTA[t], ELECCIONES.index(t) + 1, "", "", "", "", "")
        for t in tipos
    ]
    coaliciones: list[Fila] = [
        (t, c.nombre, SEPARADOR_PARTIDOS.join(c.partidos), c.tipo)
        for t in tipos
        for c in coaliciones_de(t)
    ]
    columnas = [
        (t, c.clave, c.tipo, orden, SEPARADOR_PARTIDOS.join(c.partidos), c.coalicion)
        for t in tipos
        for orden, c in enumerate(columnas_de(t), start=1)
    ]
    return {
        "partidos.csv": partidos,
        "elecciones.csv": elecciones,
        "coaliciones.csv": coaliciones,
        "columnas.csv": columnas,
    }


# --- Boletas: what each acta prints (B1) ----------------------------------------------------


@dataclass
class _Formas:
    """The boletas of one election: its distinct forms, which one each acta takes, and the
    boletas.csv rows that say so."""

    tipo: str
    columnas: tuple[Columna, ...]
    # Distinct printed-column tuples; 0 prints every column (an acta no boleta applies to).
    formas: list[tuple[str, ...]]
    # Number of the election's ámbito (AMBITO_DE_BOLETA: municipio or distrito local) → form.
    por_ambito: dict[int, int]
    rp: int  # the form of the representación proporcional acta (0: the general one)
    filas: list[Fila]

    def mascara(self) -> np.ndarray:
        """forms × columns: whether each form prints each column."""
        return np.array([[c.clave in set(f) for c in self.columnas] for f in self.formas])


def _formas(
    rng: np.random.Generator,
    geo: "_Geografia",
    tipo: str,
    dadas: list[tuple[str, ...]] | None,
) -> _Formas:
    """The boletas of election `tipo`: per municipio or distrito local where contenders vary
    (drawn, or the caller's), the RP acta's of a diputación, else one for the whole election
    (no boletas.csv rows: every acta prints every column)."""
    columnas = columnas_de(tipo)
    todas = tuple(c.clave for c in columnas)
    formas, por_ambito, rp = [todas], {}, 0
    filas: list[Fila] = []
    ambito = AMBITO_DE_BOLETA.get(tipo)
    if ambito is not None and geo.entidad_local:
        entidad = geo.entidad_local
        numeros = geo.municipios_locales if ambito == MUNICIPIO else geo.distritos_locales
        if dadas is not None:
            propias = [dadas[i % len(dadas)] for i in range(numeros)]
        else:
            propias = _boletas_realistas(rng, tipo, numeros)
        indice = {todas: 0}
        for numero, boleta in enumerate(propias, start=1):
            por_ambito[numero] = indice.setdefault(boleta, len(indice))
            filas.append((tipo, entidad, ambito, numero, "", SEPARADOR_PARTIDOS.join(boleta)))
        formas = list(indice)
    if tipo in DIPUTACIONES:
        # The RP acta of a casilla especial: partidos, no registradas and nulos, one boleta per
        # entidad for that tipo de acta (B1). Its MR actas need a boleta too where no ámbito
        # has one: then every MR column, entidad-wide.
        impresas = tuple(c.clave for c in columnas if c.tipo in ("PARTIDO", "NO_REGISTRADAS",
                                                                  "NULOS"))  # fmt: skip
        rp = len(formas)
        formas.append(impresas)
        for entidad in geo.entidades_de(tipo):
            if not por_ambito:
                filas.append((tipo, entidad, ENTIDAD, "", "", SEPARADOR_PARTIDOS.join(todas)))
            filas.append(
                (tipo, entidad, ENTIDAD, "", TIPO_ACTA[tipo] + SUFIJO_RP,
                 SEPARADOR_PARTIDOS.join(impresas))
            )  # fmt: skip
    return _Formas(tipo, columnas, formas, por_ambito, rp, filas)


def _boletas_realistas(rng: np.random.Generator, tipo: str, n: int) -> list[tuple[str, ...]]:
    """One boleta per ámbito (municipio or distrito) of a local election, as B1 describes: the
    coalition in a strict subset of them (sometimes without its smallest partido), a
    candidatura común in a few, small partidos absent from some, independents in a few."""
    coalicion, comun = (next(c for c in coaliciones_de(tipo) if c.tipo == t)
                        for t in (COALICION, CANDIDATURA_COMUN))  # fmt: skip
    con_coalicion = _algunos(rng, n, 0.45, 1, estricto=True)
    sin_el_menor = rng.random(n) < 0.25
    con_comun = _algunos(rng, n, 0.2, 1)
    independiente = _algunos(rng, n, 0.3, 2)
    segunda = independiente & (rng.random(n) < 0.35)
    partidos = [p.siglas for p in PARTIDOS if not p.independiente]
    ausente = rng.random((n, len(partidos))) < 0.1
    boletas = []
    for i in range(n):
        aliados = coalicion.partidos[: 2 if sin_el_menor[i] else None] if con_coalicion[i] else ()
        comunes = comun.partidos if con_comun[i] else ()
        impresas = [
            p for j, p in enumerate(partidos)
            if not (ausente[i, j] and p in PEQUENOS) or p in aliados or p in comunes
        ]  # fmt: skip
        impresas += ["CAND_IND_1"] * bool(independiente[i]) + ["CAND_IND_2"] * bool(segunda[i])
        impresas += ["_".join(g) for k in range(len(aliados), 1, -1)
                     for g in combinations(aliados, k)]  # fmt: skip
        impresas += [PREFIJO_COMUN + "_".join(comunes)] * bool(comunes)
        boletas.append(boleta_de(tipo, [*impresas, "NO_REGISTRADAS"]))
    return boletas


def _algunos(
    rng: np.random.Generator, n: int, p: float, minimo: int, estricto: bool = False
) -> np.ndarray:
    """A random mask of n ámbitos, each with chance p, at least `minimo` of them (as far as n
    allows) and, if `estricto`, never all when n > 1."""
    mascara = rng.random(n) < p
    orden = rng.permutation(n)
    faltan = min(minimo, n) - int(mascara.sum())
    if faltan > 0:
        mascara[orden[~mascara[orden]][:faltan]] = True
    if estricto and n > 1 and mascara.all():
        mascara[orden[0]] = False
    return mascara


# --- Candidate names ------------------------------------------------------------------------

_NOMBRES_PILA = ("María", "José", "Juan", "Guadalupe", "Ana", "Luis", "Rosa", "Carlos", "Laura",
                 "Jorge", "Patricia", "Miguel", "Alejandra", "Francisco", "Verónica", "Javier",
                 "Claudia", "Roberto", "Gabriela", "Fernando", "Adriana", "Ricardo", "Leticia",
                 "Eduardo", "Silvia", "Alejandro", "Mónica", "Sergio", "Elena", "Arturo",
                 "Norma", "Manuel", "Araceli", "Héctor", "Beatriz", "Raúl", "Teresa", "Jesús",
                 "Yolanda", "Antonio", "Martha", "Pedro", "Lorena", "Rafael", "Irma", "Armando",
                 "Sofía", "Óscar", "Daniela", "Enrique", "Citlali", "Cuauhtémoc", "Xóchitl",
                 "Ximena", "Rodrigo", "Itzel", "Emilio", "Fabiola", "Gerardo", "Dulce María",
                 "Juan Carlos", "María del Carmen", "José Luis", "Ana Karen")  # fmt: skip
_APELLIDOS = ("Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez",
              "Sánchez", "Ramírez", "Cruz", "Flores", "Gómez", "Morales", "Vázquez", "Reyes",
              "Jiménez", "Torres", "Díaz", "Gutiérrez", "Ruiz", "Mendoza", "Aguilar", "Ortiz",
              "Moreno", "Castillo", "Romero", "Álvarez", "Méndez", "Chávez", "Rivera", "Juárez",
              "Ramos", "Domínguez", "Herrera", "Medina", "Castro", "Vargas", "Guzmán",
              "Velázquez", "Muñoz", "Rojas", "Contreras", "Salazar", "Luna", "Ortega",
              "Santiago", "Guerrero", "Estrada", "Bautista", "Cortés", "Soto", "Alvarado",
              "Espinoza", "Lara", "Ávila", "Ríos", "Cervantes", "Uc", "Chan", "Pech", "Canul",
              "Tzab", "Ek", "Cauich", "Xool", "Poot", "Huchim", "Dzul", "Nájera",
              "Zúñiga")  # fmt: skip


class _Nombres:
    """Invented names of persons, each new one different from those given before."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.vistos: set[str] = set()  # membership only: iteration order never matters

    def nuevo(self) -> str:
        """A name never given before: given name and two surnames."""
        while True:
            pila, primero, segundo = self.rng.integers(
                (0, 0, 0), (len(_NOMBRES_PILA), len(_APELLIDOS), len(_APELLIDOS))
            ).tolist()
            nombre = f"{_NOMBRES_PILA[pila]} {_APELLIDOS[primero]} {_APELLIDOS[segundo]}"
            if primero != segundo and nombre not in self.vistos:
                self.vistos.add(nombre)
                return nombre


def _candidaturas(nombres: _Nombres, geo: "_Geografia", formas: _Formas) -> list[Fila]:
    """candidaturas.csv rows of one election: a person for each candidatura of each ámbito
    where it is elected (municipio, distrito, or entidad); the partidos of a coalition or
    candidatura común there, and its combination columns, share its person. The presidencia
    has the same persons in every entidad."""
    tipo = formas.tipo
    por_clave = {c.clave: c for c in formas.columnas}
    lugares: list[tuple[int, str, int | str, tuple[str, ...]]]
    if formas.por_ambito:
        ambito = AMBITO_DE_BOLETA[tipo]
        lugares = [(geo.entidad_local, ambito, n, formas.formas[f])
                   for n, f in formas.por_ambito.items()]  # fmt: skip
    elif tipo == "DIP_FED":
        lugares = [(e, DISTRITO, d, formas.formas[0]) for e, d in geo.distritos_federales()]
    else:
        lugares = [(e, ENTIDAD, "", formas.formas[0]) for e in geo.entidades_de(tipo)]
    filas: list[Fila] = []
    repetidos: dict[tuple[str, ...], str] = {}
    for entidad, ambito, numero, boleta in lugares:
        for grupo in _quienes_comparten(boleta, por_clave):
            nombre = repetidos.get(grupo) if tipo == "PRES" else None
            if nombre is None:
                nombre = repetidos[grupo] = nombres.nuevo()
            filas.extend((tipo, entidad, ambito, numero, clave, nombre) for clave in grupo)
    return filas


def _quienes_comparten(
    boleta: tuple[str, ...], por_clave: dict[str, Columna]
) -> list[tuple[str, ...]]:
    """The columns of a boleta grouped by the person they elect, in acta order: a printed
    combination joins its partidos (and the columns that share a partido with it); nulos and
    no registradas elect nobody."""
    grupo = {c: c for c in boleta}

    def raiz(c: str) -> str:
        while grupo[c] != c:
            c = grupo[c]
        return c

    for clave in boleta:
        columna = por_clave[clave]
        if columna.tipo == "COMBINACION":
            for siglas in columna.partidos:
                grupo[raiz(siglas)] = raiz(clave)
    grupos: dict[str, list[str]] = {}
    for clave in boleta:
        if por_clave[clave].tipo not in ("NULOS", "NO_REGISTRADAS"):
            grupos.setdefault(raiz(clave), []).append(clave)
    return [tuple(g) for g in grupos.values()]


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


def _celdas(numeros: np.ndarray) -> list[int | str]:
    """Numbers as catálogo cells: empty for 0 (none)."""
    celdas = numeros.astype(object)
    celdas[numeros == 0] = ""
    return celdas.tolist()


@dataclass
class _Parte:
    """The geography of one entidad: catálogo rows and one numpy array per casilla attribute."""

    distritos: list[Fila]
    municipios: list[Fila]
    secciones: list[Fila]
    casilla: dict[str, np.ndarray]


@dataclass
class _Geografia:
    """The whole synthetic geography; `casilla[attr]` arrays are in catálogo order.

    Per casilla: `municipio` indexes `inclinacion` (-1: none, whose last row is neutral);
    `num_municipio`, `dl` and `df` are the numbers of its municipio and distritos in its
    entidad (0: none), its sección's, or its own for a casilla without sección.
    """

    entidades: list[DatosEntidad]
    partes: list[_Parte]
    casilla: dict[str, np.ndarray]
    entidad_local: int  # where the local elections happen (0: none)
    # Lean of each municipio towards each of PARTIDOS (a Dirichlet draw around 1), shared by
    # the elections, so a municipio that favours a party does so on every ballot; a last row
    # of ones for casillas of no municipio.
    inclinacion: np.ndarray

    @property
    def _parte_local(self) -> _Parte:
        return next(
            p for e, p in zip(self.entidades, self.partes, strict=True)
            if e.clave == self.entidad_local
        )  # fmt: skip

    @property
    def municipios_locales(self) -> int:
        """How many municipios the local entidad has."""
        return len(self._parte_local.municipios)

    @property
    def distritos_locales(self) -> int:
        """How many distritos locales the local entidad has."""
        return sum(1 for d in self._parte_local.distritos if d[1] == "LOCAL")

    def entidades_de(self, tipo: str) -> list[int]:
        """The entidades where election `tipo` happens."""
        if tipo in FEDERALES:
            return [e.clave for e in self.entidades]
        return [self.entidad_local]

    def distritos_federales(self) -> list[tuple[int, int]]:
        """(entidad, número) of every distrito federal."""
        return [
            (int(d[0]), int(d[2])) for p in self.partes for d in p.distritos if d[1] == "FEDERAL"
        ]

    def catalogo(self, semilla: int, tipos: tuple[str, ...]) -> dict[str, list[Fila]]:
        """Geography and casilla rows of the catálogo."""
        federal = any(t in FEDERALES for t in tipos)
        zona = _CENTRO if federal else self.entidades[0].zona_horaria
        proceso = [(f"Simulacro {ANIO} (semilla {semilla})", ANIO, zona)]
        c = self.casilla
        sin_seccion = c["seccion"] == 0
        casillas = list(
            zip(
                c["entidad"].tolist(),
                _celdas(c["seccion"]),
                [TIPOS_CASILLA[t] for t in c["tipo"].tolist()],
                c["numero"].tolist(),
                c["ext"].tolist(),
                c["ln"].tolist(),
                c["reps"].tolist(),
                c["ubicacion"].tolist(),
                [MECANISMOS[m] for m in c["mecanismo"].tolist()],
                # Only a casilla without sección says where it counts; the others' is the
                # sección's.
                *(_celdas(np.where(sin_seccion, c[k], 0)) for k in ("num_municipio", "dl", "df")),
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


def _geografia(
    rng: np.random.Generator, casillas: int, tipos: tuple[str, ...], ambitos: dict[str, int]
) -> _Geografia:
    """Entidades, distritos, municipios, secciones and casillas for these elections; `ambitos`
    fixes how many municipios (MUNICIPIO) or distritos locales (DISTRITO) the local entidad
    has."""
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
        es_local = datos.clave == entidad_local
        parte = _entidad(
            rng,
            datos,
            n,
            federal,
            tipos if es_local else (),
            municipios,
            ambitos if es_local else {},
        )
        municipios += len(parte.municipios)
        partes.append(parte)
    casilla = {k: np.concatenate([p.casilla[k] for p in partes]) for k in partes[0].casilla}
    inclinacion = rng.gamma(12.0, 1 / 12.0, (municipios, len(PARTIDOS)))
    inclinacion = np.vstack([inclinacion, np.ones(len(PARTIDOS))])
    return _Geografia(entidades, partes, casilla, entidad_local, inclinacion)


def _entidad(
    rng: np.random.Generator,
    datos: DatosEntidad,
    casillas: int,
    federal: bool,
    locales: tuple[str, ...],
    primer_municipio: int,
    ambitos: dict[str, int],
) -> _Parte:
    """The geography of one entidad with `casillas` casillas; `locales`: the local elections
    held there (none outside the local entidad); `ambitos`: fixed counts of municipios and
    distritos locales."""
    local = bool(locales)
    factor = min(1.0, casillas / (CASILLAS_NACIONALES * datos.peso / PESO_TOTAL))
    # Casillas especiales: one per distrito of the elections' own kind (federal if any), if
    # there is room; then there are enough secciones for every distrito to have some.
    principales = _escalar(
        datos.distritos_federales if federal else datos.distritos_locales, factor, casillas
    )
    especiales = principales if casillas >= 10 * principales else 0
    ordinarias = casillas - especiales
    n_secciones = min(max(1, round(ordinarias / CASILLAS_POR_SECCION)), MAX_SECCIONES, ordinarias)
    fijos = max(ambitos.values(), default=0)
    if fijos:
        if ordinarias < fijos:
            raise ValueError(
                f"{casillas} casillas no alcanzan para {fijos} municipios o distritos con"
                " boleta propia"
            )
        n_secciones = max(n_secciones, min(fijos, MAX_SECCIONES))
    n_df = _escalar(datos.distritos_federales, factor, n_secciones) if federal else 0
    n_dl = _escalar(datos.distritos_locales, factor, n_secciones) if local else 0
    n_mun = _escalar(datos.municipios, factor, n_secciones)
    n_dl = min(ambitos.get(DISTRITO, n_dl), n_secciones) if local else 0
    n_mun = min(ambitos.get(MUNICIPIO, n_mun), n_secciones)
    principales = n_df if federal else n_dl

    # Casillas without sección take their room from the ordinary ones, while every sección
    # keeps at least a casilla and the distritos and municipios fit.
    anticipadas = [MUNICIPIO] * n_mun * ("AYUN" in locales)
    anticipadas += [DISTRITO] * n_dl * ("DIP_LOC" in locales)
    extranjero = int("GOB" in locales)
    sin_seccion = len(anticipadas) + extranjero
    if sin_seccion and ordinarias - sin_seccion >= 2 * max(n_mun, n_dl, fijos, 1):
        ordinarias -= sin_seccion
        n_secciones = min(n_secciones, ordinarias)
    else:
        anticipadas, extranjero = [], 0

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
    # The biggest sección is urban: its casillas are a básica and contiguas only.
    rural[np.argmax(casillas_seccion)] = False
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
    casilla["num_municipio"] = municipio[por_seccion] + 1
    casilla["dl"] = dl[por_seccion] + 1
    casilla["df"] = df[por_seccion] + 1
    casilla["participacion"] = _participacion(rng, principal[por_seccion], principales)
    if sin_seccion := len(anticipadas) + extranjero:
        sin = _sin_seccion(rng, datos, anticipadas, extranjero, int(casilla["ln"].sum()))
        sin["municipio"] = np.where(
            sin["num_municipio"] > 0, primer_municipio + sin["num_municipio"] - 1, -1
        )
        # Casillas without sección first: they sort as sección 0.
        casilla = {k: np.concatenate([sin[k], casilla[k]]) for k in casilla}
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


def _sin_seccion(
    rng: np.random.Generator,
    datos: DatosEntidad,
    anticipadas: list[str],
    extranjero: int,
    lista_entidad: int,
) -> dict[str, np.ndarray]:
    """The casillas without sección of the local entidad (B4), in this order: voto anticipado
    of each municipio, of each distrito local, then the vote from abroad. A few dozen people
    asked to vote ahead in each ámbito; the VMRE lista nominal is a small share of the
    entidad's."""
    n_a = len(anticipadas)
    n = n_a + extranjero
    por_municipio = np.array([a == MUNICIPIO for a in anticipadas], dtype=bool)
    numero_ambito = np.zeros(n_a, dtype=np.int64)
    numero_ambito[por_municipio] = np.arange(1, por_municipio.sum() + 1)
    numero_ambito[~por_municipio] = np.arange(1, (~por_municipio).sum() + 1)
    ceros = np.zeros(extranjero, dtype=np.int64)
    ln_extranjero = max(50, round(_LISTA_EXTRANJERO * lista_entidad))
    return {
        "entidad": np.full(n, datos.clave),
        "seccion": np.zeros(n, dtype=np.int64),
        "tipo": np.array([_A] * n_a + [_M] * extranjero, dtype=np.int64),
        "numero": np.ones(n, dtype=np.int64),
        "ext": np.zeros(n, dtype=np.int64),
        "ln": np.concatenate([rng.integers(15, 121, n_a), np.full(extranjero, ln_extranjero)]),
        "reps": np.zeros(n, dtype=np.int64),
        "ubicacion": np.ones(n, dtype=np.int64),
        "mecanismo": np.zeros(n, dtype=np.int64),
        "num_municipio": np.concatenate([np.where(por_municipio, numero_ambito, 0), ceros]),
        "dl": np.concatenate([np.where(por_municipio, 0, numero_ambito), ceros]),
        "df": np.zeros(n, dtype=np.int64),
        "participacion": np.array(
            [_PARTICIPACION_ANTICIPADA] * n_a + [_PARTICIPACION_EXTRANJERO] * extranjero
        ),
        "municipio": np.zeros(n, dtype=np.int64),  # set by the caller
    }


def _normalizar(pesos: np.ndarray) -> np.ndarray:
    return pesos / pesos.sum(axis=-1, keepdims=True)


def _casillas_por_seccion(rng: np.random.Generator, casillas: int, secciones: int) -> np.ndarray:
    """How many ordinary casillas each sección has: at least 1, very unequal (urban secciones
    have many contiguas; the biggest, when there are enough casillas, at least C1…C12), at most
    MAX_CASILLAS_SECCION."""
    grande = CONTIGUAS_GRANDE if casillas - secciones >= CONTIGUAS_GRANDE else 0
    reparto = _normalizar(rng.gamma(2.0, size=secciones))
    cuantas = 1 + rng.multinomial(casillas - secciones - grande, reparto)
    cuantas[np.argmax(cuantas)] += grande
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
# Order in which the cases take actas: excede first, since only some actas qualify.
_ORDEN_CASOS = ("excede", "todos_ilegibles", "todos_vacios", "ilegible", "sin_dato", "sin_acta",
                "pendiente")  # fmt: skip
# Casillas where R5 (excede lista nominal) does not apply: no lista nominal of their own.
_SIN_R5 = (_S, _A, _M)


def _en_eleccion(geo: _Geografia, tipo: str) -> np.ndarray:
    """Which casillas have an acta of election `tipo`: every ordinary casilla of its entidades;
    of those without sección, the A of a municipio only in ayuntamientos, the A of a distrito
    only in diputaciones locales, the M only in gubernatura."""
    c = geo.casilla
    ordinaria = c["seccion"] > 0
    if tipo in FEDERALES:
        return ordinaria
    local = c["entidad"] == geo.entidad_local
    propia = {
        "GOB": c["tipo"] == _M,
        "DIP_LOC": (c["tipo"] == _A) & (c["dl"] > 0),
        "AYUN": (c["tipo"] == _A) & (c["num_municipio"] > 0),
    }[tipo]
    return local & (ordinaria | propia)


@dataclass
class _Lote:
    """The actas esperadas (plus fuera de catálogo) of one election, as numpy arrays. Figure
    arrays span every column of the election; `impresas` says which ones each acta prints."""

    formas: _Formas
    geo: _Geografia
    casilla: np.ndarray  # index into geo.casilla arrays, per acta esperada
    rp: np.ndarray  # True for the representación proporcional acta of a casilla especial
    forma: np.ndarray  # index into formas.formas, per acta
    impresas: np.ndarray  # actas × columns: whether the acta prints the column
    votos: np.ndarray  # actas × columns (0 where not printed)
    otras: np.ndarray  # actas × CAMPOS_ACTA
    caso: np.ndarray  # case code per acta (0: normal)
    causas: np.ndarray  # index into _CAUSAS, used where caso is sin_acta
    ilegibles: np.ndarray  # actas × columns: vote fields to publish as ILEGIBLE
    sin_dato: np.ndarray  # actas × columns: vote fields to publish as SIN_DATO
    fuera: list[tuple[int, int, str, int]]  # entidad, sección, tipo, número of each

    @property
    def tipo(self) -> str:
        """The election."""
        return self.formas.tipo

    @classmethod
    def de(
        cls, rng: np.random.Generator, geo: _Geografia, formas: _Formas, proporciones: Proporciones
    ) -> "_Lote":
        """Draw every acta of the election of `formas`."""
        tipo = formas.tipo
        c = geo.casilla
        indices = np.flatnonzero(_en_eleccion(geo, tipo))
        copias = 1 + ((c["tipo"][indices] == _S) & (tipo in DIPUTACIONES))
        casilla = np.repeat(indices, copias)
        rp = (np.arange(len(casilla)) - np.repeat(np.cumsum(copias) - copias, copias)) == 1
        forma = _forma_de_cada_acta(formas, geo, casilla, rp)
        impresas = formas.mascara()[forma]

        personas = c["personas"][casilla]
        # Transit voters from other distritos get only the RP ballot of a diputación.
        mr_especial = (c["tipo"][casilla] == _S) & ~rp & (tipo in DIPUTACIONES)
        personas = np.where(mr_especial, rng.binomial(personas, 0.7), personas)
        rep_votaron = c["rep_votaron"][casilla]
        votos = _votos(rng, geo, casilla, formas.columnas, impresas, personas + rep_votaron)
        lote = cls(
            formas=formas,
            geo=geo,
            casilla=casilla,
            rp=rp,
            forma=forma,
            impresas=impresas,
            votos=votos,
            otras=np.zeros((len(casilla), len(CAMPOS_ACTA)), dtype=np.int64),
            caso=_asignar_casos(rng, proporciones, np.isin(c["tipo"][casilla], _SIN_R5)),
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
        """Turn the actas of each case into what reglas.md describes, on printed fields only."""
        impresas = self.impresas
        ilegible = np.flatnonzero(self.caso == _CODIGO["ilegible"])
        self.ilegibles[ilegible] = _algunos_campos(rng, impresas[ilegible])
        sin_dato = np.flatnonzero(self.caso == _CODIGO["sin_dato"])
        self.sin_dato[sin_dato] = _algunos_campos(rng, impresas[sin_dato])

        todos = np.flatnonzero(self.caso == _CODIGO["todos_ilegibles"])
        self.ilegibles[todos] = impresas[todos]
        # A quarter of the unreadable actas also have blank fields (R4: still "ilegibles"),
        # but keep the first printed field ilegible so at least one is.
        mezcla = todos[rng.random(len(todos)) < 0.25]
        blancos = (rng.random((len(mezcla), impresas.shape[1])) < 0.4) & impresas[mezcla]
        blancos[np.arange(len(mezcla)), impresas[mezcla].argmax(axis=1)] = False
        self.sin_dato[mezcla] = blancos
        self.ilegibles[mezcla] = impresas[mezcla] & ~blancos
        vacias = self.caso == _CODIGO["todos_vacios"]
        self.sin_dato[vacias] = impresas[vacias]

        self._exceder(rng, np.flatnonzero(self.caso == _CODIGO["excede"]))

    def _exceder(self, rng: np.random.Generator, filas: np.ndarray) -> None:
        """R5: the figure of the leading column gets an extra digit (or enough to exceed)."""
        if not len(filas):
            return
        c = self.geo.casilla
        limite = c["ln"][self.casilla[filas]] + c["reps"][self.casilla[filas]]
        votos = self.votos[filas]
        columna = np.where(self.impresas[filas], votos, -1).argmax(axis=1)
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

    def _identificacion(self) -> tuple[list[str], list[str], list[np.ndarray]]:
        """Per acta esperada: tipo de casilla, tipo de acta, and the arrays of entidad,
        sección, número, ext_contigua and the municipio, distrito local and distrito federal of
        one without sección (0 for the others)."""
        c = self.geo.casilla
        i = self.casilla
        mr, rp = TIPO_ACTA[self.tipo], TIPO_ACTA[self.tipo] + SUFIJO_RP
        sin_seccion = c["seccion"][i] == 0
        ambito = [np.where(sin_seccion, c[k][i], 0) for k in ("num_municipio", "dl", "df")]
        return (
            [TIPOS_CASILLA[t] for t in c["tipo"][i].tolist()],
            [rp if r else mr for r in self.rp.tolist()],
            [c["entidad"][i], c["seccion"][i], c["numero"][i], c["ext"][i], *ambito],
        )

    def actas(self) -> list[ActaSintetica]:
        """The ActaSintetica objects: esperadas in catálogo order, then fuera de catálogo."""
        tipo, tipo_acta, numeros = self._identificacion()
        entidad, seccion, numero, ext, mun, dl, df = (a.tolist() for a in numeros)
        formas = self.formas.formas
        forma = self.forma.tolist()
        votos, otras = self._cifras()
        caso, causas = self.caso.tolist(), self.causas.tolist()
        sin_acta, pendiente = _CODIGO["sin_acta"], _CODIGO["pendiente"]
        resultado = []
        for j in range(len(entidad)):
            comun = (self.tipo, entidad[j], seccion[j], tipo[j], numero[j], ext[j], tipo_acta[j])
            casilla = claves.clave_casilla(entidad[j], seccion[j], tipo[j], numero[j], ext[j])
            identificacion = claves.clave_acta(casilla, tipo_acta[j])
            if not seccion[j]:
                identificacion += claves.sufijo_ambito(mun[j] or None, dl[j] or None, df[j] or None)
            if caso[j] == sin_acta:
                registro = (Registro.SIN_ACTA, (), {}, _CAUSAS[causas[j]], identificacion)
            elif caso[j] == pendiente:
                registro = (Registro.PENDIENTE, (), {}, None, identificacion)
            else:
                registro = (Registro.CAPTURADA, votos[j], otras[j], None, identificacion)
            resultado.append(
                ActaSintetica(*comun, *registro, formas[forma[j]], mun[j], dl[j], df[j])
            )
        mr = TIPO_ACTA[self.tipo]
        for e, s, t, num in self.fuera:
            clave = claves.clave_acta(claves.clave_casilla(e, s, t, num, 0), mr)
            resultado.append(
                ActaSintetica(
                    self.tipo, e, s, t, num, 0, mr, Registro.FUERA_CATALOGO,
                    identificacion=clave, columnas=formas[0],
                )
            )  # fmt: skip
        return resultado

    def _cifras(self) -> tuple[list[tuple[Cifra, ...]], list[dict[str, Cifra]]]:
        """Vote tuples of the printed fields and `otras` dicts, with ILEGIBLE / SIN_DATO where
        injected."""
        votos: list[list[Cifra]] = _listas(self.votos)
        otras: list[list[Cifra]] = _listas(self.otras)
        for fila, columna in zip(*np.nonzero(self.ilegibles), strict=True):
            votos[fila][columna] = Lectura.ILEGIBLE
        for fila, columna in zip(*np.nonzero(self.sin_dato), strict=True):
            votos[fila][columna] = Lectura.SIN_DATO
        # An acta unreadable or blank as a whole is so in its other figures too.
        for caso, lectura in (("todos_ilegibles", Lectura.ILEGIBLE),
                              ("todos_vacios", Lectura.SIN_DATO)):  # fmt: skip
            for fila in np.flatnonzero(self.caso == _CODIGO[caso]).tolist():
                otras[fila] = [lectura] * len(CAMPOS_ACTA)
        # Each acta keeps the figures of the fields it prints, in its order.
        mascara = self.formas.mascara()
        tomar = [_tomador(np.flatnonzero(m).tolist()) for m in mascara]
        forma = self.forma.tolist()
        return (
            [tomar[f](v) for f, v in zip(forma, votos, strict=True)],
            [dict(zip(CAMPOS_ACTA, o, strict=True)) for o in otras],
        )

    def filas_esperadas(self) -> list[Fila]:
        """actas_esperadas.csv rows of this election."""
        tipo, tipo_acta, (entidad, seccion, numero, ext, *ambito) = self._identificacion()
        return list(
            zip(
                [self.tipo] * len(tipo),
                entidad.tolist(),
                _celdas(seccion),
                tipo,
                numero.tolist(),
                ext.tolist(),
                tipo_acta,
                *(_celdas(a) for a in ambito),
                strict=True,
            )
        )


def _forma_de_cada_acta(
    formas: _Formas, geo: _Geografia, casilla: np.ndarray, rp: np.ndarray
) -> np.ndarray:
    """The boleta (index into formas.formas) each acta prints: its ámbito's, or the RP acta's."""
    forma = np.zeros(len(casilla), dtype=np.int64)
    if formas.por_ambito:
        c = geo.casilla
        numero = c["num_municipio" if AMBITO_DE_BOLETA[formas.tipo] == MUNICIPIO else "dl"]
        tabla = np.zeros(max(formas.por_ambito) + 1, dtype=np.int64)
        tabla[list(formas.por_ambito)] = list(formas.por_ambito.values())
        forma = tabla[numero[casilla]]
    return np.where(rp, formas.rp, forma)


def _tomador(indices: list[int]):
    """A function that takes the items at `indices` of a list, as a tuple (fast: in C)."""
    if len(indices) == 1:
        (unico,) = indices
        return lambda fila: (fila[unico],)
    return itemgetter(*indices)


def _listas(valores: np.ndarray) -> list[list[Cifra]]:
    """`valores.tolist()`, but equal numbers share one int object: most figures exceed CPython's
    small-int cache (256), so at national scale this saves tens of MB. Lists of Cifra: the
    caller writes the injected readings into them."""
    enteros = np.arange(int(valores.max(initial=0)) + 1).astype(object)
    return enteros[valores].tolist()


def _desliz(rng: np.random.Generator, n: int, probabilidad: float) -> np.ndarray:
    """A small error (±1…3) in a share `probabilidad` of n figures, else 0."""
    error = rng.integers(1, 4, n) * rng.choice((-1, 1), n)
    return np.where(rng.random(n) < probabilidad, error, 0)


def _algunos_campos(rng: np.random.Generator, impresas: np.ndarray) -> np.ndarray:
    """A mask of 1–3 random printed vote fields per row (never all of a row's printed fields:
    R4 must not apply)."""
    filas = len(impresas)
    cuantos = np.minimum(1 + rng.binomial(2, 0.25, filas), impresas.sum(axis=1) - 1)
    # Fields not printed rank last, so they are never taken.
    azar = np.where(impresas, rng.random(impresas.shape), 2.0)
    rango = azar.argsort(axis=1).argsort(axis=1)
    return rango < cuantos[:, None]


def _votos(
    rng: np.random.Generator,
    geo: _Geografia,
    casilla: np.ndarray,
    columnas: tuple[Columna, ...],
    impresas: np.ndarray,
    votantes: np.ndarray,
) -> np.ndarray:
    """Votes per acta and column: every ballot lands in one printed field (nulos included).

    Shares: the national mean of each column, times its municipio's lean (a Dirichlet draw per
    municipio around 1, per party), times casilla-level noise, over the fields the acta prints,
    normalized per acta: where a partido does not run, its voters go to the others.
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
        p = _normalizar(media * por_municipio[municipio[bloque]] * ruido * impresas[bloque])
        votos[bloque] = rng.multinomial(votantes[bloque], p)
    return votos


def _asignar_casos(
    rng: np.random.Generator, proporciones: Proporciones, sin_r5: np.ndarray
) -> np.ndarray:
    """The case code of each acta: exactly round(share × actas) of each, at random; excede only
    where R5 applies (not on casillas especiales, A or M)."""
    n = len(sin_r5)
    caso = np.full(n, _NORMAL, dtype=np.int8)
    orden = rng.permutation(n)
    for nombre in _ORDEN_CASOS:
        cuantas = int(getattr(proporciones, nombre) * n + 0.5)
        libres = orden[caso[orden] == _NORMAL]
        if nombre == "excede":
            libres = libres[~sin_r5[libres]]
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
