"""Creating a backup (`prep respaldo crear`) of a running system, in one file (the format:
prep.continuidad.formato).

The counts, images and cortes are read from the same snapshot as the database copy, so the
archive is consistent while the system keeps running: what is recorded after the snapshot is
simply not in it. The cortes travel with the database because the next corte needs them: it
chains to the last manifest, carries the last databases over and links unchanged files, and
`prep verificar` wants cortes 1..N.
"""

import hashlib
import io
import json
import sqlite3
import tarfile
import tempfile
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import psycopg
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prep import __version__
from prep.archivos import escribir_atomico
from prep.bitacora.servicios import registrar
from prep.continuidad import motores
from prep.continuidad.formato import (
    BASES,
    FORMATO,
    HILOS_ALMACEN,
    IMAGENES,
    LLAVE,
    MANIFIESTO,
    PUBLICACION,
    ErrorDeRespaldo,
    Lector,
    imagen_del_corte,
)
from prep.cuentas.identidad import Actor
from prep.digitalizacion.almacen import ImagenCorrupta, ImagenFaltante, almacen
from prep.errores import ErrorDeDominio
from prep.huella import huella_software
from prep.publicacion import llaves, manifiesto
from prep.publicacion.carpetas import PREFIJO_PREPARACION, raiz


@dataclass(frozen=True)
class Creado:
    """A backup written: where, its SHA-256 and size, what it holds and how long it took."""

    archivo: Path
    sha256: str
    bytes: int
    manifiesto: dict
    segundos: float


