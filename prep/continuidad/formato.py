"""The backup archive's format, shared by creating, verifying and restoring one.

A backup is an uncompressed tar (the images and a PostgreSQL dump are compressed already):

    base/prep.sqlite3 | base/prep.dump   the database: an online copy (the sqlite3 backup API)
                                          or `pg_dump --format=custom`, of one snapshot
    publicacion/<AAAAMMDD_HHMM_PREP>/…    every corte the database records: its manifest and
                                          signature, and the files that changed since the
                                          previous corte
    imagenes/<sha256>                     every acta image the database knows, as stored
    llave_publica.pem                     the institute's public signing key (never the private)
    respaldo.json                         the manifest, last: format, software (version and
                                          huella_software), engine, migrations,
                                          counts, and every member's size and SHA-256

A corte is stored as the generator writes it: what did not change since the previous corte is
not stored again (the restore links it, as the generator does), nor are its copies of the acta
images (they come from `imagenes/`). Its signed manifest lists every file, so the restored
folders are checked whole. The archive grows with what changed, not with the number of cortes
times their files (≈ 700,000 per corte at national size).
"""

import hashlib
from pathlib import PurePosixPath
from typing import BinaryIO

from prep.publicacion import manifiesto

FORMATO = "prep-abierto/respaldo/1"
MANIFIESTO = "respaldo.json"
LLAVE = manifiesto.LLAVE_PUBLICA
BASES = {"sqlite": "base/prep.sqlite3", "postgresql": "base/prep.dump"}
IMAGENES = "imagenes/"
PUBLICACION = "publicacion/"
BLOQUE = 1 << 20  # bytes read at once from a member
MOSTRADOS = 10  # problems named in a refusal; the rest are counted
# Images read or stored at once: the store's waits (a disk sync, an S3 request) overlap.
HILOS_ALMACEN = 8


class ErrorDeRespaldo(Exception):
    """A backup or a restore that cannot go on; the message (in Spanish) says why."""


class Lector:
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


def imagen_del_corte(archivo: manifiesto.Archivo) -> bool:
    """A corte's copy of an acta image (`imagenes/<sha256>.<ext>`)."""
    return archivo.ruta.startswith(IMAGENES) and PurePosixPath(archivo.ruta).stem == archivo.sha256
