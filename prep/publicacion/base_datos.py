"""Builds each election's results database (INE layout) and a JSON summary from the database
state: reads the catálogo and the actas, evaluates the rules, aggregates and writes."""

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from prep.actas.lectura import acta_para_reglas, otras_de
from prep.actas.models import Acta as RegistroActa
from prep.catalogo.claves import clave_acta, clave_casilla
from prep.catalogo.consultas import columnas_de
from prep.catalogo.elecciones import es_federal
from prep.catalogo.models import ActaEsperada, Eleccion
from prep.publicacion.base_ine.columnas import (
    FORMATO_FECHA_HORA,
    IDENTIFICACION,
    NO_CAPTURADO,
)
from prep.publicacion.base_ine.escritura import FilaActa, escribir_base
from prep.reglas.acta import Acta, Registro, Ubicacion
from prep.reglas.agregacion import Resultados, agregar

# Which geography each kind of election publishes beside the entidad.
_GEOGRAFIA = {
    Eleccion.Tipo.PRESIDENCIA: ("ID_DISTRITO_FEDERAL", "DISTRITO_FEDERAL"),
    Eleccion.Tipo.SENADURIA: ("ID_DISTRITO_FEDERAL", "DISTRITO_FEDERAL"),
    Eleccion.Tipo.DIPUTACION_FEDERAL: ("ID_DISTRITO_FEDERAL", "DISTRITO_FEDERAL"),
    Eleccion.Tipo.GUBERNATURA: ("ID_DISTRITO_LOCAL", "DISTRITO_LOCAL"),
    Eleccion.Tipo.DIPUTACION_LOCAL: ("ID_DISTRITO_LOCAL", "DISTRITO_LOCAL"),
    Eleccion.Tipo.AYUNTAMIENTO: ("ID_MUNICIPIO", "MUNICIPIO"),
}
_GEOGRAFICAS = frozenset(c for par in _GEOGRAFIA.values() for c in par)


def columnas_identificacion(eleccion: Eleccion) -> tuple[str, ...]:
    """The identification columns of an election's database: INE order, with the geography
    the election publishes beside the entidad."""
    propias = _GEOGRAFIA[Eleccion.Tipo(eleccion.tipo)]
    hasta = IDENTIFICACION.index("TIPO_ACTA") + 1
    return tuple(c for c in IDENTIFICACION[:hasta] if c not in _GEOGRAFICAS or c in propias)


def _fecha(momento: datetime | None, zona: ZoneInfo) -> str:
    return momento.astimezone(zona).strftime(FORMATO_FECHA_HORA) if momento else ""


def filas_de(eleccion: Eleccion, columnas: list[str], zona: ZoneInfo) -> Iterator[FilaActa]:
    """Every acta of the election as a database row: catálogo order, then fuera de catálogo."""
    federal = es_federal(eleccion.tipo)
    distrito = (
        "casilla__seccion__distrito_federal" if federal else "casilla__seccion__distrito_local"
    )
    municipal = eleccion.tipo == Eleccion.Tipo.AYUNTAMIENTO
    campos = (
        "tipo_acta",
        "casilla__tipo",
        "casilla__numero",
        "casilla__ext_contigua",
        "casilla__lista_nominal",
        "casilla__representantes_pp_ci",
        "casilla__ubicacion",
        "casilla__mecanismo_traslado",
        "casilla__seccion__numero",
        "casilla__seccion__entidad__clave",
        "casilla__seccion__entidad__nombre",
        f"{distrito}__numero",
        f"{distrito}__cabecera",
        "casilla__seccion__municipio__numero",
        "casilla__seccion__municipio__nombre",
        "acta__estado",
        "acta__cifras",
        "acta__causa_sin_acta",
        "acta__codigo_integridad",
        "acta__fecha_hora_acopio",
        "acta__fecha_hora_captura",
        "acta__fecha_hora_verificacion",
        "acta__origen",
        "acta__digitalizacion",
        "acta__tipo_documento",
        "acta__cotejada",
    )
    consulta = (
        ActaEsperada.objects.filter(eleccion=eleccion)
        .order_by(
            "casilla__seccion__entidad__clave",
            f"{distrito}__numero",
            "casilla__seccion__numero",
            "casilla__tipo",
            "casilla__numero",
            "casilla__ext_contigua",
            "tipo_acta",
        )
        .values_list(*campos)
    )
    for fila in consulta.iterator(chunk_size=5000):
        (
            tipo_acta,
            tipo,
            numero,
            ext,
            ln,
            rep,
            ubicacion,
            traslado,
            seccion,
            ent,
            ent_nombre,
            dist,
            dist_nombre,
            mun,
            mun_nombre,
            estado,
            cifras,
            causa,
            sha,
            acopio,
            captura,
            verificacion,
            origen,
            digitalizacion,
            documento,
            cotejada,
        ) = fila
        clave = clave_casilla(ent, seccion, tipo, numero, ext)
        clave_de_acta = clave_acta(clave, tipo_acta)
        geografia = (
            (str(mun), mun_nombre) if municipal else (f"{dist:03d}", f"{dist:03d}. {dist_nombre}")
        )
        lugar = Ubicacion(ent, None if municipal else dist, mun, seccion, clave)
        acta = acta_para_reglas(
            clave_de_acta, estado, cifras, columnas, tipo, ln, rep, causa, lugar
        )
        yield FilaActa(
            identificacion=(
                f"'{clave}'",
                f"'{clave_de_acta}'",
                f"{ent:02d}",
                ent_nombre,
                *geografia,
                f"{seccion:04d}",
                f"{numero:02d}",
                tipo,
                f"{ext:02d}",
                str(ubicacion),
                tipo_acta,
            ),
            acta=acta,
            otras=otras_de(cifras),
            mecanismo_traslado=traslado,
            codigo_integridad=sha or "",
            fecha_hora_acopio=_fecha(acopio, zona),
            fecha_hora_captura=_fecha(captura, zona),
            fecha_hora_verificacion=_fecha(verificacion, zona),
            origen=origen or "",
            digitalizacion=digitalizacion or "",
            tipo_documento=documento if acta.registro is Registro.CAPTURADA else "",
            cotejada=bool(cotejada),
        )
    yield from _fuera_de_catalogo(eleccion, zona)


