"""The coordinator's figures: actas per state and per centro, pending queues, and the time from
acopio to verificación. Every figure is an aggregate computed by the database (a handful of
queries whatever the number of actas); nothing walks the actas one by one."""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, Func, Q, QuerySet

from prep.acopio.models import Acopio
from prep.actas.models import Acta
from prep.catalogo.models import ActaEsperada, Casilla
from prep.cuentas.alcance import distritos_de, filtro_alcance, sirve
from prep.cuentas.identidad import Actor
from prep.cuentas.models import Centro
from prep.digitalizacion.models import Imagen

E = Acta.Estado
_CASILLA = "acta_esperada__casilla"
# The life cycle in the order the tablero shows it.
ORDEN_ESTADOS = (
    E.ESPERADA,
    E.ACOPIADA,
    E.DIGITALIZADA,
    E.CAPTURADA_1,
    E.CAPTURADA_2,
    E.EN_CONFLICTO,
    E.VERIFICADA,
    E.SIN_ACTA,
    E.FUERA_DE_CATALOGO,
)


class Segundos(Func):
    """Seconds from the second datetime to the first, as a float, in the database's own SQL
    (Django's generic datetime difference calls back into Python for every row on SQLite).
    SQLite's julianday is a day count in a double, good to ~50 µs: rounded to milliseconds."""

    output_field = FloatField()
    arg_joiner = " - "
    template = "EXTRACT(EPOCH FROM (%(expressions)s))"

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="ROUND((julianday(%(expressions)s)) * 86400.0, 3)",
            arg_joiner=") - julianday(",
            **extra,
        )


class Percentil(Aggregate):
    """PostgreSQL's percentile_disc: the smallest value whose rank reaches the fraction."""

    function = "percentile_disc"
    template = "%(function)s(%(fraccion)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expresion, fraccion: float) -> None:
        super().__init__(expresion, fraccion=float(fraccion))


@dataclass(frozen=True)
class Tiempos:
    """Acopio → verificación of the verified actas: how many, median and 90th percentile,
    and how many have verificación before acopio (T-A3 flags them; not in the percentiles)."""

    actas: int
    mediana: timedelta | None
    p90: timedelta | None
    negativos: int


@dataclass
class FilaCentro:
    """One centro's actas per state."""

    centro: Centro
    por_estado: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """All the centro's actas."""
        return sum(self.por_estado.values())


@dataclass(frozen=True)
class Tablero:
    """Everything the coordinator's page shows."""

    alcance: str
    por_estado: dict[str, int]
    por_centro: list[FilaCentro]
    pendientes: dict[str, int]
    tiempos: Tiempos

    @property
    def total(self) -> int:
        """All actas in scope: the catálogo's plus those fuera de catálogo."""
        return sum(self.por_estado.values())


def _casillas(centro: Centro) -> QuerySet | None:
    """The casillas the centro serves (None: all), as a subquery."""
    if distritos_de(centro) is None:
        return None
    return Casilla.objects.filter(filtro_alcance(centro)).values("pk")


def _filtro_actas(centro: Centro | None) -> Q:
    """The actas the centro serves: those of its casillas, plus those fuera de catálogo that
    reached it (they have no casilla). Written as subqueries on indexed keys, so a centro's
    figures cost in proportion to its own actas."""
    if centro is None:
        return Q()
    fuera = Acopio.objects.filter(centro=centro, acta__acta_esperada__isnull=True).values("acta")
    casillas = _casillas(centro)
    if casillas is None:
        return Q(acta_esperada__isnull=False) | Q(pk__in=fuera)
    esperadas = ActaEsperada.objects.filter(casilla__in=casillas).values("pk")
    return Q(acta_esperada__in=esperadas) | Q(pk__in=fuera)


def _filtro_esperadas(centro: Centro | None) -> Q:
    casillas = _casillas(centro) if centro else None
    return Q() if casillas is None else Q(casilla__in=casillas)


def _conteo(filas) -> dict[str, int]:
    por_estado = dict.fromkeys(ORDEN_ESTADOS, 0)
    for estado, n in filas:
        por_estado[estado] += n
    return por_estado


def actas_por_estado(centro: Centro | None) -> dict[str, int]:
    """Actas per state in the centro's scope; actas esperadas nobody has touched yet (no
    record) count as `esperada`."""
    actas = Acta.objects.filter(_filtro_actas(centro))
    por_estado = _conteo(actas.values_list("estado").annotate(n=Count("pk")).order_by())
    esperadas = ActaEsperada.objects.filter(_filtro_esperadas(centro)).count()
    con_registro = actas.filter(acta_esperada__isnull=False).count()
    por_estado[E.ESPERADA] += esperadas - con_registro
    return por_estado


