"""Content-addressed image store: each file is kept under the SHA-256 of its exact bytes.

Two backends with one interface (`guardar`, `leer`, `existe`; `reponer` and `descripcion` for
the scrub, prep.digitalizacion.replicas):
- `AlmacenLocal`: a folder, sharded `ab/cd/<sha>`. A file appears only complete: it is written to
  a temporary file in the same folder, flushed to disk, renamed, and the folder is synced, so a
  crash leaves either nothing or the whole file.
- `AlmacenS3`: an S3-compatible bucket (boto3). A PUT is atomic there: the object is visible
  only once fully stored, and S3 checks the SHA-256 we send with it.

`AlmacenReplicado` keeps every image in several of them (e.g. a local folder and a bucket): an
upload is acknowledged only once `requeridas` copies hold it; reading falls back to the next copy.

`almacen()` picks the store from the settings: `PREP_IMAGENES_URL=s3://bucket/prefijo`, or the
folder `VAR_DIR/imagenes` by default (`PREP_IMAGENES_URL=/ruta` or `file:///ruta` for another).
Several locations separated by spaces or commas make a replicated store, with
`PREP_IMAGENES_COPIAS` (default: all of them) the copies an upload needs; a location may then not
itself contain spaces or commas.
"""

import base64
import contextlib
import hashlib
import logging
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from functools import lru_cache
from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse

from django.conf import settings

from prep.archivos import escribir_atomico, sincronizar_carpeta

_SHA256 = re.compile(r"[0-9a-f]{64}")
_SEPARADOR = re.compile(r"[\s,]+")
_USUARIO_EN_URL = re.compile(r"//[^/@\s]+@")

logger = logging.getLogger(__name__)


class ImagenFaltante(LookupError):
    """The store has no object with that digest."""


class ImagenCorrupta(OSError):
    """The stored bytes no longer hash to their name."""


class CopiasInsuficientes(OSError):
    """Fewer copies than required hold the image: the upload must not be acknowledged."""

    def __init__(
        self,
        sha256: str,
        guardadas: int,
        requeridas: int,
        fallas: Sequence[tuple[str, str]],
        total: int,
    ) -> None:
        self.sha256, self.total = sha256, total
        self.guardadas, self.requeridas = guardadas, requeridas
        self.fallas = list(fallas)  # (copy, why), credential-free
        detalle = "; ".join(f"{copia} ({motivo})" for copia, motivo in self.fallas)
        super().__init__(
            f"sólo {guardadas} de {total} copias del almacén guardaron la imagen {sha256} y se"
            f" requieren {requeridas}; fallaron: {detalle}"
        )


class Almacen(Protocol):
    """What every store offers."""

    def guardar(self, datos: bytes) -> str:
        """Store `datos` durably (idempotent) and return their SHA-256 hex digest."""

    def leer(self, sha256: str) -> bytes:
        """The bytes stored under `sha256`, checked against it."""

    def existe(self, sha256: str) -> bool:
        """True when the store holds `sha256`."""


class Copia(Almacen, Protocol):
    """One backend, as a replicated store and the scrub see it."""

    @property
    def descripcion(self) -> str:
        """Where the copy lives, fit for a report: never credentials."""

    def reponer(self, datos: bytes) -> str:
        """Write the object even if one is there (replacing a corrupt copy); its digest."""


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


def explicar(exc: BaseException) -> str:
    """A backend failure in one line, for logs and reports (an endpoint's user:password, were
    one ever written into it, removed)."""
    return _USUARIO_EN_URL.sub("//", f"{type(exc).__name__}: {exc}")


