"""File-system primitives for crash safety: what is written survives a kill -9 or a power loss
whole, or not at all.

A write reaches the disk only when its file is fsynced, and a new or renamed name only when its
folder is: without both, a power loss can leave an empty file, a truncated one, or none, under a
name that was already reported as written. A file appears under its final name only complete:
it is written beside it, flushed, and renamed over it (a rename within one folder is atomic).

A leaf module: it imports nothing from prep, so every layer may use it.
"""

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO


def sincronizar_archivo(ruta: Path) -> None:
    """fsync a file already written and closed (before it is renamed into place)."""
    with open(ruta, "rb") as archivo:
        os.fsync(archivo.fileno())


def sincronizar_carpeta(carpeta: Path) -> None:
    """fsync a folder, so that the entries created, renamed or removed in it survive a power
    loss."""
    descriptor = os.open(carpeta, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def sincronizar_arbol(carpeta: Path) -> None:
    """Everything written so far, and `carpeta`'s entries, reach the disk: for a whole tree of
    new files (a corte's hundreds of thousands), where one sync of the file systems costs far
    less than an fsync per file and per subfolder."""
    os.sync()
    sincronizar_carpeta(carpeta)


def _temporal(destino: Path, modo: int) -> tuple[int, Path]:
    """A new hidden file beside `destino` (same folder: the rename is atomic), with a name no
    other process or thread is using."""
    while True:
        temporal = destino.with_name(f".{destino.name}.{secrets.token_hex(4)}.tmp")
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
            return os.open(temporal, flags, modo), temporal
        except FileExistsError:
            continue


@contextmanager
def escribir_atomico(destino: Path, modo: int | None = None) -> Iterator[BinaryIO]:
    """Write `destino` whole or not at all: the block writes into a hidden temporary file in
    the same folder, which on a normal exit is flushed to disk, renamed over `destino`, and the
    folder synced; on an exception it is removed and `destino` is left as it was.

    `modo`: the file's exact permissions, set before any byte is written (0o600 for secrets);
    None gives what `open()` would (0o666 less the umask).
    """
    descriptor, temporal = _temporal(destino, 0o666 if modo is None else 0o600)
    try:
        with os.fdopen(descriptor, "wb") as archivo:
            if modo is not None:
                os.fchmod(archivo.fileno(), modo)
            yield archivo
            archivo.flush()
            os.fsync(archivo.fileno())
        os.replace(temporal, destino)
    except BaseException:
        with suppress(FileNotFoundError):
            temporal.unlink()
        raise
    sincronizar_carpeta(destino.parent)


def crear_nuevo(ruta: Path, datos: bytes, modo: int = 0o600) -> None:
    """Create `ruta` with `datos`, durably, never over an existing file nor through a planted
    symbolic link (FileExistsError): for what must never be replaced, like a signing key. The
    file has `modo` from its creation (never readable by others, not even for an instant);
    removed again if it cannot be written whole."""
    descriptor = os.open(ruta, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, modo)
    try:
        with os.fdopen(descriptor, "wb") as archivo:
            archivo.write(datos)
            archivo.flush()
            os.fsync(archivo.fileno())
    except BaseException:
        ruta.unlink(missing_ok=True)
        raise
    sincronizar_carpeta(ruta.parent)


def reemplazar_enlace(enlace: Path, objetivo: str) -> None:
    """Point the symbolic link `enlace` at `objetivo` atomically and durably: a new link is
    renamed over the old one, so a reader follows the old target or the new one, never none.
    The new link is first made as `.<name>.<pid>` beside it; a process killed in between
    leaves it there, for its owner to remove."""
    temporal = enlace.with_name(f".{enlace.name}.{os.getpid()}")
    temporal.unlink(missing_ok=True)
    temporal.symlink_to(objetivo, target_is_directory=True)
    os.replace(temporal, enlace)
    sincronizar_carpeta(enlace.parent)
