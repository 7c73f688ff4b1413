"""Builds each election's results database (INE layout) and a JSON summary from the database
state: reads the catálogo and the actas, evaluates the rules, aggregates and writes."""

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import F

from prep.actas.lectura import acta_para_reglas, otras_de
from prep.actas.models import Acta as RegistroActa
from prep.catalogo.boletas import Candidatos
from prep.catalogo.claves import clave_acta, clave_casilla, sufijo_ambito
from prep.catalogo.consultas import boletas_de, columnas_de
from prep.catalogo.elecciones import es_federal
from prep.catalogo.models import ActaEsperada, ColumnaVoto, Eleccion
from prep.publicacion.base_ine.columnas import (
    FORMATO_FECHA_HORA,
    IDENTIFICACION,
    NO_APLICA,
    NO_CAPTURADO,
)
from prep.publicacion.base_ine.escritura import FilaActa, escribir_base
from prep.reglas.acta import Acta, Registro, Ubicacion
from prep.reglas.agregacion import (
    CandidaturaDeCoalicion,
    Contienda,
    Resultados,
    agregar_por_boleta,
    contienda,
)

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


@dataclass(frozen=True)
class CoalicionPublicada:
    """R11: a coalition or candidatura común of an election as the corte publishes it: its
    name and kind, the columns whose votes are hers (her parties' own columns, then her
    combinations in acta order) and, among them, her combination columns (where one is printed,
    she runs: B1)."""

    nombre: str
    tipo: str
    columnas: tuple[str, ...]
    combinaciones: tuple[str, ...]
    # For each combination, its partidos' own columns: where only some of her partidos run
    # together (PAN-PRI of a PAN-PRI-PRD coalition), the others' votes are not hers.
    partes: tuple[tuple[str, ...], ...] = ()


def coaliciones_de(eleccion: Eleccion) -> list[CoalicionPublicada]:
    """The election's coalitions and candidaturas comunes, by name (the order of every
    `candidaturas` list the corte publishes)."""
    propias = {
        p.pk: c.clave
        for c in eleccion.columnas.filter(tipo=ColumnaVoto.Tipo.PARTIDO).prefetch_related(
            "partidos"
        )
        for p in c.partidos.all()
    }
    coaliciones = []
    for coalicion in eleccion.coaliciones.order_by("nombre").prefetch_related(
        "partidos", "columnas__partidos"
    ):
        suyas = sorted(
            (c for c in coalicion.columnas.all() if c.tipo == ColumnaVoto.Tipo.COMBINACION),
            key=lambda c: c.orden,
        )
        combinaciones = tuple(c.clave for c in suyas)
        partes = tuple(
            tuple(propias[p.pk] for p in c.partidos.all() if p.pk in propias) for c in suyas
        )
        partidos = tuple(propias[p.pk] for p in coalicion.partidos.all() if p.pk in propias)
        coaliciones.append(
            CoalicionPublicada(
                coalicion.nombre, coalicion.tipo, partidos + combinaciones, combinaciones, partes
            )
        )
    return coaliciones


def candidatos_de(eleccion: Eleccion) -> Candidatos:
    """Who runs under each column in each ámbito of the election (B1, `candidaturas.csv`)."""
    candidatos: Candidatos = {}
    for ambito, entidad, numero, columna, nombre in eleccion.candidaturas.values_list(
        "ambito", "entidad__clave", "numero", "columna__clave", "nombre"
    ):
        candidatos.setdefault((ambito, entidad, numero), {})[columna] = nombre
    return candidatos


def para_agregar(
    coaliciones: list[CoalicionPublicada], columnas: list[str]
) -> list[CandidaturaDeCoalicion]:
    """The coalitions as the aggregation counts them: by column index."""
    indice = {c: i for i, c in enumerate(columnas)}
    return [
        CandidaturaDeCoalicion(
            tuple(indice[c] for c in k.columnas),
            tuple(indice[c] for c in k.combinaciones),
            tuple(tuple(indice[c] for c in parte) for parte in k.partes),
        )
        for k in coaliciones
    ]


def _geografia(numero: int | None, nombre: str) -> tuple[str, str]:
    return (NO_APLICA, NO_APLICA) if numero is None else (f"{numero:03d}", nombre)


