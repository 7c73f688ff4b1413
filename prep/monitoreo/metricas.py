"""The figures /metricas exposes to Prometheus, read from the database at scrape time.

A scrape costs a fixed handful of aggregate queries whatever the number of actas (GROUP BY
counts on indexed columns; nothing walks the actas one by one): actas per elección and state,
the work queues of the tablero (`prep.tablero.consultas.pendientes`, the same figures the
coordinator sees), claimed captures, the newest corte, the publication calendar and each
difusor's state. On PostgreSQL they run in one read-only REPEATABLE READ transaction, so the
figures of one scrape are of one instant, and with a statement timeout; on SQLite each runs on
its own (a transaction there would take the write lock: `transaction_mode` is IMMEDIATE).

When the database does not answer, the scrape still succeeds with the process's own metrics
and `prep_metricas_consulta_correcta 0`, so an alert can tell "the database is down" from
"the server is down" (Prometheus's `up`).

The registry is this module's own (not prometheus_client's global one): the process and
platform collectors, the HTTP request metrics of `middleware.MedirPeticiones` and the PREP
collector. Each `prep servir` process keeps its own request counters: with several processes
behind a balancer, Prometheus scrapes each one (the database figures are the same in all).
"""

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import DatabaseError, connection, transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone
from prometheus_client import (
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder

from prep import reloj
from prep.actas.models import Acta
from prep.captura.models import Asignacion
from prep.catalogo.models import ActaEsperada, Eleccion
from prep.difusion.models import Difusor, Envio, Periodo
from prep.publicacion.models import Calendario, Corte
from prep.tablero.consultas import ORDEN_ESTADOS, pendientes

logger = logging.getLogger(__name__)

E = Acta.Estado
# A scrape that takes longer is cut by PostgreSQL rather than left to pile up on the database.
LIMITE_CONSULTAS_MS = 10_000
# Request durations: from a static file (ms) to a corte's upload page under load (tens of s).
CUBETAS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

# A `_created` series beside every counter and histogram series doubles them for nothing any
# alert here uses.
disable_created_metrics()
REGISTRO = CollectorRegistry()
ProcessCollector(registry=REGISTRO)
PlatformCollector(registry=REGISTRO)
GCCollector(registry=REGISTRO)
PETICIONES = Counter(
    "prep_http_peticiones",
    "Peticiones HTTP atendidas por este proceso, por método, ruta (el patrón de URL) y código.",
    ["metodo", "ruta", "codigo"],
    registry=REGISTRO,
)
DURACION = Histogram(
    "prep_http_duracion_segundos",
    "Tiempo hasta tener lista la respuesta, por método y ruta (el patrón de URL).",
    ["metodo", "ruta"],
    buckets=CUBETAS,
    registry=REGISTRO,
)


@dataclass(frozen=True)
class UltimoCorte:
    """The newest corte: its number, its hour on the election-night clock, when it was
    written (real clock) and how long writing it took."""

    numero: int
    momento: datetime
    creado: datetime
    segundos: float


@dataclass(frozen=True)
class EstadoDifusor:
    """A difusor's registry state and its latest monitoring period and delivery."""

    nombre: str
    estado: str
    fallos: int
    ultimo_correcto: bool | None
    ultimo_servido: int | None
    ultimo_entregado: int | None


@dataclass(frozen=True)
class Cifras:
    """Everything one scrape reads from the database."""

    actas: dict[str, dict[str, int]]  # elección (tipo) → estado → actas
    esperadas: dict[str, int]  # elección (tipo) → actas esperadas in the catálogo
    colas: dict[str, int]
    asignaciones: int
    corte: UltimoCorte | None
    publicacion_abierta: bool
    difusores: list[EstadoDifusor]


def por_estado(actas: dict[str, dict[str, int]]) -> dict[str, int]:
    """Actas per state over every elección: the tablero's `actas_por_estado(None)`."""
    total = dict.fromkeys(ORDEN_ESTADOS, 0)
    for estados in actas.values():
        for estado, n in estados.items():
            total[estado] += n
    return total


def actas_por_eleccion() -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """Actas per elección and state, and actas esperadas per elección. As in the tablero, an
    acta esperada nobody has touched yet (no Acta record) counts as `esperada`. Three grouped
    queries on indexed columns: (eleccion, estado), the catálogo's eleccion, and the actas
    fuera de catálogo (no acta esperada)."""
    tipos = dict(Eleccion.objects.values_list("pk", "tipo"))
    actas = {tipo: dict.fromkeys(ORDEN_ESTADOS, 0) for tipo in tipos.values()}
    registradas = dict.fromkeys(tipos, 0)
    for eleccion, estado, n in (
        Acta.objects.values_list("eleccion", "estado").annotate(n=Count("pk")).order_by()
    ):
        actas[tipos[eleccion]][estado] += n
        registradas[eleccion] += n
    esperadas = dict(
        ActaEsperada.objects.values_list("eleccion").annotate(n=Count("pk")).order_by()
    )
    for eleccion, n in (
        Acta.objects.filter(acta_esperada__isnull=True)
        .values_list("eleccion")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        registradas[eleccion] -= n  # fuera de catálogo: no acta esperada behind it
    for eleccion, tipo in tipos.items():
        actas[tipo][E.ESPERADA] += esperadas.get(eleccion, 0) - registradas[eleccion]
    return actas, {tipo: esperadas.get(eleccion, 0) for eleccion, tipo in tipos.items()}


def ultimo_corte() -> UltimoCorte | None:
    """The newest corte, if any was published."""
    fila = (
        Corte.objects.order_by("-numero").values("numero", "momento", "creado", "segundos").first()
    )
    return UltimoCorte(**fila) if fila else None


def publicacion_abierta() -> bool:
    """Whether the calendar's publication has started (on the election-night clock) and has
    not been closed: cortes are due."""
    calendario = Calendario.objects.order_by("pk").values("inicio", "cerrado").first()
    return (
        calendario is not None
        and calendario["cerrado"] is None
        and calendario["inicio"] <= reloj.ahora()
    )


def difusores() -> list[EstadoDifusor]:
    """Every registered difusor, with its latest period and its newest delivered corte (one
    query with subqueries on indexed keys)."""
    periodo = Periodo.objects.filter(difusor=OuterRef("pk")).order_by("-momento", "-pk")
    entregado = Envio.objects.filter(difusor=OuterRef("pk"), entregado=True).order_by("-corte")
    filas = (
        Difusor.objects.annotate(
            ultimo_correcto=Subquery(periodo.values("correcto")[:1]),
            ultimo_servido=Subquery(periodo.values("servido")[:1]),
            ultimo_entregado=Subquery(entregado.values("corte")[:1]),
        )
        .order_by("orden", "nombre")
        .values_list(
            "nombre", "estado", "fallos", "ultimo_correcto", "ultimo_servido", "ultimo_entregado"
        )
    )
    return [
        EstadoDifusor(
            nombre, estado, fallos, None if correcto is None else bool(correcto), servido, corte
        )
        for nombre, estado, fallos, correcto, servido, corte in filas
    ]


def _leer() -> Cifras:
    actas, esperadas = actas_por_eleccion()
    return Cifras(
        actas=actas,
        esperadas=esperadas,
        colas=pendientes(None, por_estado(actas)),
        # Claims expire on the real clock, like every claim (prep/reloj.py).
        asignaciones=Asignacion.objects.filter(expira__gt=timezone.now()).count(),
        corte=ultimo_corte(),
        publicacion_abierta=publicacion_abierta(),
        difusores=difusores(),
    )


def leer_cifras() -> Cifras:
    """Read every figure; on PostgreSQL from one consistent, read-only snapshot."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return _leer()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute(f"SET LOCAL statement_timeout = {LIMITE_CONSULTAS_MS}")
        return _leer()


def _gauge(nombre: str, ayuda: str, valor: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(nombre, ayuda, value=valor)


def familias(cifras: Cifras, ahora: datetime) -> Iterator[Metric]:
    """The metric families of `cifras`; `ahora` is the real clock's now (a corte's age)."""
    actas = GaugeMetricFamily(
        "prep_actas",
        "Actas por elección y estado; las esperadas que nadie ha tocado cuentan como «esperada».",
        labels=["eleccion", "estado"],
    )
    for eleccion, estados in cifras.actas.items():
        for estado, n in estados.items():
            actas.add_metric([eleccion, estado], n)
    yield actas
    esperadas = GaugeMetricFamily(
        "prep_actas_esperadas", "Actas esperadas del catálogo, por elección.", labels=["eleccion"]
    )
    for eleccion, n in cifras.esperadas.items():
        esperadas.add_metric([eleccion], n)
    yield esperadas
    colas = GaugeMetricFamily(
        "prep_cola_pendientes",
        "Trabajo pendiente por cola (las mismas cifras del tablero del coordinador).",
        labels=["cola"],
    )
    for cola, n in cifras.colas.items():
        colas.add_metric([cola], n)
    yield colas
    yield _gauge(
        "prep_captura_asignaciones_vigentes",
        "Actas entregadas a un capturista cuyo plazo no ha vencido (capturas en curso).",
        cifras.asignaciones,
    )
    yield from _corte(cifras, ahora)
    yield from _difusores(cifras.difusores)


def _corte(cifras: Cifras, ahora: datetime) -> Iterator[Metric]:
    corte = cifras.corte
    yield _gauge(
        "prep_corte_ultimo_numero",
        "Número del corte más reciente (0: ninguno todavía).",
        corte.numero if corte else 0,
    )
    yield _gauge(
        "prep_publicacion_abierta",
        "1 si la publicación del calendario ya empezó (reloj de la noche) y no se ha cerrado.",
        int(cifras.publicacion_abierta),
    )
    yield _gauge(
        "prep_reloj_factor",
        "Cuántas veces más rápido corre el reloj de la noche que el real (1 fuera de simulacros).",
        1.0 / reloj.segundos_reales(timedelta(seconds=1)),
    )
    if corte is None:
        return
    yield _gauge(
        "prep_corte_ultimo_momento_segundos",
        "Hora del corte más reciente en el reloj de la noche (segundos desde 1970, UTC).",
        corte.momento.timestamp(),
    )
    yield _gauge(
        "prep_corte_ultimo_creado_segundos",
        "Cuándo se escribió el corte más reciente, en el reloj real (segundos desde 1970, UTC).",
        corte.creado.timestamp(),
    )
    yield _gauge(
        "prep_corte_edad_segundos",
        "Segundos reales desde que se escribió el corte más reciente.",
        max((ahora - corte.creado).total_seconds(), 0.0),
    )
    yield _gauge(
        "prep_corte_ultimo_duracion_segundos",
        "Segundos que tomó escribir el corte más reciente.",
        corte.segundos,
    )


def _difusores(lista: list[EstadoDifusor]) -> Iterator[Metric]:
    estado = GaugeMetricFamily(
        "prep_difusor_estado",
        "1 en el estado del difusor en el registro (activo, suspendido o baja), 0 en los demás.",
        labels=["difusor", "estado"],
    )
    fallos = GaugeMetricFamily(
        "prep_difusor_fallos_consecutivos",
        "Periodos de vigilancia fallidos seguidos del difusor (al tercero se suspende).",
        labels=["difusor"],
    )
    correcto = GaugeMetricFamily(
        "prep_difusor_ultimo_periodo_correcto",
        "1 si en el último periodo de vigilancia el difusor servía el corte más reciente.",
        labels=["difusor"],
    )
    servido = GaugeMetricFamily(
        "prep_difusor_ultimo_corte_servido",
        "Corte que el sitio del difusor servía en el último periodo de vigilancia.",
        labels=["difusor"],
    )
    entregado = GaugeMetricFamily(
        "prep_difusor_ultimo_corte_entregado",
        "Corte más reciente entregado al difusor (SFTP o S3).",
        labels=["difusor"],
    )
    for d in lista:
        for valor in Difusor.Estado.values:
            estado.add_metric([d.nombre, valor], int(d.estado == valor))
        fallos.add_metric([d.nombre], d.fallos)
        if d.ultimo_correcto is not None:
            correcto.add_metric([d.nombre], int(d.ultimo_correcto))
        if d.ultimo_servido is not None:
            servido.add_metric([d.nombre], d.ultimo_servido)
        if d.ultimo_entregado is not None:
            entregado.add_metric([d.nombre], d.ultimo_entregado)
    yield from (estado, fallos, correcto, servido, entregado)


class ColectorPREP:
    """prometheus_client custom collector: reads the figures at each scrape."""

    def collect(self) -> Iterator[Metric]:
        """The PREP figures, and whether and how fast the database gave them."""
        inicio = time.perf_counter()
        try:
            cifras = leer_cifras()
        except DatabaseError as exc:
            logger.warning("las métricas no pudieron leer la base de datos: %s", exc)
            cifras = None
        segundos = time.perf_counter() - inicio
        if cifras is not None:
            yield from familias(cifras, timezone.now())
        yield _gauge(
            "prep_metricas_consulta_correcta",
            "1 si esta lectura obtuvo las cifras de la base de datos; 0 si la base no respondió.",
            int(cifras is not None),
        )
        yield _gauge(
            "prep_metricas_consulta_segundos",
            "Segundos que tomaron las consultas de esta lectura de métricas.",
            segundos,
        )


REGISTRO.register(ColectorPREP())


def exposicion(aceptar: str) -> tuple[bytes, str]:
    """The registry in the format the scraper's Accept header asks for (Prometheus text or
    OpenMetrics), and its content type."""
    codificar, tipo = choose_encoder(aceptar)
    return codificar(REGISTRO), tipo
