"""Backups of a PREP installation in one file, and restoring one into an empty system.

A backup is an uncompressed tar (the images and a PostgreSQL dump are compressed already):

    base/prep.sqlite3 | base/prep.dump   the database: an online copy (the sqlite3 backup API)
                                          or `pg_dump --format=custom`, of one snapshot
    publicacion/<AAAAMMDD_HHMM_PREP>/…    every corte the database records: its manifest and
                                          signature, and the files that changed since the
                                          previous corte
    imagenes/<sha256>                     every acta image the database knows, as stored
    llave_publica.pem                     the institute's public signing key (never the private)
    respaldo.json                         the manifest, last: format, engine, migrations,
                                          counts, and every member's size and SHA-256

A corte is stored as the generator writes it: what did not change since the previous corte is
not stored again (the restore links it, as the generator does), nor are its copies of the acta
images (they come from `imagenes/`). Its signed manifest lists every file, so the restored
folders are checked whole. The archive grows with what changed, not with the number of cortes
times their files (≈ 700,000 per corte at national size).

The counts, images and cortes are read from the same snapshot as the database copy, so the
archive is consistent while the system keeps running: what is recorded after the snapshot is
simply not in it. The cortes travel with the database because the next corte needs them: it
chains to the last manifest, carries the last databases over and links unchanged files, and
`prep verificar` wants cortes 1..N.

Restoring verifies every member against the manifest before it touches anything; then it
installs the database atomically (a renamed file; one `pg_restore` transaction), the images into
the configured store and the cortes into the publication folder, and checks the bitácora chain,
the counts and the restored cortes.
"""

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

import psycopg
from django.apps import apps
from django.db import connection, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

from prep import __version__
from prep.actas.models import Acta
from prep.actas.servicios import ErrorDeDominio
from prep.bitacora.cadena import GENESIS
from prep.bitacora.models import Cabeza, Entrada
from prep.bitacora.servicios import CABEZA, registrar, verificar_base
from prep.cuentas.identidad import Actor
from prep.digitalizacion.almacen import ImagenCorrupta, ImagenFaltante, almacen
from prep.digitalizacion.models import Imagen
from prep.publicacion import llaves, manifiesto
from prep.publicacion.corte import PREFIJO_PREPARACION, apuntar_ultimo, raiz, sincronizar
from prep.publicacion.models import Corte
from prep.publicacion.verificacion_corte import CARPETA_DE_CORTE, verificar_publicacion

FORMATO = "prep-abierto/respaldo/1"
MANIFIESTO = "respaldo.json"
LLAVE = manifiesto.LLAVE_PUBLICA
BASES = {"sqlite": "base/prep.sqlite3", "postgresql": "base/prep.dump"}
IMAGENES = "imagenes/"
PUBLICACION = "publicacion/"
BLOQUE = 1 << 20
# Where a restore stages the cortes, and where --forzar moves the cortes it replaces.
PREFIJO_RESTAURACION = ".restaurando-"
PREFIJO_REEMPLAZADOS = ".antes-de-restaurar-"
# Inside that staging folder: one copy of each image, which the restored cortes link.
IMAGENES_LOCALES = ".imagenes"
# Filled by `migrate` itself: a migrated, never used database still counts as empty.
_DE_MIGRATE = frozenset({"contenttypes.contenttype", "auth.permission"})
# Connection options of PREP_DATABASE_URL that pg_dump/pg_restore take from the environment.
_OPCIONES_LIBPQ = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}
_SHA256 = re.compile(r"[0-9a-f]{64}")
_MOSTRADOS = 10  # problems named in a refusal; the rest are counted
# Images read or stored at once: the store's waits (a disk sync, an S3 request) overlap.
HILOS_ALMACEN = 8


class ErrorDeRespaldo(Exception):
    """A backup or a restore that cannot go on; the message (in Spanish) says why."""


# --- reading the database's snapshot --------------------------------------------------------


@dataclass(frozen=True)
class Estado:
    """What one snapshot of the database holds, as the manifest records it."""

    migraciones: dict[str, str]  # app → latest applied migration
    conteos: dict[str, int]
    cabeza: tuple[int, str]  # the bitácora's last number and hash
    imagenes: list[str]  # SHA-256 of every image
    cortes: list[tuple[int, str, str]]  # (número, carpeta, SHA-256 of its manifest)


_CONTADOS = {"actas": Acta, "imagenes": Imagen, "cortes": Corte, "bitacora": Entrada}


