"""Totals at every level: entidad, distrito, municipio, sección, casilla (R8, R10, R13, R14).

Actas are evaluated once, summed per casilla, and each level is the sum of the level below, so a
parent always equals the sum of its children.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from prep.reglas.acta import Acta, TipoCasilla
from prep.reglas.configuracion import CONFIGURACION_POR_OMISION, ConfiguracionReglas
from prep.reglas.evaluacion import Contabilizacion, Evaluacion, evaluar
from prep.reglas.porcentajes import participacion, porcentaje


class Nivel(StrEnum):
    """Aggregation levels, from the top."""

    ENTIDAD = "entidad"
    DISTRITO = "distrito"
    MUNICIPIO = "municipio"
    SECCION = "seccion"
    CASILLA = "casilla"


@dataclass(slots=True)
class Totales:
    """Acta counters and vote totals of one node (an entidad, a distrito, …)."""

    columnas: int
    actas_esperadas: int = 0
    actas_fuera_catalogo: int = 0
    actas_capturadas: int = 0
    actas_contabilizadas: int = 0
    actas_con_inconsistencia: int = 0
    lista_nominal_actas_contabilizadas: int = 0
    total_votos_c_cs: int = 0
    total_votos_s_cs: int = 0
    votos: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.votos:
            self.votos = [0] * self.columnas

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
        """R13, applied at this node."""
        return participacion(
            self.total_votos_c_cs,
            self.total_votos_s_cs,
            self.lista_nominal_actas_contabilizadas,
            corte_final=corte_final,
        )

    def sumar_acta(self, acta: Acta, evaluacion: Evaluacion) -> None:
        """Count one evaluated acta into this node."""
        c = evaluacion.contabilizacion
        if c is Contabilizacion.FUERA_CATALOGO:
            self.actas_fuera_catalogo += 1
            return
        self.actas_esperadas += 1
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
        votos = self.votos
        for i, cifra in enumerate(acta.votos):
            if type(cifra) is int:
                votos[i] += cifra

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
        votos = self.votos
        for i, v in enumerate(otro.votos):
            votos[i] += v

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
            tuple(self.votos),
        )


Clave = tuple  # a node's key: its path from the entidad, e.g. (4, 7, 12) for a sección


@dataclass(slots=True)
class Resultados:
    """Totals of one election at every level, plus each acta's evaluation."""

    columnas: int
    niveles: dict[Nivel, dict[Clave, Totales]]
    evaluaciones: dict[str, Evaluacion]

    @property
    def total(self) -> Totales:
        """The whole election: the sum of every entidad."""
        total = Totales(self.columnas)
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
) -> Resultados:
    """Evaluate every acta and sum it at every level (R10: only contabilizadas add votes).

    Fuera de catálogo actas count only where their geography is known: they are placed under a
    node whose unknown parts are None.
    """
    casillas: dict[Clave, Totales] = {}
    evaluaciones: dict[str, Evaluacion] = {}
    for acta in actas:
        evaluacion = evaluar(acta, config)
        if acta.clave in evaluaciones:
            raise ValueError(f"acta repetida: {acta.clave}")
        evaluaciones[acta.clave] = evaluacion
        clave = _clave(acta, Nivel.CASILLA)
        nodo = casillas.get(clave)
        if nodo is None:
            nodo = casillas[clave] = Totales(columnas)
        nodo.sumar_acta(acta, evaluacion)

    secciones = _subir(casillas, lambda c: c[:4], columnas)
    distritos = _subir(secciones, lambda s: (s[0], s[1]), columnas)
    municipios = _subir(secciones, lambda s: (s[0], s[2]), columnas)
    entidades = _subir(distritos, lambda d: (d[0],), columnas)
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
    )


def _subir(hijos: dict[Clave, Totales], padre, columnas: int) -> dict[Clave, Totales]:
    padres: dict[Clave, Totales] = {}
    for clave in sorted(hijos, key=_orden):
        destino = padres.get(padre(clave))
        if destino is None:
            destino = padres[padre(clave)] = Totales(columnas)
        destino.sumar(hijos[clave])
    return padres


def _orden(clave: Clave) -> tuple:
    # None (unknown geography) sorts after every real key.
    return tuple((x is None, x if x is not None else 0) for x in clave)
