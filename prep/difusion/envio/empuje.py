"""Push one corte to every active difusor in parallel, retrying with backoff inside the period.

One thread per difusor does the transfer (SFTP: the corte's package into its inbox; S3: the
corte's changed files into its bucket) and retries until it succeeds or the period's time runs
out; every attempt, good or bad, comes back to the calling thread, which stores it (an `Envio`
row and its bitácora entry, in one transaction) as it arrives. The database is touched only by
the calling thread, so a push never holds a connection per difusor.

A difusor that already received the corte is not sent it again, so running the push twice (a
restart, or an operator's `prep difusor enviar`) only completes what is missing. Suspended or
cut-off difusores receive nothing (spec D7).
"""

import itertools
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from prep import reloj
from prep.actas.servicios import ErrorDeDominio
from prep.bitacora.servicios import registrar
from prep.cuentas.identidad import SISTEMA, Actor
from prep.difusion.destinos import (
    DestinoS3,
    DestinoSFTP,
    FallaDeEnvio,
    credencial_s3,
    interpretar,
    leer_credencial,
)
from prep.difusion.envio import s3, sftp
from prep.difusion.models import Difusor, Envio
from prep.difusion.paquete import empaquetar
from prep.publicacion import calendario, programacion
from prep.publicacion.corte import raiz
from prep.publicacion.models import Corte

# Waits between attempts, in real seconds; the last one repeats until the period ends.
ESPERAS = (2.0, 4.0, 8.0, 15.0, 30.0)
PAQUETES_CONSERVADOS = 3


@dataclass(frozen=True, slots=True)
class Intento:
    """One attempt to deliver a corte to a difusor."""

    difusor_id: int
    numero: int
    inicio: datetime
    fin: datetime
    entregado: bool
    detalle: str
    bytes: int = 0
    archivos: int = 0


@dataclass(frozen=True, slots=True)
class Entrega:
    """How the push of one corte ended for one difusor."""

    difusor: str
    entregado: bool
    intentos: int
    detalle: str
    bytes: int


@dataclass(frozen=True, slots=True)
class _Tarea:
    difusor_id: int
    nombre: str
    canal: str
    destino: str
    credencial: str
    llave_servidor: str


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
            raise ErrorDeDominio("aún no hay cortes publicados que enviar", "sin_corte", 404)
    carpeta = raiz() / corte.carpeta
    entregados = set(
        Envio.objects.filter(corte=corte.numero, entregado=True).values_list("difusor", flat=True)
    )
    tareas = [
        _Tarea(d.pk, d.nombre, d.canal, d.destino, d.credencial, d.llave_servidor)
        for d in Difusor.objects.filter(estado=Difusor.Estado.ACTIVO)
        if d.pk not in entregados
    ]
    if not tareas:
        return []
    paquete = _Paquete(carpeta)
    fin = time.monotonic() + limite
    detener = detener or threading.Event()
    cola: queue.SimpleQueue[Intento | int] = queue.SimpleQueue()
    for tarea in tareas:
        threading.Thread(
            target=_enviar_a,
            args=(tarea, carpeta, paquete, fin, detener, cola),
            name=f"envio-{tarea.nombre}",
            daemon=True,
        ).start()
    nombres = {t.difusor_id: t.nombre for t in tareas}
    intentos: dict[int, list[Intento]] = {t.difusor_id: [] for t in tareas}
    pendientes = len(tareas)
    while pendientes:
        mensaje = cola.get()
        if isinstance(mensaje, int):  # that difusor's thread is done
            pendientes -= 1
            continue
        _registrar(mensaje, corte, nombres[mensaje.difusor_id], actor)
        intentos[mensaje.difusor_id].append(mensaje)
        if avisar is not None:
            avisar(mensaje, nombres[mensaje.difusor_id])
    paquete.podar()
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


