"""Content-addressed image store: each file is kept under the SHA-256 of its exact bytes.

Two backends with one interface (`guardar`, `leer`, `existe`):
- `AlmacenLocal`: a folder, sharded `ab/cd/<sha>`. A file appears only complete: it is written to
  a temporary file in the same folder, flushed to disk, renamed, and the folder is synced, so a
  crash leaves either nothing or the whole file.
- `AlmacenS3`: an S3-compatible bucket (boto3). A PUT is atomic there: the object is visible
  only once fully stored, and S3 checks the SHA-256 we send with it.

`almacen()` picks the backend from the settings: `PREP_IMAGENES_URL=s3://bucket/prefijo`, or the
folder `VAR_DIR/imagenes` by default (`PREP_IMAGENES_URL=/ruta` or `file:///ruta` for another).
"""

import base64
import contextlib
import hashlib
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse

from django.conf import settings

_SHA256 = re.compile(r"[0-9a-f]{64}")


class ImagenFaltante(LookupError):
    """The store has no object with that digest."""


class ImagenCorrupta(OSError):
    """The stored bytes no longer hash to their name."""


class Almacen(Protocol):
    """What every backend offers."""

    def guardar(self, datos: bytes) -> str:
        """Store `datos` durably (idempotent) and return their SHA-256 hex digest."""

    def leer(self, sha256: str) -> bytes:
        """The bytes stored under `sha256`, checked against it."""

    def existe(self, sha256: str) -> bool:
        """True when the store holds `sha256`."""


def digesto(datos: bytes) -> str:
    """SHA-256 hex digest of the exact bytes."""
    return hashlib.sha256(datos).hexdigest()


def _validar(sha256: str) -> str:
    # The digest becomes a path or an object key: accept nothing but 64 lowercase hex digits.
    if not _SHA256.fullmatch(sha256):
        raise ValueError(f"no es un SHA-256 hexadecimal: {sha256!r}")
    return sha256


def _comprobar(sha256: str, datos: bytes) -> bytes:
    if digesto(datos) != sha256:
        raise ImagenCorrupta(f"la imagen {sha256} almacenada no coincide con su SHA-256")
    return datos


def _sincronizar_carpeta(carpeta: Path) -> None:
    """fsync a folder, so that the entries created or renamed in it survive a power loss."""
    descriptor = os.open(carpeta, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class AlmacenLocal:
    """Images in a local folder, `raiz/ab/cd/<sha256>`."""

    def __init__(self, raiz: Path) -> None:
        self.raiz = Path(raiz)

    def __repr__(self) -> str:
        return f"AlmacenLocal({str(self.raiz)!r})"

    def ruta(self, sha256: str) -> Path:
        """Where the image with that digest lives."""
        _validar(sha256)
        return self.raiz / sha256[:2] / sha256[2:4] / sha256

    def guardar(self, datos: bytes) -> str:
        """Write the image atomically and durably, unless it is already there."""
        sha256 = digesto(datos)
        destino = self.ruta(sha256)
        if destino.exists():
            return sha256  # same name, same bytes: written (completely) before
        self._crear_carpetas(destino.parent)
        descriptor, temporal = tempfile.mkstemp(dir=destino.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as archivo:
                archivo.write(datos)
                archivo.flush()
                os.fsync(archivo.fileno())
            os.chmod(temporal, 0o444)
            os.replace(temporal, destino)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporal)
            raise
        _sincronizar_carpeta(destino.parent)
        return sha256

    def _crear_carpetas(self, carpeta: Path) -> None:
        """Create the shard folders, syncing each parent that gained an entry."""
        faltantes = []
        while not carpeta.exists():
            faltantes.append(carpeta)
            carpeta = carpeta.parent
        for nueva in reversed(faltantes):
            with contextlib.suppress(FileExistsError):  # another writer made it first
                nueva.mkdir()
            _sincronizar_carpeta(nueva.parent)

    def leer(self, sha256: str) -> bytes:
        """The stored bytes, verified against their digest."""
        try:
            datos = self.ruta(sha256).read_bytes()
        except FileNotFoundError:
            raise ImagenFaltante(sha256) from None
        return _comprobar(sha256, datos)

    def existe(self, sha256: str) -> bool:
        """True when the file is there."""
        return self.ruta(sha256).is_file()


class AlmacenS3:
    """Images in an S3-compatible bucket, under `prefijo/ab/cd/<sha256>`."""

    def __init__(self, bucket: str, prefijo: str = "", endpoint: str | None = None) -> None:
        import boto3  # only installations that store in S3 need it loaded
        from botocore.config import Config

        self.bucket = bucket
        self.prefijo = prefijo.strip("/")
        self.cliente = boto3.client(
            "s3",
            endpoint_url=endpoint or None,
            config=Config(retries={"max_attempts": 5, "mode": "standard"}),
        )

    def __repr__(self) -> str:
        return f"AlmacenS3({self.bucket!r}, {self.prefijo!r})"

    def clave(self, sha256: str) -> str:
        """The object key of the image with that digest."""
        _validar(sha256)
        return "/".join(p for p in (self.prefijo, sha256[:2], sha256[2:4], sha256) if p)

    def guardar(self, datos: bytes) -> str:
        """PUT the object, unless it is already there; S3 verifies the checksum we send."""
        sha256 = digesto(datos)
        if self.existe(sha256):
            return sha256
        self.cliente.put_object(
            Bucket=self.bucket,
            Key=self.clave(sha256),
            Body=datos,
            ChecksumSHA256=base64.b64encode(bytes.fromhex(sha256)).decode("ascii"),
        )
        return sha256

    def leer(self, sha256: str) -> bytes:
        """The object's bytes, verified against their digest."""
        from botocore.exceptions import ClientError

        try:
            respuesta = self.cliente.get_object(Bucket=self.bucket, Key=self.clave(sha256))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                raise ImagenFaltante(sha256) from None
            raise
        return _comprobar(sha256, respuesta["Body"].read())

    def existe(self, sha256: str) -> bool:
        """True when the object exists (HEAD)."""
        from botocore.exceptions import ClientError

        try:
            self.cliente.head_object(Bucket=self.bucket, Key=self.clave(sha256))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True


def desde_url(url: str, var_dir: Path, endpoint: str = "") -> Almacen:
    """The backend a `PREP_IMAGENES_URL` value names (empty: `var_dir/imagenes`)."""
    if not url:
        return AlmacenLocal(Path(var_dir) / "imagenes")
    partes = urlparse(url)
    if partes.scheme == "s3":
        if not partes.netloc:
            raise ValueError(f"PREP_IMAGENES_URL sin bucket: {url!r}")
        return AlmacenS3(partes.netloc, partes.path, endpoint)
    if partes.scheme in {"", "file"}:
        return AlmacenLocal(Path(partes.path))
    raise ValueError(f"PREP_IMAGENES_URL con esquema no admitido: {url!r} (use s3:// o una ruta)")


@lru_cache(maxsize=4)
def _almacen(url: str, var_dir: str, endpoint: str) -> Almacen:
    return desde_url(url, Path(var_dir), endpoint)


def almacen() -> Almacen:
    """The store the settings name; one instance (one S3 client) per configuration."""
    return _almacen(settings.PREP_IMAGENES_URL, str(settings.VAR_DIR), settings.PREP_S3_ENDPOINT)