def _tabla(modelo) -> str:
    return connection.ops.quote_name(modelo._meta.db_table)


def _columna(modelo, campo: str) -> str:
    return connection.ops.quote_name(modelo._meta.get_field(campo).column)


def _leer_estado(conexion) -> Estado:
    """The snapshot's state through a DB-API connection (a sqlite3 copy, or the psycopg
    connection that holds the snapshot pg_dump reads): the same SQL for both engines."""
    cursor = conexion.cursor()

    def filas(sql: str) -> list:
        cursor.execute(sql)
        return cursor.fetchall()

    migraciones: dict[str, str] = {}
    for app, nombre in filas("SELECT app, name FROM django_migrations"):
        migraciones[app] = max(nombre, migraciones.get(app, ""))
    conteos = {
        clave: filas(f"SELECT COUNT(*) FROM {_tabla(modelo)}")[0][0]
        for clave, modelo in _CONTADOS.items()
    }
    cabeza = filas(
        f"SELECT {_columna(Cabeza, 'numero')}, {_columna(Cabeza, 'hash')} FROM {_tabla(Cabeza)}"
        f" WHERE {_columna(Cabeza, 'id')} = {CABEZA}"
    )
    sha = _columna(Imagen, "sha256")
    imagenes = [f[0] for f in filas(f"SELECT {sha} FROM {_tabla(Imagen)} ORDER BY {sha}")]
    numero = _columna(Corte, "numero")
    cortes = filas(
        f"SELECT {numero}, {_columna(Corte, 'carpeta')}, {_columna(Corte, 'manifiesto_sha256')}"
        f" FROM {_tabla(Corte)} ORDER BY {numero}"
    )
    return Estado(
        migraciones,
        conteos,
        tuple(cabeza[0]) if cabeza else (0, GENESIS),
        imagenes,
        [tuple(c) for c in cortes],
    )


def _motor() -> str:
    if connection.vendor not in BASES:
        raise ErrorDeRespaldo(
            _("base de datos no admitida para respaldos: %(m)s") % {"m": connection.vendor}
        )
    return connection.vendor


def _archivo_sqlite() -> Path:
    nombre = str(connection.settings_dict["NAME"])
    if nombre == ":memory:" or "mode=memory" in nombre:
        raise ErrorDeRespaldo(_("una base SQLite en memoria no se respalda ni se restaura"))
    return Path(nombre)


def _copiar_sqlite(carpeta: Path) -> tuple[Path, Estado]:
    """An online copy with the sqlite3 backup API, in one step: one read snapshot, which under
    WAL never holds up the writers; the copy leaves WAL mode so that it is one whole file."""
    origen = _archivo_sqlite()
    if not origen.is_file():
        raise ErrorDeRespaldo(_("no existe la base de datos %(b)s") % {"b": origen})
    copia = carpeta / "prep.sqlite3"
    fuente = sqlite3.connect(origen)
    try:
        fuente.execute("PRAGMA busy_timeout=30000")
        destino = sqlite3.connect(copia)
        try:
            fuente.backup(destino)
            destino.execute("PRAGMA journal_mode=DELETE")
            estado = _leer_estado(destino)
        finally:
            destino.close()
    finally:
        fuente.close()
    return copia, estado


def _programa(nombre: str) -> str:
    """pg_dump/pg_restore: from PATH, else the newest /usr/lib/postgresql/<versión>/bin."""
    if encontrado := shutil.which(nombre):
        return encontrado

    def version(ruta: Path) -> tuple[int, ...]:
        return tuple(int(p) for p in ruta.parts[-3].split(".") if p.isdigit())

    candidatos = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{nombre}"), key=version)
    if candidatos:
        return str(candidatos[-1])
    raise ErrorDeRespaldo(
        _(
            "no se encontró %(p)s en el PATH ni en /usr/lib/postgresql/*/bin; instale el cliente de"
            " PostgreSQL (apt-get install postgresql-client)"
        )
        % {"p": nombre}
    )


def _entorno_pg(conexion) -> dict[str, str]:
    """pg_dump/pg_restore reach the server `conexion` (psycopg) is connected to through the
    libpq environment, so that no password ever shows on a command line."""
    info = conexion.info
    entorno = {
        **os.environ,
        "PGHOST": info.host,
        "PGPORT": str(info.port),
        "PGUSER": info.user,
        "PGDATABASE": info.dbname,
    }
    if info.password:
        entorno["PGPASSWORD"] = info.password
    opciones = connection.settings_dict.get("OPTIONS") or {}
    for opcion, variable in _OPCIONES_LIBPQ.items():
        if opciones.get(opcion):
            entorno[variable] = str(opciones[opcion])
    return entorno


