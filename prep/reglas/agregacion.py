"""Totals at every level: entidad, distrito, municipio, sección, casilla (R8, R10, R11, R13,
R14, B1, B2, B4).

Actas are evaluated once, summed per casilla, and each level is the sum of the level below, so a
parent always equals the sum of its children.

Each acta comes with its `Contienda` (B1): the columns its boleta prints and the candidaturas de
coalición that run on it. A node's contenders are the union of those of its actas, a column's
total adds only the actas that print it (B2), and a coalition's candidatura adds its columns only
on the actas where the coalition runs: in a municipio where its parties run apart, their votes
are theirs alone.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from prep.reglas.acta import Acta, TipoCasilla
from prep.reglas.configuracion import CONFIGURACION_POR_OMISION, ConfiguracionReglas
from prep.reglas.evaluacion import Contabilizacion, Evaluacion, evaluar
from prep.reglas.porcentajes import participacion, porcentaje

# Casillas without sección (B4): their lista nominal counts in participación only when the
# election says so (`ConfiguracionReglas.participacion_sin_seccion`).
SIN_SECCION = frozenset({TipoCasilla.VOTO_ANTICIPADO, TipoCasilla.M})


@dataclass(frozen=True, slots=True)
class CandidaturaDeCoalicion:
    """R11 as the aggregation sees one coalition or candidatura común: the indices of every
    column whose votes are hers (her parties' own and her combinations) and of her combination
    columns, whose presence on an acta says that she runs there (B1)."""

    columnas: tuple[int, ...]
    combinaciones: tuple[int, ...]
    # For each combination, the indices of its partidos' own columns (empty: unknown, every
    # column of hers counts wherever she runs).
    partes: tuple[tuple[int, ...], ...] = ()

    def corre_en(self, impresas: int) -> bool:
        """Whether she runs on an acta printing the columns of the bit set `impresas`: where it
        prints one of her combinations (without combinations, one of her columns)."""
        return any(impresas >> i & 1 for i in self.combinaciones or self.columnas)

    def suyas_en(self, impresas: int) -> tuple[int, ...]:
        """Her columns on an acta printing the bit set `impresas`: the combinations printed
        there and the own columns of their partidos. Where a PAN-PRI-PRD coalition runs only
        as PAN-PRI, the PRD runs apart and its votes are not hers (B1)."""
        if not self.partes:
            return self.columnas
        suyas: set[int] = set()
        for combinacion, partes in zip(self.combinaciones, self.partes, strict=True):
            if impresas >> combinacion & 1:
                suyas.add(combinacion)
                suyas.update(p for p in partes if impresas >> p & 1)
        return tuple(i for i in self.columnas if i in suyas)


@dataclass(frozen=True, slots=True)
class Contienda:
    """Who runs on one acta (B1). `columnas` is a bit set: bit i when the acta prints the
    election's column i. `coaliciones`: the candidaturas de coalición that run on it, as (her
    position in the election's list, her column indices)."""

    columnas: int
    coaliciones: tuple[tuple[int, tuple[int, ...]], ...] = ()


def contienda(
    impresas: Iterable[int] | None,
    columnas: int,
    coaliciones: Sequence[CandidaturaDeCoalicion] = (),
) -> Contienda:
    """The Contienda of an acta that prints the column indices `impresas` (None: all of the
    election's `columnas`, as when the catálogo has no boletas)."""
    mascara = (1 << columnas) - 1 if impresas is None else sum(1 << i for i in set(impresas))
    return Contienda(
        mascara,
        tuple((k, c.suyas_en(mascara)) for k, c in enumerate(coaliciones) if c.corre_en(mascara)),
    )


def contiende(impresas: int, columna: int) -> bool:
    """Whether the column at index `columna` is in the bit set `impresas` (`Contienda.columnas`,
    `Totales.contienden`)."""
    return bool(impresas >> columna & 1)


class Nivel(StrEnum):
    """Aggregation levels, from the top."""

    ENTIDAD = "entidad"
    DISTRITO = "distrito"
    MUNICIPIO = "municipio"
    SECCION = "seccion"
    CASILLA = "casilla"


@dataclass(slots=True)
class Totales:
    """Acta counters and vote totals of one node (an entidad, a distrito, …).

    `contienden` is the bit set of the columns printed on at least one acta esperada of the
    node (its contenders, B1); `votos[i]` adds column i only where it was printed (B2);
    `candidaturas[k]`, the k-th coalition's candidatura (R11) only where she ran.
    `lista_nominal_sin_seccion` and `votos_sin_seccion` are the part of the contabilizadas'
    lista nominal and votes that comes from casillas without sección (B4), which participación
    leaves out when `participacion_sin_seccion` is False.
    """

    columnas: int
    coaliciones: int = 0
    participacion_sin_seccion: bool = True
    actas_esperadas: int = 0
    actas_fuera_catalogo: int = 0
    actas_capturadas: int = 0
    actas_contabilizadas: int = 0
    actas_con_inconsistencia: int = 0
    lista_nominal_actas_contabilizadas: int = 0
    total_votos_c_cs: int = 0
    total_votos_s_cs: int = 0
    lista_nominal_sin_seccion: int = 0
    votos_sin_seccion: int = 0
    contienden: int = 0
    votos: list[int] = field(default_factory=list)
    candidaturas: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.votos:
            self.votos = [0] * self.columnas
        if not self.candidaturas:
            self.candidaturas = [0] * self.coaliciones

    def nuevo(self) -> "Totales":
        """An empty node of the same election (columns, coalitions, settings)."""
        return Totales(self.columnas, self.coaliciones, self.participacion_sin_seccion)

    @property
    def actas_registradas(self) -> int:
        """R14: capturadas plus fuera de catálogo."""
        return self.actas_capturadas + self.actas_fuera_catalogo

    @property
    def actas_no_contabilizadas(self) -> int:
        """R14: capturadas that are not contabilizadas."""
        return self.actas_capturadas - self.actas_contabilizadas

    @property
    def porcentaje_actas_capturadas(self) -> Decimal:
        return porcentaje(self.actas_capturadas, self.actas_esperadas)

    @property
    def porcentaje_actas_contabilizadas(self) -> Decimal:
        return porcentaje(self.actas_contabilizadas, self.actas_esperadas)

    @property
    def porcentaje_actas_inconsistencias(self) -> Decimal:
        return porcentaje(self.actas_con_inconsistencia, self.actas_esperadas)

    def porcentaje_participacion(self, *, corte_final: bool) -> Decimal:
        """R13, applied at this node; without the casillas sin sección when the election does
        not count them (B4)."""
        votos_c_cs, votos_s_cs = self.total_votos_c_cs, self.total_votos_s_cs
        lista_nominal = self.lista_nominal_actas_contabilizadas
        if not self.participacion_sin_seccion:
            # A and M casillas are never especiales: their votes are in both totals.
            votos_c_cs -= self.votos_sin_seccion
            votos_s_cs -= self.votos_sin_seccion
            lista_nominal -= self.lista_nominal_sin_seccion
        return participacion(votos_c_cs, votos_s_cs, lista_nominal, corte_final=corte_final)

    def sumar_acta(
        self, acta: Acta, evaluacion: Evaluacion, contienda: Contienda | None = None
    ) -> None:
        """Count one evaluated acta into this node; `contienda` says what its boleta prints
        (None: every column, and no coalition's candidatura is counted)."""
        c = evaluacion.contabilizacion
        if c is Contabilizacion.FUERA_CATALOGO:
            self.actas_fuera_catalogo += 1
            return
        self.actas_esperadas += 1
        self.contienden |= (1 << self.columnas) - 1 if contienda is None else contienda.columnas
        if c is Contabilizacion.PENDIENTE:
            return
        self.actas_capturadas += 1
        if evaluacion.con_inconsistencia:
            self.actas_con_inconsistencia += 1
        if c is not Contabilizacion.CONTABILIZADA:
            return
        self.actas_contabilizadas += 1
        total = evaluacion.total_votos_calculado or 0
        self.total_votos_c_cs += total
        if acta.tipo_casilla != TipoCasilla.ESPECIAL:
            self.total_votos_s_cs += total
            self.lista_nominal_actas_contabilizadas += acta.lista_nominal
        if acta.tipo_casilla in SIN_SECCION:
            self.votos_sin_seccion += total
            self.lista_nominal_sin_seccion += acta.lista_nominal
        votos = self.votos
        cifras = acta.votos
        for i, cifra in enumerate(cifras):
            if type(cifra) is int:
                votos[i] += cifra
        if contienda is not None:
            candidaturas = self.candidaturas
            for k, indices in contienda.coaliciones:
                for i in indices:
                    cifra = cifras[i]
                    if type(cifra) is int:
                        candidaturas[k] += cifra

    def sumar(self, otro: "Totales") -> None:
        """Add another node's totals into this one."""
        self.actas_esperadas += otro.actas_esperadas
        self.actas_fuera_catalogo += otro.actas_fuera_catalogo
        self.actas_capturadas += otro.actas_capturadas
        self.actas_contabilizadas += otro.actas_contabilizadas
        self.actas_con_inconsistencia += otro.actas_con_inconsistencia
        self.lista_nominal_actas_contabilizadas += otro.lista_nominal_actas_contabilizadas
        self.total_votos_c_cs += otro.total_votos_c_cs
        self.total_votos_s_cs += otro.total_votos_s_cs
        self.lista_nominal_sin_seccion += otro.lista_nominal_sin_seccion
        self.votos_sin_seccion += otro.votos_sin_seccion
        self.contienden |= otro.contienden
        votos = self.votos
        for i, v in enumerate(otro.votos):
            votos[i] += v
        candidaturas = self.candidaturas
        for k, v in enumerate(otro.candidaturas):
            candidaturas[k] += v

    def comparable(self) -> tuple:
        """Every stored figure, for equality checks."""
        return (
            self.actas_esperadas,
            self.actas_fuera_catalogo,
            self.actas_capturadas,
            self.actas_contabilizadas,
            self.actas_con_inconsistencia,
            self.lista_nominal_actas_contabilizadas,
            self.total_votos_c_cs,
            self.total_votos_s_cs,
            self.lista_nominal_sin_seccion,
            self.votos_sin_seccion,
            self.contienden,
            tuple(self.votos),
            tuple(self.candidaturas),
        )


Clave = tuple  # a node's key: its path from the entidad, e.g. (4, 7, 12) for a sección


@dataclass(slots=True)
class Resultados:
    """Totals of one election at every level, plus each acta's evaluation."""

    columnas: int
    niveles: dict[Nivel, dict[Clave, Totales]]
    evaluaciones: dict[str, Evaluacion]
    vacio: Totales  # an empty node of the election: its columns, coalitions and settings

    @property
    def total(self) -> Totales:
        """The whole election: the sum of every entidad."""
        total = self.vacio.nuevo()
        for nodo in self.niveles[Nivel.ENTIDAD].values():
            total.sumar(nodo)
        return total


def _clave(acta: Acta, nivel: Nivel) -> Clave:
    u = acta.ubicacion
    if nivel is Nivel.ENTIDAD:
        return (u.entidad,)
    if nivel is Nivel.DISTRITO:
        return (u.entidad, u.distrito)
    if nivel is Nivel.MUNICIPIO:
        return (u.entidad, u.municipio)
    if nivel is Nivel.SECCION:
        return (u.entidad, u.distrito, u.municipio, u.seccion)
    return (u.entidad, u.distrito, u.municipio, u.seccion, u.casilla)


def agregar(
    actas: Iterable[Acta],
    columnas: int,
    config: ConfiguracionReglas = CONFIGURACION_POR_OMISION,
    coaliciones: Sequence[CandidaturaDeCoalicion] = (),
) -> Resultados:
    """`agregar_por_boleta` of actas that print every column of their election."""
    todas = contienda(None, columnas, coaliciones)
    return agregar_por_boleta(((a, todas) for a in actas), columnas, config, coaliciones)


def agregar_por_boleta(
    actas: Iterable[tuple[Acta, Contienda]],
    columnas: int,
    config: ConfiguracionReglas = CONFIGURACION_POR_OMISION,
    coaliciones: Sequence[CandidaturaDeCoalicion] = (),
) -> Resultados:
    """Evaluate every acta and sum it at every level (R10: only contabilizadas add votes), each
    with what its boleta prints (B1, B2; `coaliciones`: the election's, in the order of
    `Totales.candidaturas`).

    Fuera de catálogo actas count only where their geography is known: they are placed under a
    node whose unknown parts are None; so do casillas without sección (B4): a voto anticipado
    acta under its municipio or distrito, a VMRE one under its entidad only.
    """
    vacio = Totales(columnas, len(coaliciones), config.participacion_sin_seccion)
    casillas: dict[Clave, Totales] = {}
    evaluaciones: dict[str, Evaluacion] = {}
    for acta, de_la_boleta in actas:
        evaluacion = evaluar(acta, config)
        if acta.clave in evaluaciones:
            raise ValueError(f"acta repetida: {acta.clave}")
        evaluaciones[acta.clave] = evaluacion
        clave = _clave(acta, Nivel.CASILLA)
        nodo = casillas.get(clave)
        if nodo is None:
            nodo = casillas[clave] = vacio.nuevo()
        nodo.sumar_acta(acta, evaluacion, de_la_boleta)

    secciones = _subir(casillas, lambda c: c[:4], vacio)
    distritos = _subir(secciones, lambda s: (s[0], s[1]), vacio)
    municipios = _subir(secciones, lambda s: (s[0], s[2]), vacio)
    entidades = _subir(distritos, lambda d: (d[0],), vacio)
    return Resultados(
        columnas,
        {
            Nivel.ENTIDAD: entidades,
            Nivel.DISTRITO: distritos,
            Nivel.MUNICIPIO: municipios,
            Nivel.SECCION: secciones,
            Nivel.CASILLA: casillas,
        },
        evaluaciones,
        vacio,
    )


def _subir(
    hijos: dict[Clave, Totales], padre: Callable[[Clave], Clave], vacio: Totales
) -> dict[Clave, Totales]:
    padres: dict[Clave, Totales] = {}
    for clave in sorted(hijos, key=orden_clave):
        destino = padres.get(padre(clave))
        if destino is None:
            destino = padres[padre(clave)] = vacio.nuevo()
        destino.sumar(hijos[clave])
    return padres


def orden_clave(clave: Clave) -> tuple:
    """A node key's sort key: None (a level that does not apply or is unknown) after every
    real number."""
    return tuple((x is None, x if x is not None else 0) for x in clave)