def _enviar_a(
    tarea: _Tarea,
    carpeta: Path,
    paquete: "_Paquete",
    fin: float,
    detener: threading.Event,
    cola: queue.SimpleQueue,
) -> None:
    try:
        for numero in itertools.count(1):
            inicio = timezone.now()
            try:
                enviados, archivos, detalle = _transmitir(
                    tarea, carpeta, paquete, max(fin - time.monotonic(), 1.0)
                )
            except FallaDeEnvio as exc:
                cola.put(Intento(tarea.difusor_id, numero, inicio, timezone.now(), False, str(exc)))
            else:
                cola.put(
                    Intento(
                        tarea.difusor_id,
                        numero,
                        inicio,
                        timezone.now(),
                        True,
                        detalle,
                        enviados,
                        archivos,
                    )
                )
                return
            espera = ESPERAS[min(numero, len(ESPERAS)) - 1]
            if time.monotonic() + espera >= fin or detener.wait(espera):
                return
    finally:
        cola.put(tarea.difusor_id)


def _transmitir(tarea: _Tarea, carpeta: Path, paquete: "_Paquete", tiempo: float):
    """One transfer: (bytes sent, files sent, what was done in Spanish)."""
    try:
        destino = interpretar(tarea.canal, tarea.destino)
    except ValueError as exc:
        raise FallaDeEnvio(f"destino inválido: {exc}") from exc
    secreto = leer_credencial(tarea.credencial)
    if isinstance(destino, DestinoSFTP):
        archivo = paquete.archivo()
        enviados = sftp.enviar(
            destino, tarea.llave_servidor, secreto, [(archivo, archivo.name)], tiempo
        )
        return enviados, 1, f"paquete {archivo.name} ({enviados:,} bytes) en {destino}"
    assert isinstance(destino, DestinoS3)
    acceso, clave = credencial_s3(secreto)
    hecho = s3.sincronizar(destino, acceso, clave, carpeta, tiempo)
    return (
        hecho.bytes,
        hecho.subidos,
        f"{hecho.subidos:,} archivos subidos ({hecho.bytes:,} bytes), {hecho.sin_cambio:,} sin"
        f" cambio y {hecho.borrados:,} borrados en {destino}",
    )


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


class _Paquete:
    """The corte's package for the SFTP difusores, written once (the first thread that needs it)
    under VAR_DIR/paquetes and shared by every difusor and retry; the same corte always gives the
    same bytes, so one left by an earlier run is reused."""

    def __init__(self, carpeta: Path) -> None:
        self._carpeta = carpeta
        self._carpeta_paquetes = Path(settings.VAR_DIR) / "paquetes"
        self._candado = threading.Lock()
        self._listo: Path | None = None

    def archivo(self) -> Path:
        """The package's path, writing it the first time. FallaDeEnvio if the corte does not
        verify (a damaged corte is never sent)."""
        with self._candado:
            if self._listo is None:
                destino = self._carpeta_paquetes / f"{self._carpeta.name}.tar.gz"
                if not destino.is_file():
                    self._carpeta_paquetes.mkdir(parents=True, exist_ok=True)
                    try:
                        empaquetar(self._carpeta, destino)
                    except ErrorDeDominio as exc:
                        raise FallaDeEnvio(f"el paquete del corte no se pudo hacer: {exc}") from exc
                self._listo = destino
            return self._listo

    def podar(self) -> None:
        """Keep only the newest packages (a difusor that missed one receives the newest)."""
        viejos = sorted(self._carpeta_paquetes.glob("*_PREP.tar.gz"))[:-PAQUETES_CONSERVADOS]
        for viejo in viejos:
            viejo.unlink(missing_ok=True)


def limite_del_periodo(corte: Corte) -> float:
    """Real seconds the push of `corte` may take: 90 % of the time left until the next scheduled
    corte (so that monitoring and the next corte start on time), or one interval after the
    final one."""
    ventana = programacion.ventana_de(programacion.calendario_vigente())
    intervalo = calendario.intervalo(ventana)
    siguiente = None if corte.final else calendario.proximo(ventana, corte.momento + intervalo / 2)
    restante = (siguiente or corte.momento + intervalo) - reloj.ahora()
    return max(reloj.segundos_reales(restante) * 0.9, 1.0)
