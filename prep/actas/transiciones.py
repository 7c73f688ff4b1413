"""The acta's life cycle: which state may follow which, and the only code that writes an acta's
state, each write with its bitácora entry in the same transaction:

- `crear`: a record in an initial state (`INICIALES`);
- `aplicar`: a change of state and/or fields of a recorded acta;
- `crear_en_bloque`: many records at once, for national-scale loads.

Publication is not a state: a corte is a fact of its own (its manifest, its CSV and its
bitácora entry say what it published), and a published acta stays `verificada`.
`tests/actas/test_un_solo_escritor.py` keeps every other module from writing `Acta.estado`.
"""

from collections import deque
from collections.abc import Iterable, Mapping

from django.db import models, transaction

from prep.actas.models import Acta
from prep.bitacora.servicios import registrar, registrar_en_bloque
from prep.cuentas.identidad import Actor
from prep.errores import Codigo, ErrorDeDominio

E = Acta.Estado

# A record starts as the catálogo's acta esperada (created when something first happens to it)
# or as an acta fuera de catálogo (R7), which no transition leaves.
INICIALES = frozenset({E.ESPERADA, E.FUERA_DE_CATALOGO})

# The night's flow. A PREP Casilla image may arrive before the paper (esperada → digitalizada);
# acopio then only stamps its time. A Sin Acta is replaced when a copy of the acta turns up (R6).
SIGUIENTES: dict[str, frozenset[str]] = {
    E.ESPERADA: frozenset({E.ACOPIADA, E.DIGITALIZADA, E.SIN_ACTA}),
    E.ACOPIADA: frozenset({E.DIGITALIZADA, E.SIN_ACTA}),
    E.SIN_ACTA: frozenset({E.DIGITALIZADA}),
    E.DIGITALIZADA: frozenset({E.CAPTURADA_1}),
    E.CAPTURADA_1: frozenset({E.CAPTURADA_2}),
    E.CAPTURADA_2: frozenset({E.VERIFICADA, E.EN_CONFLICTO}),
    E.EN_CONFLICTO: frozenset({E.VERIFICADA}),
    E.VERIFICADA: frozenset({E.DIGITALIZADA}),
    E.FUERA_DE_CATALOGO: frozenset(),
}

# The direct load (`actas.servicios.registrar_resultado`): figures verified outside the CATD/CCV
# flow make the acta `verificada` from these states. Not once its capture has begun (the two
# captures and the verificador decide its figures), nor fuera de catálogo (R7: no figures).
CARGA_DIRECTA = frozenset({E.ESPERADA, E.ACOPIADA, E.SIN_ACTA, E.DIGITALIZADA})

_ORDEN = {estado: n for n, estado in enumerate(E)}


def siguientes(origen: str, *, carga_directa: bool = False) -> frozenset[str]:
    """The states an acta in `origen` may pass to: by the night's flow, or by the direct load
    (only `verificada`, and only from `CARGA_DIRECTA`)."""
    if carga_directa:
        return frozenset({E.VERIFICADA}) if origen in CARGA_DIRECTA else frozenset()
    return SIGUIENTES.get(origen, frozenset())


def _etiqueta(estado: str) -> str:
    return str(E(estado).label) if estado in E.values else estado


def _rechazo(origen: str, destino: str, carga_directa: bool) -> ErrorDeDominio:
    via = " por carga directa" if carga_directa else ""
    return ErrorDeDominio(
        f"el acta está «{_etiqueta(origen)}» y no puede pasar a «{_etiqueta(destino)}»{via}",
        Codigo.ESTADO_INVALIDO,
    )


def camino(origen: str, destino: str, *, carga_directa: bool = False) -> tuple[str, ...]:
    """The states an acta goes through from `origen` to `destino` by the fewest allowed
    transitions, `destino` last (empty when they are the same); ErrorDeDominio when no sequence
    of allowed transitions leads there."""
    previo: dict[str, str] = {origen: origen}
    pendientes = deque([origen])
    while pendientes:
        estado = pendientes.popleft()
        if estado == destino:
            pasos = []
            while estado != origen:
                pasos.append(estado)
                estado = previo[estado]
            return tuple(E(p) for p in reversed(pasos))
        for siguiente in sorted(siguientes(estado, carga_directa=carga_directa), key=_ORDEN.get):
            if siguiente not in previo:
                previo[siguiente] = estado
                pendientes.append(siguiente)
    raise _rechazo(origen, destino, carga_directa)


def _valor(v):
    if isinstance(v, models.Model):
        return v.pk
    return v.isoformat() if hasattr(v, "isoformat") else v


def _despues(estado: str, campos: Mapping, detalle: dict | None) -> dict:
    """A creation's bitácora `despues`: the state and every field given."""
    return {
        "estado": estado,
        **{k: _valor(v) for k, v in campos.items()},
        **({"detalle": detalle} if detalle else {}),
    }


