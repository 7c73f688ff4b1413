"""Queries of the catálogo that many phases ask: the actas esperadas a CLAVE_ACTA names (printed
on the acta, its QR label or typed), an election's vote columns, each acta's boleta and who
runs under each of its columns."""

from django.db.models import Q
from django.utils.translation import gettext as _

from prep.catalogo.boletas import (
    DISTRITO,
    ENTIDAD,
    MUNICIPIO,
    Boletas,
    Candidatos,
    Forma,
    candidatos_en,
)
from prep.catalogo.claves import normalizar_clave, partes_de_acta
from prep.catalogo.elecciones import es_federal
from prep.catalogo.models import ActaEsperada, Candidatura, Casilla, Eleccion


def columnas_de(eleccion: Eleccion) -> list[str]:
    """The vote columns of an election, in acta order: every field any of its actas prints."""
    return list(eleccion.columnas.order_by("orden").values_list("clave", flat=True))


def boletas_de(eleccion: Eleccion) -> Boletas:
    """The boletas of an election, to find the fields of many of its actas with `Boletas.de`
    (`ubicacion_de_boleta` gives the arguments)."""
    boletas = Boletas(tuple(columnas_de(eleccion)))
    for tipo_acta, entidad, ambito, numero, columnas in eleccion.boletas.values_list(
        "tipo_acta", "entidad__clave", "ambito", "numero", "columnas"
    ):
        boletas.agregar(tipo_acta, entidad, ambito, numero, tuple(columnas))
    return boletas


def ubicacion_de_boleta(eleccion: Eleccion, casilla: Casilla) -> tuple[int, int | None, int | None]:
    """(entidad, distrito, municipio) of a casilla as `Boletas.de` takes them: the distrito is
    federal in a federal election and local in a local one."""
    distrito = casilla.distrito_federal if es_federal(eleccion.tipo) else casilla.distrito_local
    return (
        casilla.entidad.clave,
        distrito.numero if distrito else None,
        casilla.municipio.numero if casilla.municipio_id else None,
    )


def demarcacion_de(eleccion: Eleccion, casilla: Casilla) -> str:
    """Where an acta's contenders are registered, as an operator reads it: the municipio of an
    ayuntamientos acta, the distrito of a diputaciones acta, else the entidad (B1). It tells
    a capturista why the fields change from one acta to the next."""
    if eleccion.tipo == Eleccion.Tipo.AYUNTAMIENTO and casilla.municipio_id:
        municipio = casilla.municipio
        return _("Municipio %(n)d, %(nombre)s") % {
            "n": municipio.numero,
            "nombre": municipio.nombre,
        }
    distrito = casilla.distrito_federal if es_federal(eleccion.tipo) else casilla.distrito_local
    if (
        eleccion.tipo in (Eleccion.Tipo.DIPUTACION_LOCAL, Eleccion.Tipo.DIPUTACION_FEDERAL)
        and distrito
    ):
        return _("Distrito %(n)d, %(cabecera)s") % {
            "n": distrito.numero,
            "cabecera": distrito.cabecera,
        }
    return casilla.entidad.nombre


def columnas_de_acta(esperada: ActaEsperada) -> Forma:
    """The vote fields an acta esperada prints, in its order (its boleta, B1)."""
    eleccion = esperada.eleccion
    return boletas_de(eleccion).de(
        esperada.tipo_acta, *ubicacion_de_boleta(eleccion, esperada.casilla)
    )


def candidaturas_de_acta(esperada: ActaEsperada) -> dict[str, str]:
    """Who runs under each vote column of an acta esperada, `{columna: nombre}` (B1): the
    candidatura of its municipio, else of its distrito, else of its entidad (as its boleta)."""
    eleccion = esperada.eleccion
    entidad, distrito, municipio = ubicacion_de_boleta(eleccion, esperada.casilla)
    donde = Q(ambito=ENTIDAD, numero=0)
    for ambito, numero in ((DISTRITO, distrito), (MUNICIPIO, municipio)):
        if numero is not None:
            donde |= Q(ambito=ambito, numero=numero)
    candidatos: Candidatos = {}
    for ambito, numero, columna, nombre in Candidatura.objects.filter(
        donde, eleccion=eleccion, entidad__clave=entidad
    ).values_list("ambito", "numero", "columna__clave", "nombre"):
        candidatos.setdefault((ambito, entidad, numero), {})[columna] = nombre
    return candidatos_en(candidatos, entidad, distrito, municipio)


def actas_con_clave(clave: str, eleccion: str = "") -> list[ActaEsperada]:
    """The actas esperadas with that CLAVE_ACTA (of that election type, if given). More than
    one means the key alone is ambiguous (same tipo de acta in two elections, or the shared
    published key of voto anticipado actas, which the system's own key tells apart)."""
    try:
        partes = partes_de_acta(normalizar_clave(clave))
    except ValueError:
        return []
    consulta = ActaEsperada.objects.select_related(
        "eleccion",
        "casilla__seccion",
        "casilla__entidad",
        "casilla__municipio",
        "casilla__distrito_local",
        "casilla__distrito_federal",
    ).filter(
        casilla__entidad__clave=partes.entidad,
        casilla__tipo=partes.tipo_casilla,
        casilla__numero=partes.numero,
        casilla__ext_contigua=partes.ext_contigua,
        tipo_acta=partes.tipo_acta,
    )
    if partes.seccion:
        consulta = consulta.filter(casilla__seccion__numero=partes.seccion)
    else:
        consulta = consulta.filter(casilla__seccion__isnull=True)
        for campo in ("municipio", "distrito_local", "distrito_federal"):
            numero = getattr(partes, campo)
            if numero is not None:
                consulta = consulta.filter(**{f"casilla__{campo}__numero": numero})
    if eleccion:
        consulta = consulta.filter(eleccion__tipo=eleccion)
    return list(consulta.order_by("pk")[:5])
