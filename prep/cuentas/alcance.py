"""A centro's scope: which secciones, and so which casillas and actas, a CATD or CCV serves.

One rule, written here once: a centro serves a sección when the sección's distrito federal or
distrito local is one of the centro's distritos; a centro with no distritos serves the whole
entidad; no centro (administrador, auditor) means no operational limit. `sirve` states it for
values in memory, `filtro_alcance` for the database; both read `distritos_de`.
"""

from django.db.models import Q

from prep.cuentas.models import Centro


def distritos_de(centro: Centro | None) -> frozenset[int] | None:
    """The ids of the distritos the centro serves; None when it serves every sección."""
    if centro is None:
        return None
    # .all() uses the distritos prefetched with the centro, when they were.
    distritos = frozenset(d.pk for d in centro.distritos.all())
    return distritos or None


def sirve(distritos: frozenset[int] | None, federal: int | None, local: int | None) -> bool:
    """Whether a centro with these distritos (`distritos_de`) serves a sección of the distritos
    `federal` and `local` (ids)."""
    return distritos is None or federal in distritos or local in distritos


def en_alcance(centro: Centro | None, seccion) -> bool:
    """Whether the centro serves the sección."""
    return sirve(distritos_de(centro), seccion.distrito_federal_id, seccion.distrito_local_id)


def filtro_alcance(centro: Centro | None, seccion: str = "") -> Q:
    """The rule as a query filter. `seccion` is the path from the model queried to its sección
    (e.g. "acta_esperada__casilla__seccion"; empty when querying secciones)."""
    distritos = distritos_de(centro)
    if distritos is None:
        return Q()
    ruta = f"{seccion}__" if seccion else ""
    return Q(**{f"{ruta}distrito_federal__in": distritos}) | Q(
        **{f"{ruta}distrito_local__in": distritos}
    )