def filas_de(
    eleccion: Eleccion,
    columnas: list[str],
    zona: ZoneInfo,
    coaliciones: list[CandidaturaDeCoalicion] | None = None,
) -> Iterator[FilaActa]:
    """Every acta of the election as a database row: catálogo order, then fuera de catálogo.

    Each row carries what its acta's boleta prints (B1; `coaliciones`: the election's, to tell
    which of them run on it), found with one dictionary lookup per acta. A casilla without
    sección (B4) publishes the shared CLAVE_CASILLA/CLAVE_ACTA and `N/A` in the geography that
    does not apply, while the rules and the nodes know it by its own unique key.
    """
    coaliciones = coaliciones or []
    federal = es_federal(eleccion.tipo)
    distrito = "casilla__distrito_federal" if federal else "casilla__distrito_local"
    municipal = eleccion.tipo == Eleccion.Tipo.AYUNTAMIENTO
    boletas = boletas_de(eleccion)
    indice = {c: i for i, c in enumerate(columnas)}
    todas = contienda(None, len(columnas), coaliciones)
    # (tipo de acta, entidad, distrito, municipio) → (printed fields or None for all, Contienda)
    de_boleta: dict[tuple, tuple[frozenset[str] | None, Contienda]] = {}
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
        "casilla__entidad__clave",
        "casilla__entidad__nombre",
        f"{distrito}__numero",
        f"{distrito}__cabecera",
        "casilla__municipio__numero",
        "casilla__municipio__nombre",
        "casilla__distrito_local__numero",
        "casilla__distrito_federal__numero",
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
    # Casillas without sección have no sección and maybe no distrito or municipio: each goes
    # after the secciones of its distrito (of its entidad when it has none), by ámbito.
    consulta = (
        ActaEsperada.objects.filter(eleccion=eleccion)
        .order_by(
            "casilla__entidad__clave",
            F(f"{distrito}__numero").asc(nulls_last=True),
            F("casilla__seccion__numero").asc(nulls_last=True),
            F("casilla__municipio__numero").asc(nulls_last=True),
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
            dist_local,
            dist_federal,
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
        clave = clave_casilla(ent, seccion or 0, tipo, numero, ext)
        clave_de_acta = clave_acta(clave, tipo_acta)
        if seccion is None:
            sufijo = sufijo_ambito(mun, dist_local, dist_federal)
            seccion_id = casilla_id = NO_APLICA
        else:
            sufijo = ""
            seccion_id, casilla_id = f"{seccion:04d}", f"{numero:02d}"
        if municipal:
            geografia = (NO_APLICA, NO_APLICA) if mun is None else (str(mun), mun_nombre)
        else:
            geografia = _geografia(dist, f"{dist:03d}. {dist_nombre}" if dist else "")
        boleta = (tipo_acta, ent, dist, mun)
        conocida = de_boleta.get(boleta)
        if conocida is None:
            forma = boletas.buscar(*boleta) if boletas.formas else None
            conocida = de_boleta[boleta] = (
                (None, todas)
                if forma is None
                else (
                    frozenset(forma),
                    contienda((indice[c] for c in forma), len(columnas), coaliciones),
                )
            )
        impresas, de_la_boleta = conocida
        lugar = Ubicacion(ent, None if municipal else dist, mun, seccion, clave + sufijo)
        acta = acta_para_reglas(
            clave_de_acta + sufijo,
            estado,
            cifras,
            columnas,
            tipo,
            ln,
            rep,
            causa,
            lugar,
            impresas,
        )
        yield FilaActa(
            identificacion=(
                f"'{clave}'",
                f"'{clave_de_acta}'",
                f"{ent:02d}",
                ent_nombre,
                *geografia,
                seccion_id,
                casilla_id,
                tipo,
                f"{ext:02d}",
                str(ubicacion),
                tipo_acta,
            ),
            acta=acta,
            contienda=de_la_boleta,
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
        "casilla__entidad__clave", "casilla__entidad__nombre"
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
class Leida:
    """One election as `leer` reads it: its vote columns, coalitions, candidaturas and rows."""

    eleccion: Eleccion
    columnas: list[str]
    coaliciones: list[CoalicionPublicada]
    candidatos: Candidatos
    filas: list[FilaActa]
    zona: ZoneInfo


@dataclass(frozen=True)
class EleccionCalculada:
    """One election at the instant of a corte: its rows (catálogo order, then fuera de
    catálogo) and its totals at every level."""

    eleccion: Eleccion
    columnas: list[str]
    coaliciones: list[CoalicionPublicada]
    candidatos: Candidatos
    filas: list[FilaActa]
    resultados: Resultados
    zona: ZoneInfo


def leer() -> list[Leida]:
    """Every election with its vote columns, coalitions, candidaturas and rows.

    Run it inside one transaction with a stable snapshot so all elections show the same instant.
    """
    leidas = []
    for eleccion in Eleccion.objects.select_related("proceso").order_by("orden", "tipo"):
        zona = ZoneInfo(eleccion.proceso.zona_horaria)
        columnas = columnas_de(eleccion)
        coaliciones = coaliciones_de(eleccion)
        filas = list(filas_de(eleccion, columnas, zona, para_agregar(coaliciones, columnas)))
        leidas.append(Leida(eleccion, columnas, coaliciones, candidatos_de(eleccion), filas, zona))
    return leidas


def calcular(leidas: list[Leida]) -> list[EleccionCalculada]:
    """Evaluate and aggregate what `leer` read (pure computation: no database)."""
    calculadas = []
    for leida in leidas:
        n = len(leida.columnas)
        coaliciones = para_agregar(leida.coaliciones, leida.columnas)
        todas = contienda(None, n, coaliciones)
        resultados = agregar_por_boleta(
            ((f.acta, f.contienda or todas) for f in leida.filas),
            n,
            leida.eleccion.configuracion,
            coaliciones,
        )
        calculadas.append(
            EleccionCalculada(
                leida.eleccion,
                leida.columnas,
                leida.coaliciones,
                leida.candidatos,
                leida.filas,
                resultados,
                leida.zona,
            )
        )
    return calculadas


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
        no_aplica=calculada.eleccion.no_aplica,
    )
    return destino.getvalue().encode("utf-8-sig")
