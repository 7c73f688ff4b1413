"""The difusor's inbox: where the institute's SFTP push leaves each package, and what publishes it.

The SFTP account only writes into BANDEJA (least privilege: no shell, no access to the site);
this process, run by the difusor, takes each complete package in corte order and receives it
into DESTINO (`recepcion.recibir`: verified before extraction, swapped in atomically). A
package that is published is deleted from the inbox (its corte lives on in DESTINO); a refused
one moves to BANDEJA/rechazados/ for the support team, with the reason in DESTINO's log.

The push uploads under a hidden temporary name and renames when complete, so only visible
names ending in `_PREP.tar.gz` or `_PREP.tar` are taken. `vigilar` wakes on the rename
(watchdog) and also looks every few seconds, so a lost file-system event only delays a corte.
"""

import threading
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from prep.difusion.recepcion import Recepcion, Resultado, recibir

RECHAZADOS = "rechazados"
SUFIJOS = ("_PREP.tar.gz", "_PREP.tar")
REVISION = 5.0  # seconds between looks at the inbox besides the watchdog events
PULSO = 0.25  # how soon a stop request is noticed while waiting


def pendientes(bandeja: Path) -> list[Path]:
    """The complete packages waiting in `bandeja`, oldest corte first (names sort by time)."""
    return sorted(
        p
        for p in bandeja.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.name.endswith(SUFIJOS)
    )


def procesar(
    bandeja: Path,
    destino: Path,
    llave: Ed25519PublicKey | None = None,
    conservar: int | None = None,
) -> list[Recepcion]:
    """Receive every package waiting in `bandeja` into `destino`, in corte order; what each
    attempt did. ValueError (in Spanish) when `bandeja` is not a folder."""
    if not bandeja.is_dir():
        raise ValueError(f"la bandeja {bandeja} no existe o no es una carpeta")
    recepciones = []
    for paquete in pendientes(bandeja):
        recepcion = recibir(paquete, destino, llave, conservar)
        if recepcion.resultado is Resultado.ACEPTADO:
            paquete.unlink(missing_ok=True)
        else:
            rechazados = bandeja / RECHAZADOS
            rechazados.mkdir(exist_ok=True)
            paquete.replace(rechazados / paquete.name)
        recepciones.append(recepcion)
    return recepciones


class _Despertador(FileSystemEventHandler):
    def __init__(self, evento: threading.Event) -> None:
        self._evento = evento

    def on_any_event(self, event: FileSystemEvent) -> None:
        self._evento.set()


def vigilar(
    bandeja: Path,
    destino: Path,
    detener: threading.Event,
    informar: Callable[[Recepcion], None],
    llave: Ed25519PublicKey | None = None,
    conservar: int | None = None,
) -> None:
    """Process the inbox now and whenever a package arrives, until `detener` is set."""
    despertar = threading.Event()
    observador = Observer()
    observador.schedule(_Despertador(despertar), str(bandeja), recursive=False)
    observador.start()
    try:
        while not detener.is_set():
            despertar.clear()
            for recepcion in procesar(bandeja, destino, llave, conservar):
                informar(recepcion)
            for _ in range(int(REVISION / PULSO)):
                if despertar.wait(PULSO) or detener.is_set():
                    break
    finally:
        observador.stop()
        observador.join()
