"""The figures of one capture: read from their JSON form, checked complete, compared field by
field, and named for people.

A *campo* is one figure of the acta: a vote column's key or one of `CAMPOS_ACTA`. Both live in
one flat namespace (column keys are parties, combinations, NO_REGISTRADAS and NULOS).
"""

from collections.abc import Sequence

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from prep.actas.servicios import CAMPOS_ACTA, CifrasActa, validar_cifras
from prep.catalogo.consultas import candidaturas_de_acta
from prep.catalogo.models import ActaEsperada, Coalicion, ColumnaVoto, Partido
from prep.errores import Codigo, ErrorDeDominio
from prep.reglas.cifras import como_json, validar

TOTAL_ASENTADO = "TOTAL_VOTOS_ASENTADO"


def campos(columnas: Sequence[str]) -> list[str]:
    """Every figure of an acta in the order the paper acta shows them: boletas and personas
    first, then the votes, then the total asentado."""
    return [*(c for c in CAMPOS_ACTA if c != TOTAL_ASENTADO), *columnas, TOTAL_ASENTADO]


def leer_cifras(datos: object, columnas: Sequence[str]) -> dict:
    """A capture's figures from JSON (the shape of `Acta.cifras`), validated and normalised.

    Exactly the vote fields the acta prints (`columnas`, its boleta: a field it does not print
    is refused, B2) and every figure of `CAMPOS_ACTA` must be there, each an integer ≥ 0,
    "ILEGIBLE" or "SIN_DATO"; otherwise ErrorDeDominio in Spanish.
    """
    if not isinstance(datos, dict) or not isinstance(datos.get("votos"), dict):
        raise ErrorDeDominio(
            _("las cifras deben traer «votos»: un valor por cada campo de votos del acta"),
            Codigo.CIFRAS_INVALIDAS,
        )
    otras = {k: v for k, v in datos.items() if k != "votos"}
    faltan = [c for c in CAMPOS_ACTA if c not in otras]
    if faltan:
        raise ErrorDeDominio(
            _("faltan cifras del acta: %(campos)s") % {"campos": ", ".join(faltan)},
            Codigo.CIFRAS_INVALIDAS,
        )
    try:
        cifras = validar_cifras(CifrasActa(datos["votos"], otras), columnas)
    except ErrorDeDominio as exc:
        raise ErrorDeDominio(str(exc), Codigo.CIFRAS_INVALIDAS) from exc
    return a_json(cifras)


def a_json(cifras: CifrasActa) -> dict:
    """Figures as stored: plain ints and strings, other figures in `CAMPOS_ACTA` order."""
    return {
        "votos": {k: como_json(v) for k, v in cifras.votos.items()},
        **{k: como_json(cifras.otras[k]) for k in CAMPOS_ACTA if k in cifras.otras},
    }


def leer_valor(valor: object) -> int | str:
    """One figure as stored (an int ≥ 0, "ILEGIBLE" or "SIN_DATO"); ValueError in Spanish."""
    return como_json(validar(valor))


def plano(cifras: dict) -> dict:
    """`{campo: valor}` of stored figures."""
    return {**cifras.get("votos", {}), **{k: v for k, v in cifras.items() if k != "votos"}}


def con_valores(cifras: dict, valores: dict) -> dict:
    """Stored figures with some campos replaced."""
    votos = cifras["votos"]
    return {
        "votos": {k: valores.get(k, v) for k, v in votos.items()},
        **{k: valores.get(k, v) for k, v in cifras.items() if k != "votos"},
    }


def diferencias(primera: dict, segunda: dict, orden: list[str]) -> list[str]:
    """The campos whose values differ between two stored figures, in `orden`."""
    a, b = plano(primera), plano(segunda)
    return [c for c in orden if a.get(c) != b.get(c)]


def etiquetas(esperada: ActaEsperada) -> dict[str, str]:
    """A readable Spanish name for every campo of an acta: a combination by its partidos (as a
    coalición or a candidatura común), an independiente with who runs there (B1)."""
    nombres = {
        "TOTAL_BOLETAS_SOBRANTES": _("Boletas sobrantes"),
        "TOTAL_PERSONAS_VOTARON": _("Personas que votaron"),
        "TOTAL_REP_PARTIDO_CI_VOTARON": _("Representantes de partidos y CI que votaron"),
        "TOTAL_VOTOS_SACADOS": _("Votos sacados de las urnas"),
        TOTAL_ASENTADO: _("Total de votos asentado"),
    }
    por_tipo = {
        ColumnaVoto.Tipo.NO_REGISTRADAS: _("Candidaturas no registradas"),
        ColumnaVoto.Tipo.NULOS: _("Votos nulos"),
    }
    candidaturas = candidaturas_de_acta(esperada)
    columnas = (
        esperada.eleccion.columnas.order_by("orden")
        .select_related("coalicion")
        .prefetch_related(Prefetch("partidos", Partido.objects.order_by("orden")))
    )
    for columna in columnas:
        clave, tipo = columna.clave, columna.tipo
        if tipo in por_tipo:
            nombres[clave] = por_tipo[tipo]
        elif tipo == ColumnaVoto.Tipo.COMBINACION:
            coalicion = columna.coalicion
            if coalicion and coalicion.tipo == Coalicion.Tipo.CANDIDATURA_COMUN:
                plantilla = _("Candidatura común %(partidos)s")
            else:
                plantilla = _("Coalición %(partidos)s")
            siglas = [p.siglas for p in columna.partidos.all()] or clave.split("_")
            nombres[clave] = plantilla % {"partidos": "-".join(siglas)}
        elif tipo == ColumnaVoto.Tipo.INDEPENDIENTE and clave in candidaturas:
            nombres[clave] = f"{clave} — {candidaturas[clave]}"
        else:
            nombres[clave] = clave
    return nombres