def _exigir_inicial(estado: str, del_catalogo: bool) -> None:
    if estado not in INICIALES:
        raise ErrorDeDominio(
            f"un acta no se registra «{_etiqueta(estado)}»: empieza «{E.ESPERADA.label}» o"
            f" «{E.FUERA_DE_CATALOGO.label}»",
            Codigo.ESTADO_INVALIDO,
        )
    if del_catalogo == (estado == E.FUERA_DE_CATALOGO):
        raise ErrorDeDominio(
            f"un acta «{_etiqueta(estado)}»"
            + (" no tiene acta esperada" if del_catalogo else " necesita su acta esperada"),
            Codigo.ESTADO_INVALIDO,
        )


def crear(
    actor: Actor,
    accion: str,
    estado: str,
    *,
    buscar: Mapping,
    detalle: dict | None = None,
    **campos,
) -> tuple[Acta, bool]:
    """The record that matches `buscar`, created in the initial state `estado` with `campos`
    and its bitácora entry when there is none (then True); an existing one comes back
    unchanged, without an entry.

    Race-safe where a unique constraint covers `buscar` (`fuera_de_catalogo_unica`): the losing
    insert fails inside get_or_create's own savepoint, which then returns the winner's record.
    """
    datos = {**buscar, **campos}
    _exigir_inicial(estado, bool(datos.get("acta_esperada") or datos.get("acta_esperada_id")))
    with transaction.atomic():
        acta, creada = Acta.objects.get_or_create(**buscar, defaults={**campos, "estado": estado})
        if creada:
            registrar(
                actor.nombre, accion, f"acta:{acta.pk}", None, _despues(estado, campos, detalle)
            )
    return acta, creada


def crear_en_bloque(
    actor: Actor,
    accion: str,
    filas: Iterable[tuple[str, Mapping]],
    *,
    carga_directa: bool = False,
    lote: int = 5_000,
) -> int:
    """Records for many actas esperadas that have none, each `(estado, campos)`: created
    `esperada` and taken to `estado` along `camino` (the direct load's, straight to
    `verificada`, when `carga_directa`), one bitácora entry per acta naming that path; how many.
    For national-scale loads (benchmarks): 2,000–3,000 actas/s on SQLite, where one `aplicar`
    per acta does ≈ 300 (half an hour for 500,000). Inserted `lote` at a time.

    One transaction: a state no path reaches, or an acta esperada that already has a record
    (the unique constraint), refuses the whole load.
    """
    caminos: dict[str, tuple[str, ...]] = {}
    total = 0
    with transaction.atomic():
        bloque: list[tuple[Acta, Mapping]] = []
        for estado, campos in filas:
            if estado not in caminos:
                caminos[estado] = camino(E.ESPERADA, estado, carga_directa=carga_directa)
            if not (campos.get("acta_esperada") or campos.get("acta_esperada_id")):
                _exigir_inicial(E.ESPERADA, False)
            bloque.append((Acta(**campos, estado=estado), campos))
            if len(bloque) == lote:
                total += _insertar(actor, accion, bloque, caminos)
                bloque = []
        total += _insertar(actor, accion, bloque, caminos)
    return total


def _insertar(
    actor: Actor, accion: str, bloque: list[tuple[Acta, Mapping]], caminos: dict[str, tuple]
) -> int:
    Acta.objects.bulk_create([acta for acta, _campos in bloque])  # sets each acta's pk
    registrar_en_bloque(
        (
            actor.nombre,
            accion,
            f"acta:{acta.pk}",
            None,
            {**_despues(acta.estado, campos, None), "camino": list(caminos[acta.estado])},
        )
        for acta, campos in bloque
    )
    return len(bloque)


def aplicar(
    acta: Acta,
    actor: Actor,
    accion: str,
    estado: str | None = None,
    *,
    detalle: dict | None = None,
    carga_directa: bool = False,
    **campos,
) -> Acta:
    """Change a recorded acta's state and/or fields and record it in the bitácora, atomically.

    `estado` must be one the life cycle allows after the current one (`siguientes`: the
    night's flow, or with `carga_directa` the direct load's); the current state itself, or None,
    changes fields only. Anything else raises ErrorDeDominio (estado_invalido) and touches
    nothing. `detalle` is recorded in the entry's `despues` (under "detalle") but not stored on
    the acta: what justified the change, e.g. a verificador's reasons or the rule engine's
    verdict.
    """
    if acta.pk is None:
        raise ValueError("aplicar cambia un acta registrada; un registro nuevo se hace con crear")
    if (
        estado is not None
        and estado != acta.estado
        and estado not in siguientes(acta.estado, carga_directa=carga_directa)
    ):
        raise _rechazo(acta.estado, estado, carga_directa)
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