def _conexion_pg():
    """A psycopg connection of its own with the settings' parameters (several hosts and
    target_session_attrs included), outside Django's transactions."""
    return psycopg.connect(**connection.get_connection_params())


def _correr(argumentos: list[str], entorno: dict[str, str]) -> None:
    proceso = subprocess.run(argumentos, env=entorno, capture_output=True, text=True, check=False)
    if proceso.returncode != 0:
        raise ErrorDeRespaldo(
            _("%(p)s falló (código %(c)s): %(e)s")
            % {
                "p": Path(argumentos[0]).name,
                "c": proceso.returncode,
                "e": proceso.stderr.strip()[-2000:],
            }
        )


def _volcar_postgres(carpeta: Path) -> tuple[Path, Estado]:
    """`pg_dump --format=custom` of a snapshot that a transaction of ours exported and keeps
    open, and the state read in that same transaction: the dump and the manifest agree."""
    pg_dump = _programa("pg_dump")
    volcado = carpeta / "prep.dump"
    conexion = _conexion_pg()
    try:
        conexion.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conexion.read_only = True
        with conexion.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            instantanea = cursor.fetchone()[0]
        _correr(
            [pg_dump, "--format=custom", f"--snapshot={instantanea}", f"--file={volcado}"],
            _entorno_pg(conexion),
        )
        estado = _leer_estado(conexion)
        conexion.rollback()
    finally:
        conexion.close()
    return volcado, estado


# --- writing the archive --------------------------------------------------------------------


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


class _Lector:
    """A file read while it is hashed: what tarfile copies into a member, or the archive
    itself while it is verified."""

    def __init__(self, fuente: BinaryIO) -> None:
        self.fuente = fuente
        self.hash = hashlib.sha256()
        self.bytes = 0

    def read(self, n: int = -1) -> bytes:
        datos = self.fuente.read(n)
        self.hash.update(datos)
        self.bytes += len(datos)
        return datos


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
        lector = _Lector(fuente)
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


def _imagen_del_corte(archivo: manifiesto.Archivo) -> bool:
    """A corte's copy of an acta image (`imagenes/<sha256>.<ext>`)."""
    return archivo.ruta.startswith(IMAGENES) and PurePosixPath(archivo.ruta).stem == archivo.sha256


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
                _imagen_del_corte(archivo) and archivo.sha256 in imagenes
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


