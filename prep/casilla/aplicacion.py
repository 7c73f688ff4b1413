"""The app's files as `prep servir` serves them: every file under `app/`, read once, with its
version.

The version is a SHA-256 over every file's path and bytes: the service worker (`sw.js`) carries
it, so any change to any file makes a new service worker, which the phones install in the
background (the app decides when to switch, never during an upload).
"""

import hashlib
import json
import mimetypes
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CARPETA = Path(__file__).resolve().parent / "app"
TRABAJADOR = "sw.js"
# Types the standard table may not know, or knows under another name.
_TIPOS = {
    ".webmanifest": "application/manifest+json",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
}


@dataclass(frozen=True)
class Archivo:
    """One file of the app, ready to serve."""

    datos: bytes
    tipo: str
    etiqueta: str  # ETag


@dataclass(frozen=True)
class Aplicacion:
    """Every file of the app by its path relative to /casilla/, and the app's version."""

    archivos: dict[str, Archivo]
    version: str


def _tipo(ruta: Path) -> str:
    adivinado = mimetypes.guess_type(ruta.name)[0]
    return _TIPOS.get(ruta.suffix) or adivinado or "application/octet-stream"


def leer(carpeta: Path = CARPETA) -> Aplicacion:
    """Read the app's folder: each file, and the service worker with its version and the list
    of files to keep for offline use."""
    rutas = sorted(p for p in carpeta.rglob("*") if p.is_file() and not p.name.startswith("."))
    contenido = {p.relative_to(carpeta).as_posix(): p.read_bytes() for p in rutas}
    huella = hashlib.sha256()
    for nombre, datos in contenido.items():
        huella.update(nombre.encode() + b"\0" + hashlib.sha256(datos).digest())
    version = huella.hexdigest()[:16]
    archivos = {}
    for ruta in rutas:
        nombre = ruta.relative_to(carpeta).as_posix()
        datos = contenido[nombre]
        if nombre == TRABAJADOR:
            lista = ", ".join(json.dumps(n) for n in ["./", *contenido] if n != TRABAJADOR)
            datos = datos.replace(b"__VERSION__", version.encode()).replace(
                b'"__ARCHIVOS__"', lista.encode()
            )
        etiqueta = f'"{hashlib.sha256(datos).hexdigest()[:32]}"'
        archivos[nombre] = Archivo(datos, _tipo(ruta), etiqueta)
    return Aplicacion(archivos, version)


@cache
def aplicacion() -> Aplicacion:
    """The app as this process serves it (read on first use; a new version is a new release
    of the server, which restarts)."""
    return leer()