def _fuera_de_catalogo(eleccion: Eleccion, zona: ZoneInfo) -> Iterator[FilaActa]:
    fuera = RegistroActa.objects.filter(eleccion=eleccion, acta_esperada__isnull=True).order_by(
        "id"
    )
    entidad = eleccion.actas_esperadas.values_list(
        "casilla__seccion__entidad__clave", "casilla__seccion__entidad__nombre"
    ).first()
    ent, nombre = entidad if entidad else (None, NO_CAPTURADO)
    for n, registro in enumerate(fuera, start=1):
        yield FilaActa(
            identificacion=(
                NO_CAPTURADO,
                NO_CAPTURADO,
                f"{ent:02d}" if ent else NO_CAPTURADO,
                nombre,
                *[NO_CAPTURADO] * 8,
            ),
            acta=Acta(
                clave=f"FUERA-{n:06d}",
                registro=Registro.FUERA_CATALOGO,
                ubicacion=Ubicacion(ent),
            ),
            codigo_integridad=registro.codigo_integridad,
            fecha_hora_acopio=_fecha(registro.fecha_hora_acopio, zona),
            origen=registro.origen,
            digitalizacion=registro.digitalizacion,
        )


@dataclass(frozen=True)
class EleccionCalculada:
    """One election at the instant of a corte: its rows (catálogo order, then fuera de
    catálogo) and its totals at every level."""

    eleccion: Eleccion
    columnas: list[str]
    filas: list[FilaActa]
    resultados: Resultados
    zona: ZoneInfo


Leida = tuple[Eleccion, list[str], list[FilaActa], ZoneInfo]


def leer() -> list[Leida]:
    """Every election with its vote columns and its rows.

    Run it inside one transaction with a stable snapshot so all elections show the same instant.
    """
    leidas = []
    for eleccion in Eleccion.objects.select_related("proceso").order_by("orden", "tipo"):
        zona = ZoneInfo(eleccion.proceso.zona_horaria)
        columnas = columnas_de(eleccion)
        leidas.append((eleccion, columnas, list(filas_de(eleccion, columnas, zona)), zona))
    return leidas


def calcular(leidas: list[Leida]) -> list[EleccionCalculada]:
    """Evaluate and aggregate what `leer` read (pure computation: no database)."""
    return [
        EleccionCalculada(
            eleccion,
            columnas,
            filas,
            agregar((f.acta for f in filas), len(columnas), eleccion.configuracion),
            zona,
        )
        for eleccion, columnas, filas, zona in leidas
    ]


def todas_registradas(calculadas: list[EleccionCalculada]) -> bool:
    """R13 and RE 353: every acta esperada of every election is registrada."""
    return all(
        c.resultados.total.actas_capturadas == c.resultados.total.actas_esperadas
        for c in calculadas
    )


def nombre_base(eleccion: Eleccion) -> str:
    """`GOB_2027.csv`: the database file of an election."""
    return f"{eleccion.tipo}_{eleccion.proceso.anio}.csv"


def texto_base(calculada: EleccionCalculada, corte: datetime, corte_final: bool) -> bytes:
    """The election's database in the INE layout (UTF-8 with BOM), as bytes."""
    destino = io.StringIO()
    escribir_base(
        destino,
        nombre_eleccion=calculada.eleccion.nombre,
        corte=corte.astimezone(calculada.zona),
        totales=calculada.resultados.total,
        corte_final=corte_final,
        columnas_identificacion=columnas_identificacion(calculada.eleccion),
        columnas_voto=calculada.columnas,
        filas=calculada.filas,
        evaluaciones=calculada.resultados.evaluaciones,
    )
    return destino.getvalue().encode("utf-8-sig")
