"""Push one corte to every active difusor in parallel, retrying with backoff inside the period.

One process per difusor (`transporte.enviar_a`, started with `spawn`: Django-free, so a slow or
CPU-hungry transfer never starves another difusor's, and a crash stays in its process) does the
transfer (SFTP: the corte's package into its inbox; S3: the corte's changed files into its
bucket) and retries until it succeeds or the period's time runs out. Every attempt, good or bad,
comes back through a queue to the calling thread, which stores it (an `Envio` row and its
bitácora entry, in one transaction) as it arrives: only the caller touches the database.

A difusor that already received the corte is not sent it again, so running the push twice (a
restart, or an operator's `prep difusor enviar`) only completes what is missing. Suspended or
cut-off difusores receive nothing (docs/difusion.md, D7).
"""

import multiprocessing
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from prep import reloj
from prep.bitacora.servicios import registrar
from prep.cuentas.identidad import SISTEMA, Actor
from prep.difusion.envio.transporte import ESPERAS, Intento, Tarea, Terminado, enviar_a
from prep.difusion.models import Difusor, Envio, Periodo
from prep.difusion.paquete import empaquetar
from prep.errores import Codigo, ErrorDeDominio
from prep.publicacion import calendario, programacion
from prep.publicacion.carpetas import raiz
from prep.publicacion.models import Corte

PAQUETES_CONSERVADOS = 3
SUFIJO_DIFERENCIAS = ".diferencias"  # local name only: the difusor gets <corte>.tar.gz
PULSO = 0.5  # seconds between looks at `detener` and at the processes while waiting


@dataclass(frozen=True, slots=True)
class Entrega:
    """How the push of one corte ended for one difusor."""

    difusor: str
    entregado: bool
    intentos: int
    detalle: str
    bytes: int


def enviar_corte(
    corte: Corte | None = None,
    *,
    limite: float = 600.0,
    detener: threading.Event | None = None,
    actor: Actor = SISTEMA,
    avisar: Callable[[Intento, str], None] | None = None,
) -> list[Entrega]:
    """Push `corte` (the newest one by default) to every active difusor that does not have it
    yet, in parallel, retrying each for at most `limite` real seconds. `avisar(intento, nombre)`
    is told of every attempt. ErrorDeDominio 404 when there is no corte to push."""
    if corte is None:
        corte = Corte.objects.order_by("-numero").first()
        if corte is None:
            raise ErrorDeDominio("aún no hay cortes publicados que enviar", Codigo.SIN_CORTE)
    carpeta = raiz() / corte.carpeta
    entregados = set(
        Envio.objects.filter(corte=corte.numero, entregado=True).values_list("difusor", flat=True)
    )
    tareas = [
        Tarea(d.pk, d.nombre, d.canal, d.destino, d.credencial, d.llave_servidor)
        for d in Difusor.objects.filter(estado=Difusor.Estado.ACTIVO)
        if d.pk not in entregados
    ]
    if not tareas:
        return []
    nombres = {t.difusor_id: t.nombre for t in tareas}
    intentos: dict[int, list[Intento]] = {t.difusor_id: [] for t in tareas}

    def anotar(intento: Intento) -> None:
        _registrar(intento, corte, nombres[intento.difusor_id], actor)
        intentos[intento.difusor_id].append(intento)
        if avisar is not None:
            avisar(intento, nombres[intento.difusor_id])

    paquetes: dict[int, Path] = {}
    for tarea in [t for t in tareas if t.canal == Difusor.Canal.SFTP]:
        inicio = timezone.now()
        diferencias = _publica_el_anterior(tarea.difusor_id, corte)
        try:
            paquetes[tarea.difusor_id] = paquete_de(carpeta, diferencias=diferencias)
        except ErrorDeDominio as exc:
            # A corte that does not verify is never sent: the difusor's attempt records why.
            detalle = f"el paquete del corte no se pudo hacer: {exc}"
            anotar(Intento(tarea.difusor_id, 1, inicio, timezone.now(), False, detalle))
            tareas.remove(tarea)
    _en_procesos(tareas, carpeta, paquetes, time.monotonic() + limite, detener, anotar)
    _podar_paquetes()
    return [
        Entrega(
            nombres[i],
            bool(lista) and lista[-1].entregado,
            len(lista),
            lista[-1].detalle if lista else "no se intentó: se pidió detener",
            sum(x.bytes for x in lista),
        )
        for i, lista in intentos.items()
    ]


def _publica_el_anterior(difusor_id: int, corte: Corte) -> bool:
    """Whether the difusor's last monitoring period found it serving the previous corte: then a
    package of differences is enough (and at national size with images, what fits its link);
    otherwise (a new difusor, one that failed, or no monitoring yet) it gets the full one."""
    ultimo = Periodo.objects.filter(difusor_id=difusor_id).order_by("-momento", "-pk").first()
    return ultimo is not None and ultimo.correcto and ultimo.corte == corte.numero - 1


