"""One difusor's push, in its own process: attempts with backoff until delivered or out of time.

Django-free on purpose: the orchestrator (`empuje`) starts one process per difusor with the
`spawn` method, so a difusor whose transfer is slow or CPU-hungry (an S3 bucket with thousands
of changed files) never starves another of the interpreter, and one that crashes takes no other
down. Each attempt goes back through a queue to the orchestrator, which stores it.
"""

import itertools
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from prep.difusion.destinos import (
    DestinoS3,
    DestinoSFTP,
    FallaDeEnvio,
    credencial_s3,
    interpretar,
    leer_credencial,
)
from prep.difusion.envio import s3, sftp

# Waits between attempts, in real seconds; the last one repeats until the period ends.
ESPERAS = (2.0, 4.0, 8.0, 15.0, 30.0)


@dataclass(frozen=True, slots=True)
class Tarea:
    """What a push needs to know of one difusor (no secret: only where it is)."""

    difusor_id: int
    nombre: str
    canal: str
    destino: str
    credencial: str
    llave_servidor: str


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
class Terminado:
    """A difusor's process is done (delivered, out of time, or told to stop)."""

    difusor_id: int


def _ahora() -> datetime:
    return datetime.now(UTC)


def enviar_a(
    tarea: Tarea, carpeta: Path, paquete: Path | None, fin: float, parar, cola, desde: int = 1
) -> None:
    """Deliver the corte `carpeta` (SFTP: its package `paquete`) to the difusor of `tarea`,
    retrying with backoff until `fin` (time.monotonic, shared by every process on the machine)
    or until `parar` is set; every attempt (numbered from `desde`) and then Terminado are put
    on `cola`."""
    try:
        for numero in itertools.count(desde):
            inicio = _ahora()
            try:
                enviados, archivos, detalle = transmitir(
                    tarea, carpeta, paquete, max(fin - time.monotonic(), 1.0)
                )
            except FallaDeEnvio as exc:
                cola.put(Intento(tarea.difusor_id, numero, inicio, _ahora(), False, str(exc)))
            except Exception as exc:  # a defect must not end the night's retries unrecorded
                detalle = f"error inesperado: {exc!r}"
                cola.put(Intento(tarea.difusor_id, numero, inicio, _ahora(), False, detalle))
            else:
                cola.put(
                    Intento(
                        tarea.difusor_id,
                        numero,
                        inicio,
                        _ahora(),
                        True,
                        detalle,
                        enviados,
                        archivos,
                    )
                )
                return
            espera = ESPERAS[min(numero, len(ESPERAS)) - 1]
            if time.monotonic() + espera >= fin or parar.wait(espera):
                return
    finally:
        cola.put(Terminado(tarea.difusor_id))


def transmitir(tarea: Tarea, carpeta: Path, paquete: Path | None, tiempo: float):
    """One transfer: (bytes sent, files sent, what was done, in Spanish)."""
    try:
        destino = interpretar(tarea.canal, tarea.destino)
    except ValueError as exc:
        raise FallaDeEnvio(f"destino inválido: {exc}") from exc
    secreto = leer_credencial(tarea.credencial)
    if isinstance(destino, DestinoSFTP):
        if paquete is None:
            raise FallaDeEnvio("no hay paquete del corte que enviar por SFTP")
        # A package of differences arrives under the corte's own name: the difusor's inbox
        # takes either kind, and its reception tells them apart by their content.
        nombre = paquete.name.split(".", 1)[0] + ".tar.gz"
        enviados = sftp.enviar(destino, tarea.llave_servidor, secreto, [(paquete, nombre)], tiempo)
        tipo = "de diferencias" if nombre != paquete.name else "completo"
        return enviados, 1, f"paquete {tipo} {nombre} ({enviados:,} bytes) en {destino}"
    assert isinstance(destino, DestinoS3)
    acceso, clave = credencial_s3(secreto)
    hecho = s3.sincronizar(destino, acceso, clave, carpeta, tiempo)
    return (
        hecho.bytes,
        hecho.subidos,
        f"{hecho.subidos:,} archivos subidos ({hecho.bytes:,} bytes), {hecho.sin_cambio:,} sin"
        f" cambio y {hecho.borrados:,} borrados en {destino}",
    )