class AlmacenLocal:
    """Images in a local folder, `raiz/ab/cd/<sha256>`."""

    def __init__(self, raiz: Path) -> None:
        self.raiz = Path(raiz)

    def __repr__(self) -> str:
        return f"AlmacenLocal({str(self.raiz)!r})"

    @property
    def descripcion(self) -> str:
        """The folder."""
        return str(self.raiz)

    def ruta(self, sha256: str) -> Path:
        """Where the image with that digest lives."""
        _validar(sha256)
        return self.raiz / sha256[:2] / sha256[2:4] / sha256

    def guardar(self, datos: bytes) -> str:
        """Write the image atomically and durably, unless it is already there."""
        sha256 = digesto(datos)
        if self.ruta(sha256).exists():
            return sha256  # same name, same bytes: written (completely) before
        return self.reponer(datos)

    def reponer(self, datos: bytes) -> str:
        """Write the image atomically and durably, replacing whatever file has its name (a
        corrupt copy is never visible half-replaced)."""
        sha256 = digesto(datos)
        destino = self.ruta(sha256)
        self._crear_carpetas(destino.parent)
        with escribir_atomico(destino, 0o444) as archivo:  # read-only: an image never changes
            archivo.write(datos)
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
            sincronizar_carpeta(nueva.parent)

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

    INTENTOS = 5  # attempts per request (botocore's standard retries, with backoff)
    CONEXIONES = 32

    def __init__(self, bucket: str, prefijo: str = "", endpoint: str | None = None) -> None:
        import boto3  # only installations that store in S3 need it loaded
        from botocore.config import Config

        self.bucket = bucket
        self.prefijo = prefijo.strip("/")
        self.cliente = boto3.client(
            "s3",
            endpoint_url=endpoint or None,
            config=Config(
                retries={"max_attempts": self.INTENTOS, "mode": "standard"},
                # One connection per thread that may use the client at once: the writer threads
                # of a replicated store, the scrub's readers (botocore's default is 10).
                max_pool_connections=self.CONEXIONES,
            ),
        )

    def __repr__(self) -> str:
        return f"AlmacenS3({self.bucket!r}, {self.prefijo!r})"

    @property
    def descripcion(self) -> str:
        """`s3://bucket/prefijo` (not the endpoint, not the keys)."""
        return f"s3://{self.bucket}/{self.prefijo}".rstrip("/")

    def clave(self, sha256: str) -> str:
        """The object key of the image with that digest."""
        _validar(sha256)
        return "/".join(p for p in (self.prefijo, sha256[:2], sha256[2:4], sha256) if p)

    def guardar(self, datos: bytes) -> str:
        """PUT the object, unless it is already there; S3 verifies the checksum we send."""
        sha256 = digesto(datos)
        if self.existe(sha256):
            return sha256
        return self.reponer(datos)

    def reponer(self, datos: bytes) -> str:
        """PUT the object over whatever is there; S3 verifies the checksum we send."""
        sha256 = digesto(datos)
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


class _Escritora:
    """One backend's writer threads. The writes waiting for a backend are bounded: one that
    hangs must not pile every upload's bytes up in memory; past the bound a write fails at once
    and the copy is simply missing (the scrub writes it later)."""

    HILOS = 8
    PENDIENTES = 64

    def __init__(self, copia: Copia) -> None:
        self.copia = copia
        self._hilos = ThreadPoolExecutor(self.HILOS, thread_name_prefix="almacen")
        self._lugares = threading.BoundedSemaphore(self.PENDIENTES)

    def guardar(self, datos: bytes) -> Future[str]:
        """Start writing `datos` to the copy; the future holds its digest or its failure."""
        if not self._lugares.acquire(blocking=False):
            lleno: Future[str] = Future()
            lleno.set_exception(OSError(f"{self.PENDIENTES} escrituras pendientes; no se espera"))
            return lleno
        futuro = self._hilos.submit(self.copia.guardar, datos)
        futuro.add_done_callback(lambda _futuro: self._lugares.release())
        return futuro


