"""The acta's life cycle: which state may follow which, and the one function that changes an
acta and writes its bitácora entry in the same transaction."""

from django.db import transaction

from prep.actas.models import Acta
from prep.actas.servicios import ErrorDeDominio
from prep.bitacora.servicios import registrar
from prep.cuentas.identidad import Actor

E = Acta.Estado

# A PREP Casilla image may arrive before the paper (esperada → digitalizada); acopio then only
# stamps its time. A Sin Acta is replaced when a copy of the acta turns up (R6).
SIGUIENTES: dict[str, frozenset[str]] = {
    E.ESPERADA: frozenset({E.ACOPIADA, E.DIGITALIZADA, E.SIN_ACTA}),
    E.ACOPIADA: frozenset({E.DIGITALIZADA, E.SIN_ACTA}),
    E.SIN_ACTA: frozenset({E.DIGITALIZADA}),
    E.DIGITALIZADA: frozenset({E.CAPTURADA_1}),
    E.CAPTURADA_1: frozenset({E.CAPTURADA_2}),
    E.CAPTURADA_2: frozenset({E.VERIFICADA, E.EN_CONFLICTO}),
    E.EN_CONFLICTO: frozenset({E.VERIFICADA}),
    E.VERIFICADA: frozenset({E.PUBLICADA, E.DIGITALIZADA}),
    E.PUBLICADA: frozenset({E.DIGITALIZADA}),
    E.FUERA_DE_CATALOGO: frozenset(),
}


def _valor(v):
    return v.isoformat() if hasattr(v, "isoformat") else v


def aplicar(
    acta: Acta,
    actor: Actor,
    accion: str,
    estado: str | None = None,
    *,
    detalle: dict | None = None,
    **campos,
) -> Acta:
    """Change the acta's state and/or fields and record it in the bitácora, atomically.

    Refuses a state the life cycle does not allow after the current one. `detalle` is recorded
    in the entry's `despues` (under "detalle") but not stored on the acta: what justified the
    change, e.g. a verificador's reasons or the rule engine's verdict.
    """
    if estado is not None and estado != acta.estado and estado not in SIGUIENTES[acta.estado]:
        raise ErrorDeDominio(
            f"el acta está «{Acta.Estado(acta.estado).label}» y no puede pasar a"
            f" «{Acta.Estado(estado).label}»",
            codigo="estado_invalido",
        )
    cambios = {**campos, **({"estado": estado} if estado is not None else {})}
    antes = {k: _valor(getattr(acta, k)) for k in cambios}
    with transaction.atomic():
        for campo, valor in cambios.items():
            setattr(acta, campo, valor)
        acta.save()
        registrar(
            actor.nombre,
            accion,
            f"acta:{acta.pk}",
            antes,
            {
                **{k: _valor(v) for k, v in cambios.items()},
                **({"detalle": detalle} if detalle else {}),
            },
        )
    return acta