def _sincronizar_carpeta(carpeta: Path) -> None:
    descriptor = os.open(carpeta, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


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
    motor = _motor()
    destino = Path(destino).absolute()
    if destino.exists():
        raise ErrorDeRespaldo(_("ya existe %(a)s; no se reemplaza un respaldo") % {"a": destino})
    if not destino.parent.is_dir():
        raise ErrorDeRespaldo(_("no existe la carpeta %(c)s") % {"c": destino.parent})
    temporal = destino.with_name(f".{destino.name}.{os.getpid()}.tmp")
    creado = timezone.now()
    try:
        with tempfile.TemporaryDirectory(prefix=".respaldo-", dir=destino.parent) as trabajo:
            copiar = _copiar_sqlite if motor == "sqlite" else _volcar_postgres
            try:
                base, estado = copiar(Path(trabajo))
            except (sqlite3.Error, psycopg.Error) as exc:  # e.g. a database never migrated
                raise ErrorDeRespaldo(
                    _("no se pudo leer la base de datos: %(e)s") % {"e": exc}
                ) from exc
            with temporal.open("xb") as archivo:
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
                archivo.flush()
                os.fsync(archivo.fileno())
        os.replace(temporal, destino)
        _sincronizar_carpeta(destino.parent)
    except BaseException:
        temporal.unlink(missing_ok=True)
        raise
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


def _manifiesto(creado, motor: str, estado: Estado, llave: bytes | None, miembros) -> bytes:
    datos = {
        "formato": FORMATO,
        "creado": creado.isoformat(),
        "prep": __version__,
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


# --- verifying an archive -------------------------------------------------------------------


@dataclass(frozen=True)
class Verificado:
    """An archive whose every member matches its manifest."""

    manifiesto: dict
    llave: bytes | None
    sha256: str
    bytes: int

    @property
    def miembros(self) -> dict[str, dict]:
        """The manifest's members by name."""
        return {m["nombre"]: m for m in self.manifiesto["miembros"]}


def _problema_de_nombre(nombre: str, motor: str | None) -> str | None:
    """Why `nombre` cannot be a member of a backup (None when it can)."""
    ruta = PurePosixPath(nombre)
    if ruta.is_absolute() or "\\" in nombre or any(p in {"", ".", ".."} for p in ruta.parts):
        return _("nombre de miembro no permitido")
    if nombre in {MANIFIESTO, LLAVE} or nombre == BASES.get(motor or ""):
        return None
    if nombre.startswith(IMAGENES) and _SHA256.fullmatch(nombre.removeprefix(IMAGENES)):
        return None
    partes = ruta.parts
    if (
        partes[0] == PUBLICACION.rstrip("/")
        and len(partes) > 2
        and CARPETA_DE_CORTE.fullmatch(partes[1])
    ):
        return None
    return _("miembro que un respaldo no lleva")


def _hash_del_miembro(
    tar: tarfile.TarFile, miembro: tarfile.TarInfo, guardar: bool
) -> tuple[str, bytes | None]:
    """The member's SHA-256, and its bytes too when `guardar` (the manifest, which is read
    whole anyway, and the key)."""
    fuente = tar.extractfile(miembro)
    hash_, guardados = hashlib.sha256(), []
    while bloque := fuente.read(BLOQUE):
        hash_.update(bloque)
        if guardar:
            guardados.append(bloque)
    return hash_.hexdigest(), b"".join(guardados) if guardar else None


def verificar(archivo: Path) -> Verificado:
    """Read the whole archive once, hashing every member, and compare it with its manifest:
    the same members, each with its size and SHA-256. ErrorDeRespaldo naming what
    differs otherwise."""
    vistos: dict[str, tuple[int, str]] = {}  # name → (bytes, sha256)
    pequenos: dict[str, bytes] = {}
    problemas: list[str] = []
    try:
        with Path(archivo).open("rb") as crudo:
            entrada = _Lector(crudo)
            with tarfile.open(fileobj=entrada, mode="r|") as tar:
                for miembro in tar:
                    _revisar_miembro(tar, miembro, vistos, pequenos, problemas)
            while entrada.read(BLOQUE):  # the end-of-archive padding tarfile did not read
                pass
    except FileNotFoundError:
        raise ErrorDeRespaldo(_("no existe el archivo %(a)s") % {"a": archivo}) from None
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise ErrorDeRespaldo(
            _("%(a)s no es un respaldo legible (¿dañado o incompleto?): %(e)s")
            % {"a": archivo, "e": exc}
        ) from exc
    datos = _leer_manifiesto(pequenos.get(MANIFIESTO), archivo)
    problemas += _comparar(datos, vistos)
    if problemas:
        lista = "\n  ".join(problemas[:_MOSTRADOS])
        mas = len(problemas) - _MOSTRADOS
        raise ErrorDeRespaldo(
            _("el respaldo %(a)s no corresponde a su manifiesto; no se modificó nada:\n  %(p)s")
            % {"a": archivo, "p": lista}
            + (_("\n  … y %(n)d problemas más") % {"n": mas} if mas > 0 else "")
        )
    return Verificado(datos, pequenos.get(LLAVE), entrada.hash.hexdigest(), entrada.bytes)


def _revisar_miembro(tar, miembro, vistos, pequenos, problemas) -> None:
    nombre = miembro.name
    if nombre in vistos:
        problemas.append(_("%(n)s: aparece dos veces") % {"n": nombre})
    elif miembro.isfile():
        sha, datos = _hash_del_miembro(tar, miembro, nombre in {MANIFIESTO, LLAVE})
        vistos[nombre] = (miembro.size, sha)
        if datos is not None:
            pequenos[nombre] = datos
    else:
        problemas.append(_("%(n)s: no es un archivo regular") % {"n": nombre})


def _leer_manifiesto(datos: bytes | None, archivo: Path) -> dict:
    if datos is None:
        raise ErrorDeRespaldo(
            _("%(a)s no es un respaldo de PREP: no tiene %(m)s") % {"a": archivo, "m": MANIFIESTO}
        )
    try:
        crudo = json.loads(datos.decode("utf-8"))
        if crudo.get("formato") != FORMATO:
            raise ValueError(_("formato desconocido «%(f)s»") % {"f": crudo.get("formato")})
        claves = ("creado", "motor", "migraciones", "conteos", "bitacora", "cortes", "miembros")
        if faltan := [c for c in claves if c not in crudo]:
            raise ValueError(_("le falta %(c)s") % {"c": ", ".join(faltan)})
        for miembro in crudo["miembros"]:
            if not (
                isinstance(miembro.get("nombre"), str)
                and isinstance(miembro.get("bytes"), int)
                and isinstance(miembro.get("sha256"), str)
            ):
                raise ValueError(_("miembro mal descrito: %(m)s") % {"m": miembro})
    except (UnicodeDecodeError, ValueError, KeyError, AttributeError, TypeError) as exc:
        raise ErrorDeRespaldo(
            _("el %(m)s de %(a)s no es válido: %(e)s") % {"m": MANIFIESTO, "a": archivo, "e": exc}
        ) from exc
    return crudo


def _comparar(datos: dict, vistos: dict[str, tuple[int, str]]) -> list[str]:
    """What differs between the members read and those the manifest lists."""
    problemas = []
    listados = {m["nombre"]: m for m in datos["miembros"]}
    for nombre, (tamano, sha) in vistos.items():
        if nombre == MANIFIESTO:
            continue
        if motivo := _problema_de_nombre(nombre, datos["motor"]):
            problemas.append(f"{nombre}: {motivo}")
        esperado = listados.get(nombre)
        if esperado is None:
            problemas.append(_("%(n)s: no está en el manifiesto") % {"n": nombre})
        elif esperado["sha256"] != sha or esperado["bytes"] != tamano:
            problemas.append(
                _("%(n)s: su SHA-256 o su tamaño no son los del manifiesto (dañado o alterado)")
                % {"n": nombre}
            )
    faltan = [nombre for nombre in listados if nombre not in vistos]
    problemas += [_("%(n)s: falta en el archivo") % {"n": nombre} for nombre in faltan]
    if BASES.get(datos["motor"]) not in vistos:
        problemas.append(_("falta la base de datos"))
    return problemas


# --- restoring ------------------------------------------------------------------------------


def _con_datos() -> list[str]:
    """The tables of the configured database that hold rows (besides those `migrate` fills)."""
    existentes = set(connection.introspection.table_names())
    llenas = []
    for modelo in apps.get_models(include_auto_created=True):
        opciones = modelo._meta
        if opciones.proxy or opciones.label_lower in _DE_MIGRATE:
            continue
        tabla = opciones.db_table
        if tabla in existentes and tabla not in llenas and modelo._base_manager.exists():
            llenas.append(tabla)
    return llenas


def _cortes_presentes() -> list[Path]:
    publicacion = raiz()
    if not publicacion.is_dir():
        return []
    return sorted(
        p
        for p in publicacion.iterdir()
        if CARPETA_DE_CORTE.fullmatch(p.name) or p.name.startswith(PREFIJO_PREPARACION)
    )


def _migraciones(respaldadas: dict[str, str]) -> list[str]:
    """The apps whose migrations this version has beyond the backup's ('prep django migrate'
    brings them up to date). ErrorDeRespaldo when the backup has migrations this version does
    not know: it comes from a newer PREP."""
    grafo = MigrationLoader(None, ignore_no_migrations=True).graph
    desconocidas = [f"{a}.{n}" for a, n in respaldadas.items() if (a, n) not in grafo.nodes]
    if desconocidas:
        raise ErrorDeRespaldo(
            _(
                "el respaldo es de una versión de PREP más nueva: esta no conoce las migraciones"
                " %(m)s; no se modificó nada"
            )
            % {"m": ", ".join(sorted(desconocidas))}
        )
    return sorted({a for a, n in grafo.leaf_nodes() if respaldadas.get(a) != n})


def _revisar_llave(llave: bytes | None) -> str:
    """Compare the private key this system signs with (PREP_LLAVE_FIRMA) with the backup's
    public key; what to tell the operator. ErrorDeRespaldo when they differ: the next corte
    would be signed with another key than the restored ones."""
    if llave is None:
        return _("el respaldo no lleva llave pública (no había llave de firma)")
    try:
        publica = llaves.leer_publica(llave)
    except ValueError as exc:
        raise ErrorDeRespaldo(
            _("la %(l)s del respaldo no sirve: %(e)s") % {"l": LLAVE, "e": exc}
        ) from exc
    huella = llaves.huella_publica(publica)
    ruta = llaves.ruta_llave()
    if not ruta.exists():
        return _(
            "falta la llave privada de firma en %(r)s: restáurela de su copia resguardada"
            " (PREP_LLAVE_FIRMA); su llave pública debe tener la huella %(h)s"
        ) % {"r": ruta, "h": huella}
    try:
        propia = llaves.cargar().public_key()
    except ErrorDeDominio as exc:
        raise ErrorDeRespaldo(str(exc)) from exc
    if llaves.publica_pem(propia) != llaves.publica_pem(publica):
        raise ErrorDeRespaldo(
            _(
                "la llave de firma en %(r)s (huella %(p)s) no es la del respaldo (huella %(h)s):"
                " los cortes siguientes no encadenarían con los restaurados. Ponga en"
                " PREP_LLAVE_FIRMA la llave privada que corresponde; no se modificó nada"
            )
            % {"r": ruta, "p": llaves.huella_publica(propia), "h": huella}
        )
    return _("la llave de firma en %(r)s corresponde al respaldo (huella %(h)s)") % {
        "r": ruta,
        "h": huella,
    }


def _cambiado(nombre: str) -> ErrorDeRespaldo:
    return ErrorDeRespaldo(
        _("%(n)s cambió desde que se verificó el respaldo; no se restauró") % {"n": nombre}
    )


def _copiar_miembro(fuente: BinaryIO, destino: Path, esperado: str, nombre: str) -> None:
    """Write a member to `destino`, checking its SHA-256 again (the archive could have changed
    since it was verified). Not synced file by file: everything is synced once, before it is
    put in place."""
    hash_ = hashlib.sha256()
    with destino.open("xb") as salida:
        while bloque := fuente.read(BLOQUE):
            hash_.update(bloque)
            salida.write(bloque)
    if hash_.hexdigest() != esperado:
        raise _cambiado(nombre)


@dataclass
class _Extraccion:
    """Where the second pass puts each member: the database into a file beside its place (or
    a dump file), the cortes into a staging folder, the images into the store and a copy in
    that folder for the cortes to link."""

    verificado: Verificado
    base: Path
    preparada: Path

    def extraer(self, archivo: Path) -> None:
        """Read the archive once more and put every member where it goes, then complete the
        cortes (unchanged files and image copies are hard links, as the generator makes)."""
        miembros = self.verificado.miembros
        tienda = almacen()
        locales = self.preparada / IMAGENES_LOCALES
        locales.mkdir()
        with (
            ThreadPoolExecutor(HILOS_ALMACEN, thread_name_prefix="restaurar-imagenes") as hilos,
            tarfile.open(archivo, mode="r|") as tar,
        ):
            pendientes: deque[Future] = deque()
            for miembro in tar:
                if miembro.name in {MANIFIESTO, LLAVE}:
                    continue  # read in the first pass
                esperado = miembros[miembro.name]["sha256"]
                fuente = tar.extractfile(miembro)
                if miembro.name.startswith(IMAGENES):
                    datos = fuente.read()
                    if hashlib.sha256(datos).hexdigest() != esperado:
                        raise _cambiado(miembro.name)
                    pendientes.append(hilos.submit(_guardar, tienda, datos, miembro.name))
                    if len(pendientes) > 4 * HILOS_ALMACEN:  # a bounded number in memory
                        pendientes.popleft().result()
                    (locales / esperado).write_bytes(datos)
                    continue
                destino = self.base
                if miembro.name.startswith(PUBLICACION):
                    destino = self.preparada / miembro.name.removeprefix(PUBLICACION)
                    destino.parent.mkdir(parents=True, exist_ok=True)
                _copiar_miembro(fuente, destino, esperado, miembro.name)
            for pendiente in pendientes:
                pendiente.result()
        self._completar(self.verificado.manifiesto["cortes"], locales)

    def _completar(self, cortes: list[dict], locales: Path) -> None:
        """Every file a corte's manifest lists and the archive did not carry: a link to the
        previous corte's file at that path, or to the image's copy."""
        anterior: Path | None = None
        for corte in cortes:
            carpeta = self.preparada / corte["carpeta"]
            leido = manifiesto.leer((carpeta / manifiesto.MANIFIESTO).read_bytes())
            for archivo in leido.archivos:
                destino = carpeta / archivo.ruta
                if destino.exists():
                    continue
                origen = locales / archivo.sha256 if _imagen_del_corte(archivo) else None
                if origen is None and anterior is not None:
                    origen = anterior / archivo.ruta
                if origen is None or not origen.exists():
                    raise ErrorDeRespaldo(
                        _("el respaldo no trae %(r)s del corte %(c)s ni de dónde rehacerlo")
                        % {"r": archivo.ruta, "c": corte["carpeta"]}
                    )
                destino.parent.mkdir(parents=True, exist_ok=True)
                os.link(origen, destino)
            anterior = carpeta


def _guardar(tienda, datos: bytes, nombre: str) -> None:
    try:
        tienda.guardar(datos)
    except OSError as exc:
        raise ErrorDeRespaldo(
            _("el almacén de imágenes no guardó %(n)s: %(e)s") % {"n": nombre, "e": exc}
        ) from exc


def _instalar_sqlite(copia: Path, destino: Path) -> None:
    """Put the copy in place of the database file atomically. The old file's WAL goes first:
    left beside the new file it would be replayed into it."""
    with copia.open("rb") as archivo:
        os.fsync(archivo.fileno())
    connections.close_all()
    for sufijo in ("-wal", "-shm", "-journal"):
        Path(f"{destino}{sufijo}").unlink(missing_ok=True)
    os.replace(copia, destino)
    _sincronizar_carpeta(destino.parent)


def _instalar_postgres(volcado: Path) -> None:
    """`pg_restore` of the dump in one transaction: all of it or nothing."""
    pg_restore = _programa("pg_restore")
    connections.close_all()
    conexion = _conexion_pg()
    try:
        entorno = _entorno_pg(conexion)
    finally:
        conexion.close()
    # An empty --dbname makes pg_restore connect, to the database PGDATABASE names.
    _correr(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname=",
            str(volcado),
        ],
        entorno,
    )


def _instalar_cortes(preparada: Path, cortes: list[dict]) -> Path | None:
    """Move the staged cortes into the publication folder and point `ultimo` at the last one.
    Cortes already there (a restore with --forzar) are moved aside first, never deleted; the
    folder where they went, if any."""
    publicacion = raiz()
    apartados = None
    presentes = _cortes_presentes()
    if presentes or (publicacion / manifiesto.ULTIMO).is_symlink():
        apartados = Path(
            tempfile.mkdtemp(
                prefix=f"{PREFIJO_REEMPLAZADOS}{time.strftime('%Y%m%d_%H%M%S')}-", dir=publicacion
            )
        )
        for carpeta in presentes:
            os.replace(carpeta, apartados / carpeta.name)
        with suppress(FileNotFoundError):
            os.replace(publicacion / manifiesto.ULTIMO, apartados / manifiesto.ULTIMO)
    for corte in cortes:
        os.replace(preparada / corte["carpeta"], publicacion / corte["carpeta"])
    sincronizar(publicacion)
    if cortes:
        apuntar_ultimo(publicacion, cortes[-1]["carpeta"])
    return apartados


def _escribir_llave(llave: bytes) -> None:
    """The public key beside where the private one lives (PREP_LLAVE_FIRMA)."""
    destino = llaves.ruta_llave().with_name(LLAVE)
    destino.parent.mkdir(parents=True, exist_ok=True)
    temporal = destino.with_name(f".{LLAVE}.{os.getpid()}")
    temporal.write_bytes(llave)
    os.replace(temporal, destino)


def _conteos() -> dict[str, int]:
    return {clave: modelo.objects.count() for clave, modelo in _CONTADOS.items()}


def _comprobar_restauracion(datos: dict) -> None:
    """The restored database and publication against the manifest: the bitácora chain intact
    and at the same head, the same counts, every corte verified (signature, files, chain)."""
    resultado = verificar_base()
    if not resultado.integra:
        raise ErrorDeRespaldo(
            _("la bitácora restaurada no está íntegra: %(f)s")
            % {"f": "; ".join(str(f) for f in resultado.fallas[:_MOSTRADOS])}
        )
    cabeza = {"numero": resultado.ultimo_numero, "hash": resultado.ultimo_hash}
    if cabeza != datos["bitacora"]:
        raise ErrorDeRespaldo(
            _("la bitácora restaurada termina en %(r)s y el respaldo en %(m)s")
            % {"r": cabeza, "m": datos["bitacora"]}
        )
    conteos = _conteos()
    if conteos != datos["conteos"]:
        raise ErrorDeRespaldo(
            _("la base restaurada tiene %(r)s y el respaldo dice %(m)s")
            % {"r": conteos, "m": datos["conteos"]}
        )
    if datos["cortes"]:
        informe = verificar_publicacion(raiz())
        if not informe.integro:
            fallas = [str(f) for i in informe.informes for f in i.fallas] + [
                str(f) for f in informe.fallas
            ]
            raise ErrorDeRespaldo(
                _("los cortes restaurados no se verifican: %(f)s")
                % {"f": "; ".join(fallas[:_MOSTRADOS])}
            )


@dataclass(frozen=True)
class Restaurado:
    """A restore done: what it restored, what to tell the operator, how long it took."""

    sha256: str
    bytes: int
    conteos: dict[str, int]
    llave: str
    pendientes: list[str]  # apps with migrations newer than the backup's
    apartados: Path | None  # where --forzar moved the cortes it replaced
    segundos: float


@contextmanager
def _preparacion() -> Iterator[Path]:
    """The staging folder of the cortes, inside the publication folder (so that moving them
    into place is a rename); gone afterwards, whatever happens."""
    publicacion = raiz()
    publicacion.mkdir(parents=True, exist_ok=True)
    for vieja in publicacion.glob(f"{PREFIJO_RESTAURACION}*"):
        shutil.rmtree(vieja)  # left by a restore that died half-way
    preparada = publicacion / f"{PREFIJO_RESTAURACION}{os.getpid()}"
    preparada.mkdir()
    try:
        yield preparada
    finally:
        shutil.rmtree(preparada, ignore_errors=True)


@contextmanager
def _lugar_de_la_base(motor: str) -> Iterator[Path]:
    """Where the restored database is written first: beside the SQLite file it replaces (so
    that installing it is a rename), or a temporary dump file for pg_restore."""
    if motor == "postgresql":
        with tempfile.TemporaryDirectory(prefix="prep-respaldo-") as carpeta:
            yield Path(carpeta) / "prep.dump"
        return
    destino = _archivo_sqlite()
    base = destino.with_name(f".{destino.name}.restaurando-{os.getpid()}")
    try:
        yield base
    finally:
        base.unlink(missing_ok=True)


def restaurar(archivo: Path, actor: Actor, forzar: bool = False) -> Restaurado:
    """Restore the backup `archivo` into the configured database, image store and publication
    folder. Nothing is touched unless the whole archive verifies, it is of this engine and of
    a PREP that knows its migrations, the signing key (if present) is the backup's, and the
    database and publication are empty (`forzar`: replace what they hold). Then the restored
    system is checked against the manifest and the bitácora records the restore.
    """
    inicio = time.monotonic()
    archivo = Path(archivo).absolute()
    verificado = verificar(archivo)
    datos = verificado.manifiesto
    motor = _motor()
    if datos["motor"] != motor:
        raise ErrorDeRespaldo(
            _(
                "el respaldo es de %(r)s y esta instalación usa %(m)s: restaurar de un motor a otro"
                " no se admite; no se modificó nada"
            )
            % {"r": datos["motor"], "m": motor}
        )
    pendientes = _migraciones(datos["migraciones"])
    aviso_llave = _revisar_llave(verificado.llave)
    if motor == "sqlite":  # a fresh machine: the database's folder may not exist yet
        _archivo_sqlite().parent.mkdir(parents=True, exist_ok=True)
    if not forzar:
        ocupado = []
        if llenas := _con_datos():
            ocupado.append(
                _("la base de datos ya tiene datos (%(t)s)") % {"t": ", ".join(llenas[:5])}
            )
        if presentes := _cortes_presentes():
            ocupado.append(
                _("%(p)s ya tiene cortes (%(c)s)")
                % {"p": raiz(), "c": ", ".join(p.name for p in presentes[:3])}
            )
        if ocupado:
            raise ErrorDeRespaldo(
                "; ".join(ocupado)
                + _(". No se restaura encima: use --forzar para reemplazarlos con el respaldo")
            )

    with _preparacion() as preparada, _lugar_de_la_base(motor) as base:
        _Extraccion(verificado, base, preparada).extraer(archivo)
        sincronizar(preparada)
        if motor == "sqlite":
            _instalar_sqlite(base, _archivo_sqlite())
        else:
            _instalar_postgres(base)
        apartados = _instalar_cortes(preparada, datos["cortes"])
    if verificado.llave is not None:
        _escribir_llave(verificado.llave)

    connections.close_all()
    _comprobar_restauracion(datos)
    with transaction.atomic():
        registrar(
            actor.nombre,
            "continuidad.restauracion",
            f"respaldo:{archivo.name}",
            None,
            {
                "archivo": str(archivo),
                "sha256": verificado.sha256,
                "creado": datos["creado"],
                "conteos": datos["conteos"],
                "bitacora": datos["bitacora"],
                "forzada": forzar,
            },
        )
    return Restaurado(
        verificado.sha256,
        verificado.bytes,
        datos["conteos"],
        aviso_llave,
        pendientes,
        apartados,
        time.monotonic() - inicio,
    )