class AlmacenReplicado:
    """The same images in several backends, `requeridas` of which must hold an image before
    it is acknowledged.

    - `guardar` writes to every copy at once (each backend's own write is atomic, durable, and
      skipped when it already holds the image) and returns as soon as `requeridas` copies hold
      it; the other writes finish in the background. A copy whose write failed is simply
      missing it (logged): `prep imagenes verificar --reparar` writes it from a good copy. When
      `requeridas` copies cannot be reached it raises CopiasInsuficientes, and the image must
      not be recorded.
    - `leer` returns the first copy, in the configured order, whose bytes hash to the name; a
      missing, corrupt or unreachable copy is skipped (logged).
    - `existe` is true when at least `requeridas` copies hold the image: an under-replicated
      image counts as not stored, so storing it again writes the missing copies.
    """

    def __init__(self, copias: Sequence[Copia], requeridas: int) -> None:
        if not copias:
            raise ValueError("un almacén replicado necesita al menos una copia")
        if not 1 <= requeridas <= len(copias):
            raise ValueError(
                f"las copias requeridas ({requeridas}) deben estar entre 1 y {len(copias)},"
                " el número de copias del almacén"
            )
        self.copias = list(copias)
        self.requeridas = requeridas
        self._escritoras = [_Escritora(copia) for copia in self.copias]

    def __repr__(self) -> str:
        return f"AlmacenReplicado({self.copias!r}, requeridas={self.requeridas})"

    def guardar(self, datos: bytes) -> str:
        """Store the image in every copy; its digest once `requeridas` copies hold it."""
        sha256 = digesto(datos)
        futuros = {}
        for escritora in self._escritoras:
            futuro = escritora.guardar(datos)
            futuro.add_done_callback(_anotar_falla(escritora.copia, sha256))
            futuros[futuro] = escritora.copia
        guardadas, fallas = 0, []
        for futuro in as_completed(futuros):
            falla = futuro.exception()
            if falla is None:
                guardadas += 1
                if guardadas >= self.requeridas:
                    return sha256
            else:
                fallas.append((futuros[futuro].descripcion, explicar(falla)))
                if len(fallas) > len(self.copias) - self.requeridas:
                    break
        raise CopiasInsuficientes(sha256, guardadas, self.requeridas, fallas, len(self.copias))

    def leer(self, sha256: str) -> bytes:
        """The first copy whose bytes hash to `sha256`. When none does: the error of an
        unreachable copy (it may still hold the image), else ImagenCorrupta, else
        ImagenFaltante."""
        _validar(sha256)
        fallas: list[Exception] = []
        for copia in self.copias:
            try:
                return copia.leer(sha256)
            except Exception as exc:
                logger.warning(
                    "copia %s sin la imagen %s: %s", copia.descripcion, sha256, explicar(exc)
                )
                fallas.append(exc)
        inaccesible = next(
            (f for f in fallas if not isinstance(f, ImagenFaltante | ImagenCorrupta)), None
        )
        corrupta = next((f for f in fallas if isinstance(f, ImagenCorrupta)), None)
        raise inaccesible or corrupta or ImagenFaltante(sha256)

    def existe(self, sha256: str) -> bool:
        """True when at least `requeridas` copies hold the image (an unreachable copy does not
        count)."""
        _validar(sha256)
        tienen = 0
        for copia in self.copias:
            try:
                tienen += copia.existe(sha256)
            except Exception as exc:
                logger.warning("copia %s no responde: %s", copia.descripcion, explicar(exc))
            if tienen >= self.requeridas:
                return True
        return False


def _anotar_falla(copia: Copia, sha256: str) -> Callable[[Future[str]], None]:
    """A callback that logs a failed write (also one finishing after the upload returned)."""

    def anotar(futuro: Future[str]) -> None:
        falla = futuro.exception()
        if falla is not None:
            logger.warning(
                "copia %s no guardó la imagen %s: %s", copia.descripcion, sha256, explicar(falla)
            )

    return anotar


def ubicaciones(url: str) -> list[str]:
    """The locations a `PREP_IMAGENES_URL` value lists (separated by spaces or commas)."""
    return [lugar for lugar in _SEPARADOR.split(url.strip()) if lugar]


def copias_requeridas(valor: int | str | None, total: int) -> int:
    """How many copies an upload needs: `PREP_IMAGENES_COPIAS` (empty: all `total`)."""
    if valor is None or str(valor).strip() == "":
        return total
    try:
        requeridas = int(str(valor).strip())
    except ValueError:
        raise ValueError(f"PREP_IMAGENES_COPIAS debe ser un número entero: {valor!r}") from None
    if not 1 <= requeridas <= total:
        raise ValueError(
            f"PREP_IMAGENES_COPIAS={requeridas} no es válido: debe estar entre 1 y {total}, el"
            " número de ubicaciones en PREP_IMAGENES_URL"
        )
    return requeridas


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


def desde_configuracion(
    url: str, var_dir: Path, endpoint: str = "", copias: int | str | None = ""
) -> Almacen:
    """The store `PREP_IMAGENES_URL` and `PREP_IMAGENES_COPIAS` describe: one backend for one
    location (exactly `desde_url`), an AlmacenReplicado for several."""
    lugares = ubicaciones(url)
    requeridas = copias_requeridas(copias, max(len(lugares), 1))
    if len(lugares) <= 1:
        return desde_url(url.strip(), var_dir, endpoint)
    repetidas = sorted({lugar for lugar in lugares if lugares.count(lugar) > 1})
    if repetidas:
        raise ValueError(f"PREP_IMAGENES_URL repite una ubicación: {', '.join(repetidas)}")
    return AlmacenReplicado([desde_url(lugar, var_dir, endpoint) for lugar in lugares], requeridas)


@lru_cache(maxsize=4)
def _almacen(url: str, var_dir: str, endpoint: str, copias: str) -> Almacen:
    return desde_configuracion(url, Path(var_dir), endpoint, copias)


def almacen() -> Almacen:
    """The store the settings name; one instance (one S3 client, one set of writer threads)
    per configuration. A configuration error raises ValueError (in Spanish) on first use."""
    return _almacen(
        settings.PREP_IMAGENES_URL,
        str(settings.VAR_DIR),
        settings.PREP_S3_ENDPOINT,
        str(settings.PREP_IMAGENES_COPIAS),
    )
