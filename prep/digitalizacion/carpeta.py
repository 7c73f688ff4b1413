"""The watched folder: a CATD scanner drops files in a folder and they are ingested.

A file is read only once it is complete: after its writer closed it (inotify's close-write) or
renamed it into place; a file not being written (present at start, moved in from elsewhere, or on
a platform without close events) once its size and modification time stayed the same for
`espera` seconds. With inotify, a file a writer has open is never read, however long it
pauses. Then it
goes through `recibir_imagen` and is moved to `procesadas/`, or to `rechazadas/` beside a
`<nombre>.motivo.txt` saying why. A crash between ingest and move is harmless: on restart the file
is ingested again, which finds the existing record.
"""

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from django.utils.translation import gettext as _
from watchdog.events import (
    FileClosedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from prep.cuentas.identidad import Actor
from prep.cuentas.models import Dispositivo
from prep.digitalizacion.lectura import comprobar_tamano
from prep.digitalizacion.servicios import AlmacenNoDisponible, recibir_imagen
from prep.errores import ErrorDeDominio

PROCESADAS, RECHAZADAS = "procesadas", "rechazadas"
# Names a writer uses while a file is incomplete (then renames it), and system clutter.
_IGNORADOS = (".tmp", ".part", ".crdownload", "~")


class DispositivoNoValido(Exception):
    """The device named for the folder does not exist or was revoked."""


def actor_del_dispositivo(nombre: str) -> Actor:
    """The actor of the named, unrevoked device (checked again before each file)."""
    dispositivo = (
        Dispositivo.objects.select_related("centro")
        .filter(nombre=nombre, revocado__isnull=True, emitido__lte=timezone.now())
        .first()
    )
    if dispositivo is None:
        raise DispositivoNoValido(
            _("no hay un dispositivo vigente llamado «%(nombre)s»") % {"nombre": nombre}
        )
    return Actor(
        f"dispositivo:{dispositivo.nombre}", None, dispositivo.centro, dispositivo_id=dispositivo.pk
    )


@dataclass(frozen=True)
class Resultado:
    """What became of one file."""

    nombre: str
    aceptado: bool
    mensaje: str


class _Pendientes(FileSystemEventHandler):
    """Files seen changing: when they last changed, which are being written (modified and not
    yet closed) and which their writer closed. `con_cierres`: the observer reports close-write
    (Linux inotify); elsewhere only the quiet period tells a file is complete."""

    def __init__(self, carpeta: Path) -> None:
        self.carpeta = carpeta
        self.con_cierres = False
        self.candado = threading.Lock()
        self.cambios: dict[Path, float] = {}
        self.escribiendo: set[Path] = set()
        self.cerrados: set[Path] = set()

    def anotar(self, ruta: Path, evento: str = "visto") -> None:
        """Note an event on `ruta`: "visto" (it exists or changed), "escrito" (a writer
        modified it) or "cerrado" (complete: closed after writing, or renamed into place)."""
        if (
            ruta.parent != self.carpeta
            or ruta.name.startswith(".")
            or ruta.name.endswith(_IGNORADOS)
        ):
            return
        with self.candado:
            self.cambios[ruta] = time.monotonic()
            if evento == "escrito" and self.con_cierres:
                self.escribiendo.add(ruta)
                self.cerrados.discard(ruta)
            elif evento == "cerrado":
                self.escribiendo.discard(ruta)
                self.cerrados.add(ruta)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            return
        if isinstance(event, FileMovedEvent):
            self.anotar(Path(os.fsdecode(event.dest_path)), "cerrado")
        elif isinstance(event, FileClosedEvent):
            self.anotar(Path(os.fsdecode(event.src_path)), "cerrado")
        elif event.event_type == "modified":
            self.anotar(Path(os.fsdecode(event.src_path)), "escrito")
        elif event.event_type == "created":
            self.anotar(Path(os.fsdecode(event.src_path)))

    def listos(self, espera: float, vistos: dict[Path, tuple[int, int]]) -> list[Path]:
        """Files complete by now: closed by their writer, or (not being written, not empty)
        unchanged for `espera` seconds. `vistos` keeps each file's last (size, mtime)."""
        ahora, listos = time.monotonic(), []
        with self.candado:
            for ruta, cambio in list(self.cambios.items()):
                try:
                    estado = ruta.stat()
                except FileNotFoundError:
                    estado = None
                firma = (estado.st_size, estado.st_mtime_ns) if estado else None
                quieto = (
                    firma is not None
                    and firma[0] > 0
                    and ruta not in self.escribiendo
                    and vistos.get(ruta) == firma
                    and ahora - cambio >= espera
                )
                if firma is None or ruta in self.cerrados or quieto:
                    if firma is not None:
                        listos.append(ruta)
                    self.cambios.pop(ruta)
                    self.escribiendo.discard(ruta)
                    self.cerrados.discard(ruta)
                    vistos.pop(ruta, None)
                elif firma != vistos.get(ruta):
                    vistos[ruta] = firma
                    self.cambios[ruta] = ahora
        return sorted(listos)


class Vigilante:
    """Ingests the files dropped in `carpeta` as uploads of the named device."""

    def __init__(
        self,
        carpeta: Path,
        dispositivo: str,
        espera: float = 2.0,
        informar: Callable[[Resultado], None] = lambda resultado: None,
    ) -> None:
        self.carpeta = Path(carpeta).resolve()
        self.dispositivo = dispositivo
        self.espera = espera
        self.informar = informar
        self.pendientes = _Pendientes(self.carpeta)
        self._vistos: dict[Path, tuple[int, int]] = {}
        self._reintentar = True

    def correr(self, detener: threading.Event, una_vez: bool = False) -> None:
        """Watch until `detener` is set (or, `una_vez`, until the files present at start are
        done). DispositivoNoValido stops it, leaving the files in place."""
        actor_del_dispositivo(self.dispositivo)  # fail fast on a wrong name
        self._reintentar = not una_vez
        for nombre in (PROCESADAS, RECHAZADAS):
            (self.carpeta / nombre).mkdir(exist_ok=True)
        observador = Observer()
        self.pendientes.con_cierres = type(observador).__name__ == "InotifyObserver"
        observador.schedule(self.pendientes, str(self.carpeta), recursive=False)
        observador.start()
        try:
            for ruta in self.carpeta.iterdir():
                if ruta.is_file():
                    self.pendientes.anotar(ruta)
            while not detener.is_set():
                self.revisar()
                if una_vez and not self.pendientes.cambios:
                    break
                detener.wait(min(0.25, self.espera / 4))
        finally:
            observador.stop()
            observador.join()

    def revisar(self) -> list[Resultado]:
        """Ingest the files that are complete now."""
        resultados = [self.procesar(r) for r in self.pendientes.listos(self.espera, self._vistos)]
        if resultados:
            close_old_connections()  # a long-running process: drop a stale connection
        return resultados

    def procesar(self, ruta: Path) -> Resultado:
        """Ingest one complete file and move it to `procesadas/` or `rechazadas/`."""
        actor = actor_del_dispositivo(self.dispositivo)
        try:
            comprobar_tamano(ruta.stat().st_size, settings.PREP_IMAGEN_MAX_BYTES)
            recepcion = recibir_imagen(ruta.read_bytes(), ruta.name, actor)
        except AlmacenNoDisponible as exc:
            # Not a refused file: it stays where it is and is tried again after `espera`
            # (once per run with una_vez, which must end).
            if self._reintentar:
                self.pendientes.anotar(ruta)
            resultado = Resultado(ruta.name, False, str(exc))
        except ErrorDeDominio as exc:
            destino = self._mover(ruta, RECHAZADAS)
            motivo = destino.with_name(destino.name + ".motivo.txt")
            motivo.write_text(f"{exc.codigo}: {exc}\n", encoding="utf-8")
            resultado = Resultado(ruta.name, False, str(exc))
        else:
            self._mover(ruta, PROCESADAS)
            imagen = recepcion.imagen
            mensaje = imagen.get_estado_display()
            if imagen.acta_id:
                mensaje += f" ({imagen.acta.acta_esperada.clave})"
            elif imagen.motivo:
                mensaje += f": {imagen.motivo}"
            resultado = Resultado(ruta.name, True, mensaje)
        self.informar(resultado)
        return resultado

    def _mover(self, ruta: Path, subcarpeta: str) -> Path:
        """Move the file into the subfolder, never over another file of the same name."""
        destino, n = self.carpeta / subcarpeta / ruta.name, 1
        while destino.exists():
            destino = destino.with_name(f"{ruta.stem}.{n}{ruta.suffix}")
            n += 1
        os.replace(ruta, destino)
        return destino
