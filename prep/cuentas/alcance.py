"""A centro's scope: which casillas, and so which actas, a CATD or CCV serves.

One rule, written here once: a centro serves a casilla when its distrito federal or distrito
local is one of the centro's distritos; a centro with no distritos serves the whole entidad; no
centro (administrador, auditor) means no operational limit. `sirve` states it for values in
memory, `filtro_alcance` for the database; both read `distritos_de`. A casilla carries the
distritos of its sección, or its own when it has none (voto anticipado, B4); a casilla of no
distrito (VMRE) is served only by centros of the whole entidad.
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


def en_alcance(centro: Centro | None, lugar) -> bool:
    """Whether the centro serves `lugar`: a casilla or a sección (anything with
    `distrito_federal_id` and `distrito_local_id`)."""
    return sirve(distritos_de(centro), lugar.distrito_federal_id, lugar.distrito_local_id)


def filtro_alcance(centro: Centro | None, lugar: str = "") -> Q:
    """The rule as a query filter. `lugar` is the path from the model queried to its casilla
    (e.g. "acta_esperada__casilla"; empty when querying casillas or secciones)."""
    distritos = distritos_de(centro)
    if distritos is None:
        return Q()
    ruta = f"{lugar}__" if lugar else ""
    return Q(**{f"{ruta}distrito_federal__in": distritos}) | Q(
        **{f"{ruta}distrito_local__in": distritos}
    )
