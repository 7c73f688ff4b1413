"""The database side of a backup, per engine (SQLite, PostgreSQL): an online copy of one
snapshot with the state the manifest records, read in that same snapshot, and installing a
copy in place of the configured database.
"""

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.db import connection, connections
from django.utils.translation import gettext as _

from prep.actas.models import Acta
from prep.archivos import sincronizar_archivo, sincronizar_carpeta
from prep.bitacora.cadena import GENESIS
from prep.bitacora.models import Cabeza, Entrada
from prep.bitacora.servicios import CABEZA
from prep.continuidad.formato import BASES, ErrorDeRespaldo
from prep.digitalizacion.models import Imagen
from prep.publicacion.models import Corte

# Connection options of PREP_DATABASE_URL that pg_dump/pg_restore take from the environment.
_OPCIONES_LIBPQ = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


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


def contar() -> dict[str, int]:
    """The rows of the counted tables now, through the ORM (a restore compares them with the
    manifest's `conteos`)."""
    return {clave: modelo.objects.count() for clave, modelo in _CONTADOS.items()}


def en_uso() -> str:
    """The engine of the configured database ("sqlite" or "postgresql"); ErrorDeRespaldo for
    any other."""
    if connection.vendor not in BASES:
        raise ErrorDeRespaldo(
            _("base de datos no admitida para respaldos: %(m)s") % {"m": connection.vendor}
        )
    return connection.vendor


def archivo_sqlite() -> Path:
    """The configured SQLite database's file (ErrorDeRespaldo for an in-memory one)."""
    nombre = str(connection.settings_dict["NAME"])
    if nombre == ":memory:" or "mode=memory" in nombre:
        raise ErrorDeRespaldo(_("una base SQLite en memoria no se respalda ni se restaura"))
    return Path(nombre)


def copiar_sqlite(carpeta: Path) -> tuple[Path, Estado]:
    """An online copy with the sqlite3 backup API, in one step: one read snapshot, which under
    WAL never holds up the writers; the copy leaves WAL mode so that it is one whole file."""
    origen = archivo_sqlite()
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


def volcar_postgres(carpeta: Path) -> tuple[Path, Estado]:
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


def instalar_sqlite(copia: Path, destino: Path) -> None:
    """Put the copy in place of the database file atomically. The old file's WAL goes first:
    left beside the new file it would be replayed into it."""
    sincronizar_archivo(copia)
    connections.close_all()
    for sufijo in ("-wal", "-shm", "-journal"):
        Path(f"{destino}{sufijo}").unlink(missing_ok=True)
    os.replace(copia, destino)
    sincronizar_carpeta(destino.parent)


def instalar_postgres(volcado: Path) -> None:
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