def por_centro(centros: list[Centro]) -> list[FilaCentro]:
    """Actas per state of each centro, from grouped queries (per pair of distritos federal and
    local) whatever the number of centros; an acta of two distritos of one centro counts once."""
    por_par: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    actas = (
        Acta.objects.filter(acta_esperada__isnull=False)
        .values_list(f"{_CASILLA}__distrito_federal", f"{_CASILLA}__distrito_local", "estado")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for federal, local, estado, n in actas:
        por_par[federal, local][estado] += n
    esperadas = (
        ActaEsperada.objects.values_list("casilla__distrito_federal", "casilla__distrito_local")
        .annotate(n=Count("pk"), registradas=Count("acta"))
        .order_by()
    )
    for federal, local, n, registradas in esperadas:
        por_par[federal, local][E.ESPERADA] += n - registradas
    fuera: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for centro_id, estado, n in (
        Acopio.objects.filter(acta__acta_esperada__isnull=True)
        .values_list("centro", "acta__estado")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        fuera[centro_id].append((estado, n))
    filas = []
    for centro in centros:
        propios = distritos_de(centro)
        conteo = list(fuera[centro.pk])
        for (federal, local), estados in por_par.items():
            if sirve(propios, federal, local):
                conteo += estados.items()
        filas.append(FilaCentro(centro, _conteo(conteo)))
    return filas


def pendientes(centro: Centro | None, por_estado: dict[str, int]) -> dict[str, int]:
    """The work queues: images waiting for manual classification (the centro's queue), actas
    waiting for digitalización, capture, verificación of a conflict, and cotejo."""
    imagenes = Imagen.objects.filter(estado=Imagen.Estado.PENDIENTE)
    cotejo = Acopio.objects.filter(requiere_cotejo=True, acta__cotejada=False)
    if centro is not None:
        imagenes, cotejo = imagenes.filter(centro=centro), cotejo.filter(centro=centro)
    return {
        "clasificacion": imagenes.count(),
        "digitalizacion": por_estado[E.ACOPIADA],
        "captura": por_estado[E.DIGITALIZADA] + por_estado[E.CAPTURADA_1],
        "verificacion": por_estado[E.CAPTURADA_2],
        "conflicto": por_estado[E.EN_CONFLICTO],
        "cotejo": cotejo.count(),
    }


def _percentiles(valores: QuerySet, n: int) -> tuple[float, float]:
    """Median and 90th percentile (nearest rank) of the `s` column of `valores`, sorted once."""
    if connection.vendor == "postgresql":
        r = valores.aggregate(m=Percentil("s", 0.5), p=Percentil("s", 0.9))
        return r["m"], r["p"]
    rangos = [max(math.ceil(f * n), 1) for f in (0.5, 0.9)]
    consulta, parametros = valores.values_list("s").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s FROM (SELECT s, ROW_NUMBER() OVER (ORDER BY s) AS rango"
            f" FROM ({consulta})) WHERE rango IN (%s, %s) ORDER BY rango",
            (*parametros, *rangos),
        )
        filas = [s for (s,) in cursor.fetchall()]
    return filas[0], filas[-1]


def tiempos(centro: Centro | None) -> Tiempos:
    """From acopio to verificación, over the verified actas in scope."""
    actas = (
        Acta.objects.filter(
            _filtro_actas(centro),
            estado=E.VERIFICADA,
            fecha_hora_acopio__isnull=False,
            fecha_hora_verificacion__isnull=False,
        )
        .annotate(s=Segundos(F("fecha_hora_verificacion"), F("fecha_hora_acopio")))
        .order_by()
    )
    conteo = actas.aggregate(
        n=Count("pk", filter=Q(s__gte=0)), negativos=Count("pk", filter=Q(s__lt=0))
    )
    n, negativos = conteo["n"], conteo["negativos"]
    if n == 0:
        return Tiempos(0, None, None, negativos)
    mediana, p90 = _percentiles(actas.filter(s__gte=0), n)
    return Tiempos(n, timedelta(seconds=mediana), timedelta(seconds=p90), negativos)


def tablero(actor: Actor) -> Tablero:
    """The figures the actor may see: a coordinator, their centro's; others, every centro's."""
    centro = actor.centro
    por_estado = actas_por_estado(centro)
    if centro is None:
        centros = list(Centro.objects.prefetch_related("distritos").order_by("clave"))
        filas, alcance = por_centro(centros), "todos los centros"
    else:
        filas, alcance = [FilaCentro(centro, por_estado)], f"{centro.clave} {centro.nombre}"
    return Tablero(alcance, por_estado, filas, pendientes(centro, por_estado), tiempos(centro))