def crear(destino: Path, actor: Actor) -> Creado:
    """Write a backup of this installation to `destino` (never over an existing file).

    The file appears only complete (written beside it, flushed to disk, renamed) and the
    bitácora records it. ErrorDeRespaldo (Spanish) when something cannot be copied whole.
    """
    inicio = time.monotonic()
    motor = motores.en_uso()
    destino = Path(destino).absolute()
    if destino.exists():
        raise ErrorDeRespaldo(_("ya existe %(a)s; no se reemplaza un respaldo") % {"a": destino})
    if not destino.parent.is_dir():
        raise ErrorDeRespaldo(_("no existe la carpeta %(c)s") % {"c": destino.parent})
    creado = timezone.now()
    with tempfile.TemporaryDirectory(prefix=".respaldo-", dir=destino.parent) as trabajo:
        copiar = motores.copiar_sqlite if motor == "sqlite" else motores.volcar_postgres
        try:
            base, estado = copiar(Path(trabajo))
        except (sqlite3.Error, psycopg.Error) as exc:  # e.g. a database never migrated
            raise ErrorDeRespaldo(
                _("no se pudo leer la base de datos: %(e)s") % {"e": exc}
            ) from exc
        with escribir_atomico(destino) as archivo:
            salida = _Salida(archivo)
            with tarfile.open(fileobj=salida, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                escritor = _Escritor(tar, creado.timestamp(), [])
                with base.open("rb") as fuente:
                    escritor.agregar(BASES[motor], fuente, base.stat().st_size)
                base.unlink()  # its space is free for the rest
                _agregar_cortes(escritor, estado.cortes, set(estado.imagenes))
                _agregar_imagenes(escritor, estado.imagenes)
                llave = _llave_publica(estado.cortes)
                if llave is not None:
                    escritor.agregar(LLAVE, io.BytesIO(llave), len(llave))
                datos = _manifiesto(creado, motor, estado, llave, escritor.miembros)
                tar.addfile(escritor.info(MANIFIESTO, len(datos)), io.BytesIO(datos))
    sha = salida.hash.hexdigest()
    datos_manifiesto = json.loads(datos)
    with transaction.atomic():
        registrar(
            actor.nombre,
            "continuidad.respaldo",
            f"respaldo:{destino.name}",
            None,
            {
                "archivo": str(destino),
                "sha256": sha,
                "bytes": salida.bytes,
                "conteos": estado.conteos,
                "bitacora": datos_manifiesto["bitacora"],
            },
        )
    return Creado(destino, sha, salida.bytes, datos_manifiesto, time.monotonic() - inicio)


def _manifiesto(creado, motor: str, estado: motores.Estado, llave: bytes | None, miembros) -> bytes:
    datos = {
        "formato": FORMATO,
        "creado": creado.isoformat(),
        "prep": __version__,
        # Which software made it (prep huella): an auditor compares it with the night's.
        "huella_software": huella_software(),
        "motor": motor,
        "migraciones": dict(sorted(estado.migraciones.items())),
        "conteos": estado.conteos,
        "bitacora": {"numero": estado.cabeza[0], "hash": estado.cabeza[1]},
        "cortes": [{"numero": n, "carpeta": c, "manifiesto": h} for n, c, h in estado.cortes],
        "llave_publica": (
            llaves.huella_publica(llaves.leer_publica(llave)) if llave is not None else None
        ),
        "miembros": [{"nombre": n, "bytes": b, "sha256": s} for n, b, s in miembros],
    }
    # Compact: at national size it lists about a million members (jq shows it indented).
    return (json.dumps(datos, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


class _Salida:
    """The archive's file: every byte written also goes into its SHA-256."""

    def __init__(self, archivo: BinaryIO) -> None:
        self.archivo = archivo
        self.hash = hashlib.sha256()
        self.bytes = 0

    def write(self, datos: bytes) -> int:
        self.hash.update(datos)
        self.bytes += len(datos)
        return self.archivo.write(datos)


@dataclass
class _Escritor:
    """Adds members to the archive and lists them for the manifest."""

    tar: tarfile.TarFile
    mtime: float
    miembros: list[tuple[str, int, str]]  # (name, size, SHA-256)

    def info(self, nombre: str, tamano: int) -> tarfile.TarInfo:
        """A regular member's header."""
        info = tarfile.TarInfo(nombre)
        info.size, info.mtime, info.mode = tamano, self.mtime, 0o644
        return info

    def agregar(self, nombre: str, fuente: BinaryIO, tamano: int, esperado: str = "") -> str:
        """Copy `tamano` bytes of `fuente` into member `nombre`; its SHA-256, which must be
        `esperado` when given (ErrorDeRespaldo otherwise)."""
        lector = Lector(fuente)
        try:
            self.tar.addfile(self.info(nombre, tamano), lector)
        except OSError as exc:  # the file is shorter than its manifest says
            raise ErrorDeRespaldo(
                _("no se pudo leer %(n)s completo: %(e)s") % {"n": nombre, "e": exc}
            ) from exc
        sha = lector.hash.hexdigest()
        if esperado and sha != esperado:
            raise ErrorDeRespaldo(
                _("%(n)s no corresponde a su SHA-256 (%(s)s); no se respalda una copia dañada")
                % {"n": nombre, "s": esperado}
            )
        self.miembros.append((nombre, tamano, sha))
        return sha


def _leer_imagen(tienda, sha: str) -> bytes:
    try:
        return tienda.leer(sha)
    except (ImagenFaltante, ImagenCorrupta) as exc:
        raise ErrorDeRespaldo(
            _(
                "el almacén de imágenes no da la imagen %(s)s (%(e)s); no se hace un respaldo"
                " incompleto"
            )
            % {"s": sha, "e": exc}
        ) from exc


def _agregar_imagenes(escritor: _Escritor, imagenes: list[str]) -> None:
    """Every image, read from the store (which checks it against its SHA-256) a few at a time
    ahead of the writer, so that the store's latency (S3) overlaps; a bounded number is held
    in memory."""
    tienda = almacen()
    with ThreadPoolExecutor(HILOS_ALMACEN, thread_name_prefix="respaldar-imagenes") as hilos:
        pendientes: deque[tuple[str, Future]] = deque()
        for sha in [*imagenes, None]:
            if sha is not None:
                pendientes.append((sha, hilos.submit(_leer_imagen, tienda, sha)))
            while pendientes and (sha is None or len(pendientes) > 4 * HILOS_ALMACEN):
                listo, futuro = pendientes.popleft()
                datos = futuro.result()
                escritor.agregar(f"{IMAGENES}{listo}", io.BytesIO(datos), len(datos), listo)


def _abrir_del_corte(carpeta: str, ruta: str) -> BinaryIO:
    """A file of a recorded corte. For an instant after it is recorded a corte is still in its
    staging folder, about to be renamed: the final name is tried again after the staging one,
    in case the rename happened in between."""
    publicacion = raiz()
    for base in (carpeta, f"{PREFIJO_PREPARACION}{carpeta}", carpeta):
        with suppress(FileNotFoundError):
            return (publicacion / base / ruta).open("rb")
    raise ErrorDeRespaldo(
        _("falta %(r)s del corte %(c)s en %(p)s; no se puede respaldar la publicación")
        % {"r": ruta, "c": carpeta, "p": publicacion}
    )


def _agregar_cortes(
    escritor: _Escritor, cortes: list[tuple[int, str, str]], imagenes: set[str]
) -> None:
    """Every recorded corte: its manifest (the one the database records) and signature, and
    each file it lists unless the previous corte has it at the same path with the same
    SHA-256, or it is the copy of an image the archive carries (checked against the manifest
    as it is copied)."""
    previos: dict[str, str] = {}
    for numero, carpeta, huella in cortes:
        with _abrir_del_corte(carpeta, manifiesto.MANIFIESTO) as archivo:
            datos = archivo.read()
        if manifiesto.huella(datos) != huella:
            raise ErrorDeRespaldo(
                _("el manifiesto del corte %(n)s (%(c)s) no es el que la base registra")
                % {"n": numero, "c": carpeta}
            )
        prefijo = f"{PUBLICACION}{carpeta}/"
        escritor.agregar(prefijo + manifiesto.MANIFIESTO, io.BytesIO(datos), len(datos), huella)
        with _abrir_del_corte(carpeta, manifiesto.FIRMA) as firma:
            datos_firma = firma.read()
        escritor.agregar(prefijo + manifiesto.FIRMA, io.BytesIO(datos_firma), len(datos_firma))
        archivos = manifiesto.leer(datos).archivos
        for archivo in archivos:
            if previos.get(archivo.ruta) == archivo.sha256 or (
                imagen_del_corte(archivo) and archivo.sha256 in imagenes
            ):
                continue
            with _abrir_del_corte(carpeta, archivo.ruta) as fuente:
                escritor.agregar(prefijo + archivo.ruta, fuente, archivo.bytes, archivo.sha256)
        previos = {a.ruta: a.sha256 for a in archivos}


def _llave_publica(cortes: list[tuple[int, str, str]]) -> bytes | None:
    """The institute's public key as the last corte published it (what difusores and citizens
    trust; no private key nor its passphrase needed), else from the private key when there is
    one and no corte yet."""
    if cortes:
        with _abrir_del_corte(cortes[-1][1], LLAVE) as archivo:
            return archivo.read()
    if not llaves.ruta_llave().exists():
        return None
    try:
        return llaves.publica_pem(llaves.cargar().public_key())
    except ErrorDeDominio as exc:
        raise ErrorDeRespaldo(str(exc)) from exc