def _en_procesos(
    tareas: list[Tarea],
    carpeta: Path,
    paquetes: dict[int, Path],
    fin: float,
    detener: threading.Event | None,
    anotar: Callable[[Intento], None],
) -> None:
    """Run each tarea in its own process and `anotar` every attempt as it arrives."""
    contexto = multiprocessing.get_context("spawn")
    cola, parar = contexto.Queue(), contexto.Event()
    por_id = {t.difusor_id: t for t in tareas}
    procesos: dict[int, multiprocessing.process.BaseProcess] = {}

    def lanzar(tarea: Tarea, desde: int) -> None:
        procesos[tarea.difusor_id] = contexto.Process(
            target=enviar_a,
            args=(tarea, carpeta, paquetes.get(tarea.difusor_id), fin, parar, cola, desde),
            name=f"envio-{tarea.nombre}",
            daemon=True,
        )
        procesos[tarea.difusor_id].start()

    for tarea in tareas:
        lanzar(tarea, 1)
    pendientes = set(por_id)
    ultimos: dict[int, int] = {}
    try:
        while pendientes:
            if detener is not None and detener.is_set():
                parar.set()
            try:
                mensaje = cola.get(timeout=PULSO)
            except queue.Empty:
                for difusor_id in _caidos(procesos, pendientes):
                    # A crash is a failed attempt like any other: recorded, then retried.
                    numero = ultimos.get(difusor_id, 0) + 1
                    ultimos[difusor_id] = numero
                    ahora = timezone.now()
                    codigo = procesos[difusor_id].exitcode
                    anotar(
                        Intento(
                            difusor_id,
                            numero,
                            ahora,
                            ahora,
                            False,
                            f"el proceso de envío terminó de forma inesperada (código {codigo})",
                        )
                    )
                    if parar.is_set() or time.monotonic() + ESPERAS[0] >= fin:
                        pendientes.discard(difusor_id)
                    else:
                        lanzar(por_id[difusor_id], numero + 1)
                continue
            if isinstance(mensaje, Terminado):
                pendientes.discard(mensaje.difusor_id)
            else:
                ultimos[mensaje.difusor_id] = mensaje.numero
                anotar(mensaje)
    finally:
        parar.set()
        for proceso in procesos.values():
            proceso.join(timeout=10)
            if proceso.is_alive():
                proceso.kill()
                proceso.join()


def _caidos(procesos: dict, pendientes: set[int]) -> list[int]:
    """The difusores whose process was killed before it said it was done (its exit status is
    not 0: a clean end always says so first)."""
    return [i for i in pendientes if procesos[i].exitcode not in (None, 0)]


def _registrar(intento: Intento, corte: Corte, nombre: str, actor: Actor) -> None:
    with transaction.atomic():
        Envio.objects.create(
            difusor_id=intento.difusor_id,
            corte=corte.numero,
            carpeta=corte.carpeta,
            intento=intento.numero,
            inicio=intento.inicio,
            fin=intento.fin,
            entregado=intento.entregado,
            detalle=intento.detalle,
            bytes=intento.bytes,
            archivos=intento.archivos,
        )
        registrar(
            actor.nombre,
            "difusor.envio",
            f"difusor:{nombre}",
            None,
            {
                "corte": corte.numero,
                "intento": intento.numero,
                "entregado": intento.entregado,
                "detalle": intento.detalle,
                "bytes": intento.bytes,
                "segundos": round((intento.fin - intento.inicio).total_seconds(), 3),
            },
        )


def paquete_de(carpeta: Path, *, diferencias: bool = False) -> Path:
    """The corte's package for the SFTP difusores (full, or of differences with the previous
    corte), under VAR_DIR/paquetes: written once and shared by every difusor and retry (the same
    corte always gives the same bytes, so one left by an earlier run is reused). ErrorDeDominio
    when the corte does not verify."""
    nombre = f"{carpeta.name}{SUFIJO_DIFERENCIAS if diferencias else ''}.tar.gz"
    destino = Path(settings.VAR_DIR) / "paquetes" / nombre
    if not destino.is_file():
        destino.parent.mkdir(parents=True, exist_ok=True)
        empaquetar(carpeta, destino, diferencias=diferencias)
    return destino


def _podar_paquetes() -> None:
    """Keep only the newest cortes' packages (a difusor that missed one receives the newest)."""
    carpeta = Path(settings.VAR_DIR) / "paquetes"
    cortes = sorted({p.name[: len("AAAAMMDD_HHMM_PREP")] for p in carpeta.glob("*_PREP*.tar.gz")})
    for viejo in cortes[:-PAQUETES_CONSERVADOS]:
        for archivo in carpeta.glob(f"{viejo}*.tar.gz"):
            archivo.unlink(missing_ok=True)


def limite_del_periodo(corte: Corte) -> float:
    """Real seconds the push of `corte` may take: 90 % of the time left until the next scheduled
    corte (so that monitoring and the next corte start on time), or one interval after the
    final one."""
    ventana = programacion.ventana_de(programacion.calendario_vigente())
    intervalo = calendario.intervalo(ventana)
    siguiente = None if corte.final else calendario.proximo(ventana, corte.momento + intervalo / 2)
    restante = (siguiente or corte.momento + intervalo) - reloj.ahora()
    return max(reloj.segundos_reales(restante) * 0.9, 1.0)
