"""Writes a results database in the INE layout (Anexo 18.5; docs/publicacion.md, «Un corte en
disco»): header block + one row per acta. Pure Python; the same state always gives the same
bytes (R16)."""

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TextIO

from prep.publicacion.base_ine.columnas import (
    CIERRE,
    ENCABEZADO,
    ILEGIBLE,
    NO_CAPTURADO,
    SIN_DATO,
)
from prep.reglas.acta import Acta, Registro
from prep.reglas.agregacion import Contienda, Totales, contiende
from prep.reglas.cifras import Cifra, Lectura
from prep.reglas.evaluacion import Evaluacion
from prep.reglas.porcentajes import formatear

# Captured figures between the identification and the vote fields, in INE order.
CAMPOS_PREVIOS = (
    "TOTAL_BOLETAS_SOBRANTES",
    "TOTAL_PERSONAS_VOTARON",
    "TOTAL_REP_PARTIDO_CI_VOTARON",
    "TOTAL_VOTOS_SACADOS",
)


@dataclass(frozen=True, slots=True)
class FilaActa:
    """One acta's row: identification cells as published, the acta, what its boleta prints
    (None: every column), and its metadata."""

    identificacion: Sequence[str]
    acta: Acta
    contienda: Contienda | None = None
    otras: Mapping[str, Cifra] = field(default_factory=dict)
    mecanismo_traslado: str = ""
    codigo_integridad: str = ""
    fecha_hora_acopio: str = ""
    fecha_hora_captura: str = ""
    fecha_hora_verificacion: str = ""
    origen: str = ""
    digitalizacion: str = ""
    tipo_documento: str = ""
    cotejada: bool = False


def celda(cifra: Cifra | None, no_aplica: str = NO_CAPTURADO) -> str:
    """A figure as published: the number, `Ilegible`, `Sin dato`, `-` when not captured, or
    the election's `no_aplica` marker when not printed on the acta (B2)."""
    if cifra is None:
        return NO_CAPTURADO
    if cifra is Lectura.NO_APLICA:
        return no_aplica
    if cifra is Lectura.ILEGIBLE:
        return ILEGIBLE
    if cifra is Lectura.SIN_DATO:
        return SIN_DATO
    return str(cifra)


def desfase(momento: datetime) -> str:
    """The UTC offset of an aware datetime as published: `UTC-6`, `UTC+5:30`."""
    diferencia = momento.utcoffset()
    if diferencia is None:
        raise ValueError("la hora debe llevar zona horaria")
    minutos = int(diferencia.total_seconds() // 60)
    signo = "+" if minutos >= 0 else "-"
    horas, resto = divmod(abs(minutos), 60)
    return f"UTC{signo}{horas}" + (f":{resto:02d}" if resto else "")


def linea_corte(corte: datetime) -> str:
    """Line 2: the corte's local date and time with its UTC offset: `03/06/2024 20:00 (UTC-6)`."""
    return f"{corte:%d/%m/%Y %H:%M} ({desfase(corte)})"


def valores_encabezado(totales: Totales, *, corte_final: bool) -> tuple[str, ...]:
    """Line 5: the 13 summary values (R12–R14)."""
    t = totales
    return (
        str(t.actas_esperadas),
        str(t.actas_registradas),
        str(t.actas_fuera_catalogo),
        str(t.actas_capturadas),
        formatear(t.porcentaje_actas_capturadas),
        str(t.actas_contabilizadas),
        formatear(t.porcentaje_actas_contabilizadas),
        formatear(t.porcentaje_actas_inconsistencias),
        str(t.actas_no_contabilizadas),
        str(t.lista_nominal_actas_contabilizadas),
        str(t.total_votos_c_cs),
        str(t.total_votos_s_cs),
        formatear(t.porcentaje_participacion(corte_final=corte_final)),
    )


def escribir_base(
    destino: TextIO,
    *,
    nombre_eleccion: str,
    corte: datetime,
    totales: Totales,
    corte_final: bool,
    columnas_identificacion: Sequence[str],
    columnas_voto: Sequence[str],
    filas: Iterable[FilaActa],
    evaluaciones: Mapping[str, Evaluacion],
    no_aplica: str = NO_CAPTURADO,
) -> int:
    """Write the whole file; return the number of data rows written. `no_aplica` is the marker
    of the cells of columns a row's acta does not print (B2: `-` or `N/A`)."""
    escritor = csv.writer(destino, lineterminator="\n")
    escritor.writerow([nombre_eleccion.upper()])
    escritor.writerow([linea_corte(corte)])
    escritor.writerow([])
    escritor.writerow(ENCABEZADO)
    escritor.writerow(valores_encabezado(totales, corte_final=corte_final))
    escritor.writerow([])
    escritor.writerow(columnas_fila(columnas_identificacion, columnas_voto))
    escritas = 0
    n_votos = len(columnas_voto)
    for fila in filas:
        escritor.writerow(valores_fila(fila, evaluaciones[fila.acta.clave], n_votos, no_aplica))
        escritas += 1
    return escritas


def columnas_fila(
    columnas_identificacion: Sequence[str], columnas_voto: Sequence[str]
) -> list[str]:
    """Line 7: the names of a row's columns."""
    return [*columnas_identificacion, *CAMPOS_PREVIOS, *columnas_voto, *CIERRE]


def valores_fila(
    fila: FilaActa, evaluacion: Evaluacion, n_votos: int, no_aplica: str = NO_CAPTURADO
) -> list[str]:
    """One acta's row, as published (the site's JSON carries these same strings): `no_aplica`
    in the cells of the columns its acta does not print, whether captured or not."""
    acta = fila.acta
    capturada = acta.registro is Registro.CAPTURADA
    if capturada:
        previos = [celda(fila.otras.get(c, Lectura.SIN_DATO)) for c in CAMPOS_PREVIOS]
        votos = [celda(c, no_aplica) for c in acta.votos]
        asentado = celda(fila.otras.get("TOTAL_VOTOS_ASENTADO", Lectura.SIN_DATO))
    else:
        previos = [NO_CAPTURADO] * len(CAMPOS_PREVIOS)
        impresas = None if fila.contienda is None else fila.contienda.columnas
        votos = [
            NO_CAPTURADO if impresas is None or contiende(impresas, i) else no_aplica
            for i in range(n_votos)
        ]
        asentado = NO_CAPTURADO
    calculado = evaluacion.total_votos_calculado
    fuera = acta.registro is Registro.FUERA_CATALOGO
    return [
        *fila.identificacion,
        *previos,
        *votos,
        asentado,
        NO_CAPTURADO if calculado is None else str(calculado),
        NO_CAPTURADO if fuera else str(acta.lista_nominal),
        NO_CAPTURADO if fuera else str(acta.representantes_pp_ci),
        evaluacion.texto_observaciones,
        evaluacion.contabilizacion.value,
        fila.mecanismo_traslado,
        fila.codigo_integridad or NO_CAPTURADO,
        fila.fecha_hora_acopio or NO_CAPTURADO,
        fila.fecha_hora_captura or NO_CAPTURADO,
        fila.fecha_hora_verificacion or NO_CAPTURADO,
        fila.origen or NO_CAPTURADO,
        fila.digitalizacion or NO_CAPTURADO,
        fila.tipo_documento or NO_CAPTURADO,
        "1" if fila.cotejada else "0",
    ]
