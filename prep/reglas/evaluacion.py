"""Contabilizada, observaciones and total of one acta (R2–R9)."""

from dataclasses import dataclass
from enum import StrEnum

from prep.reglas.acta import SIN_LISTA_NOMINAL, Acta, Registro, TipoCasilla
from prep.reglas.cifras import Lectura, valor
from prep.reglas.configuracion import (
    CONFIGURACION_POR_OMISION,
    ConfiguracionReglas,
    Inconsistencias,
    Representantes,
)


class Contabilizacion(StrEnum):
    """The CONTABILIZADA column."""

    CONTABILIZADA = "1"
    NO_CONTABILIZADA = "0"
    FUERA_CATALOGO = "2"  # R7, INE 2024 convention
    PENDIENTE = "-"  # not yet captured


class Observacion(StrEnum):
    """OBSERVACIONES labels, as INE publishes them."""

    EXCEDE_LISTA_NOMINAL = "Excede Lista Nominal"
    ILEGIBLE = "Ilegible"
    SIN_DATO = "Sin dato"
    TODOS_ILEGIBLES = "Todos los campos ilegibles"
    TODOS_VACIOS = "Todos los campos vacíos"
    SIN_ACTA_PAQUETE_NO_ENTREGADO = "Sin Acta por paquete no entregado"
    SIN_ACTA_CASILLA_NO_INSTALADA = "Sin Acta por casilla no instalada"
    SIN_ACTA_PAQUETE_SIN_SOBRE = "Sin Acta por paquete entregado sin sobre"
    SIN_ACTA_CONTINGENCIA_URNA = "Sin Acta por contingencia en urna electrónica"
    FUERA_CATALOGO = "Fuera de catálogo"


# Inconsistencies that make an acta no contabilizada (R4, R5).
_INCONSISTENCIAS_GRAVES = frozenset(
    {Observacion.EXCEDE_LISTA_NOMINAL, Observacion.TODOS_ILEGIBLES, Observacion.TODOS_VACIOS}
)
_INCONSISTENCIAS_TODAS = _INCONSISTENCIAS_GRAVES | {Observacion.ILEGIBLE, Observacion.SIN_DATO}


@dataclass(frozen=True, slots=True)
class Evaluacion:
    """The rule engine's verdict on one acta."""

    contabilizacion: Contabilizacion
    observaciones: tuple[Observacion, ...] = ()
    total_votos_calculado: int | None = None
    con_inconsistencia: bool = False

    @property
    def contabilizada(self) -> bool:
        """True when the acta's figures enter the totals."""
        return self.contabilizacion is Contabilizacion.CONTABILIZADA

    @property
    def texto_observaciones(self) -> str:
        """OBSERVACIONES as published: comma-joined labels, or `-`."""
        return ", ".join(self.observaciones) if self.observaciones else "-"


PENDIENTE = Evaluacion(Contabilizacion.PENDIENTE)
FUERA_CATALOGO = Evaluacion(Contabilizacion.FUERA_CATALOGO, (Observacion.FUERA_CATALOGO,))


def total_votos_calculado(acta: Acta) -> int:
    """R9: the sum of the vote fields printed on the acta; ILEGIBLE and SIN_DATO count as 0."""
    return sum(valor(c) for c in acta.votos)


def excede_lista_nominal(
    acta: Acta, total: int, config: ConfiguracionReglas = CONFIGURACION_POR_OMISION
) -> bool:
    """R5: the acta's total exceeds the lista nominal plus the representantes (strictly)."""
    if acta.tipo_casilla in SIN_LISTA_NOMINAL and not (
        config.excede_en_especiales and acta.tipo_casilla == TipoCasilla.ESPECIAL
    ):
        return False
    if config.representantes is Representantes.CATALOGO:
        representantes = acta.representantes_pp_ci
    else:
        representantes = valor(acta.rep_votaron)
    return total > acta.lista_nominal + representantes


def evaluar(acta: Acta, config: ConfiguracionReglas = CONFIGURACION_POR_OMISION) -> Evaluacion:
    """Apply R2–R9 to one acta."""
    if acta.registro is Registro.PENDIENTE:
        return PENDIENTE
    if acta.registro is Registro.FUERA_CATALOGO:
        return FUERA_CATALOGO
    if acta.registro is Registro.SIN_ACTA:
        if acta.causa_sin_acta is None:
            raise ValueError(f"acta {acta.clave}: Sin Acta sin causa")
        # R6: registrada and capturada but no contabilizada; not an inconsistency.
        return Evaluacion(
            Contabilizacion.NO_CONTABILIZADA, (Observacion(acta.causa_sin_acta.value),)
        )

    total = 0
    ilegibles = sin_dato = numeros = 0
    for cifra in acta.votos:
        if cifra is Lectura.NO_APLICA:
            continue  # B2: not on this acta's boleta, so outside R3, R4 and R9
        if cifra is Lectura.ILEGIBLE:
            ilegibles += 1
        elif cifra is Lectura.SIN_DATO:
            sin_dato += 1
        else:
            numeros += 1
            total += cifra

    if acta.votos and numeros == ilegibles == sin_dato == 0:
        raise ValueError(f"acta {acta.clave}: ningún campo de votos está impreso en el acta")
    if numeros == 0:
        # R4: a single legitimate number (even 0) would have kept the acta.
        etiqueta = Observacion.TODOS_ILEGIBLES if ilegibles else Observacion.TODOS_VACIOS
        return Evaluacion(Contabilizacion.NO_CONTABILIZADA, (etiqueta,), total, True)

    observaciones: list[Observacion] = []
    excede = excede_lista_nominal(acta, total, config)
    if excede:
        observaciones.append(Observacion.EXCEDE_LISTA_NOMINAL)
    if ilegibles:
        observaciones.append(Observacion.ILEGIBLE)
    if sin_dato:
        observaciones.append(Observacion.SIN_DATO)
    contabilizacion = Contabilizacion.NO_CONTABILIZADA if excede else Contabilizacion.CONTABILIZADA
    relevantes = (
        _INCONSISTENCIAS_TODAS
        if config.inconsistencias is Inconsistencias.TODAS
        else _INCONSISTENCIAS_GRAVES
    )
    inconsistente = any(o in relevantes for o in observaciones)
    return Evaluacion(contabilizacion, tuple(observaciones), total, inconsistente)
