"""Readiness for a load balancer: may this `prep servir` take traffic now?

Two checks, run at once, each in a thread of its own and together bounded by `PLAZO`:
- the database answers and takes writes: on PostgreSQL, it is not an espejo in recovery (a
  standby must not receive traffic; after its promotion it does) nor read-only; on SQLite, a
  trivial query;
- the image store can take an upload: at least the required copies (`PREP_IMAGENES_COPIAS`)
  answer. A local folder answers when it is a writable folder (or, before the first image,
  when its nearest existing parent is); an S3 bucket when a HEAD of a probe key gets an
  answer from the bucket (404 included) within the deadline.

A check that has not answered within the deadline fails. Its thread may stay blocked (a TCP
connection to a host that never answers); it is a daemon thread, and while it lives the next
readiness check waits for that same run instead of starting another, so a dead backend never
piles threads up, and the first answer after it recovers is used at once.

Nothing is written (not the bitácora, not the store); the answer names no host, path, bucket
or error text: those go to the log, once per change of state rather than once per poll.
"""

import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, wait
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from time import monotonic

from django.db import connection
from django.utils.translation import gettext as _

from prep.digitalizacion.almacen import AlmacenLocal, AlmacenS3, Copia, almacen, explicar
from prep.digitalizacion.replicas import copias_de

logger = logging.getLogger(__name__)

PLAZO = 2.0  # seconds every check together may take
# How long a probe of a bucket may wait for it: past PLAZO, so that the checks of the next
# seconds join a probe stuck on a dead endpoint instead of opening more connections to it.
ESPERA_BUCKET = 5.0
SONDA = "0" * 64  # any digest: an S3 copy is asked only whether it answers


class NoListo(Exception):
    """A check failed; the message is for the public answer (Spanish, nothing sensitive)."""


@dataclass(frozen=True)
class Comprobacion:
    """One check's outcome: its public message, and figures safe to show."""

    correcta: bool
    mensaje: str = ""
    datos: dict[str, int] = field(default_factory=dict)

    def como_dict(self) -> dict:
        """The check as the readiness answer shows it."""
        cuerpo: dict = {"estado": "ok" if self.correcta else "falla", **self.datos}
        if self.mensaje:
            cuerpo["mensaje"] = self.mensaje
        return cuerpo


@dataclass(frozen=True)
class Resultado:
    """Every check, by name."""

    comprobaciones: dict[str, Comprobacion]

    @property
    def listo(self) -> bool:
        """True when every check passed."""
        return all(c.correcta for c in self.comprobaciones.values())


def _en_hilo(nombre: str, funcion: Callable[[], None]) -> Future:
    """Run `funcion` in a new daemon thread (one blocked on a dead host must not hold up the
    process's exit); its outcome in the future."""
    futuro: Future = Future()

    def correr() -> None:
        futuro.set_running_or_notify_cancel()
        try:
            futuro.set_result(funcion())
        except BaseException as exc:
            futuro.set_exception(exc)

    threading.Thread(target=correr, name=f"salud-{nombre}", daemon=True).start()
    return futuro


class _Sondas:
    """At most one run of each probe at a time: a new check joins the run still going."""

    def __init__(self) -> None:
        self._cerrojo = threading.Lock()
        self._en_curso: dict[str, Future] = {}

    def iniciar(self, clave: str, funcion: Callable[[], None]) -> Future:
        """The running probe `clave`, or a new run of `funcion`."""
        with self._cerrojo:
            futuro = self._en_curso.get(clave)
            if futuro is None or futuro.done():
                futuro = self._en_curso[clave] = _en_hilo(clave, funcion)
            return futuro


_sondas = _Sondas()


class _Anotador:
    """Logs each check's failure once when it starts (or its cause changes), and its
    recovery: a balancer asks every few seconds."""

    def __init__(self) -> None:
        self._cerrojo = threading.Lock()
        self._fallas: dict[str, str] = {}

    def anotar(self, clave: str, falla: str | None) -> None:
        """Record the check's outcome (`falla`: why it failed, for the log; None: passed)."""
        with self._cerrojo:
            anterior = self._fallas.get(clave)
            if falla == anterior:
                return
            if falla is None:
                self._fallas.pop(clave, None)
                logger.warning("salud: %s responde de nuevo", clave)
            else:
                self._fallas[clave] = falla
                logger.warning("salud: %s falla: %s", clave, falla)


_anotador = _Anotador()


def _base() -> None:
    """The database answers and takes writes (runs in a probe thread: its own connection,
    closed at the end so that the next probe connects anew, as a new request would)."""
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT pg_is_in_recovery(), current_setting('transaction_read_only')"
                )
                recuperacion, solo_lectura = cursor.fetchone()
                if recuperacion:
                    raise NoListo(_("la base de datos es un espejo en recuperación (sólo lectura)"))
                if solo_lectura == "on":
                    raise NoListo(_("la base de datos sólo admite lectura"))
            else:
                cursor.execute("SELECT 1")
    finally:
        connection.close()


def _carpeta(raiz: Path) -> None:
    """A local copy can take an image: its folder, or the nearest parent that exists (the
    folders are created with the first image), is a folder this process may write in."""
    carpeta = raiz
    while not carpeta.exists() and carpeta != carpeta.parent:
        carpeta = carpeta.parent
    if not carpeta.is_dir():
        raise NotADirectoryError(f"{carpeta} no es una carpeta")
    # access() also reports a file system mounted read-only, even to root.
    if not os.access(carpeta, os.W_OK | os.X_OK):
        raise PermissionError(f"no se puede escribir en {carpeta}")


@lru_cache(maxsize=8)
def _cliente_sonda(endpoint: str | None, region: str | None):
    """A boto3 client for probes: one attempt and short timeouts (the store's own client
    retries with backoff, right for an upload, far too slow to tell that a bucket is down)."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=region,
        config=Config(
            connect_timeout=ESPERA_BUCKET,
            read_timeout=ESPERA_BUCKET,
            retries={"total_max_attempts": 1},
        ),
    )


def _bucket(copia: AlmacenS3) -> None:
    """An S3 copy answers: a HEAD of a probe key gets the bucket's answer (404: fine)."""
    from botocore.exceptions import ClientError

    meta = copia.cliente.meta
    try:
        _cliente_sonda(meta.endpoint_url, meta.region_name).head_object(
            Bucket=copia.bucket, Key=copia.clave(SONDA)
        )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in {"404", "NoSuchKey", "NotFound"}:
            raise


def _copia(copia: Copia) -> None:
    if isinstance(copia, AlmacenLocal):
        _carpeta(copia.raiz)
    elif isinstance(copia, AlmacenS3):
        _bucket(copia)
    else:
        copia.existe(SONDA)


def _falla(futuro: Future, publico: str) -> tuple[str, str] | None:
    """(public message, detail for the log) of a failed probe, None if it passed; `publico`
    unless the probe failed with a NoListo of its own."""
    if not futuro.done():
        return publico, f"no respondió en {PLAZO} s"
    falla = futuro.exception()
    if falla is None:
        return None
    if isinstance(falla, NoListo):
        return str(falla), str(falla)
    return publico, explicar(falla)


def comprobar() -> Resultado:
    """Run every check (together at most `PLAZO` seconds)."""
    limite = monotonic() + PLAZO
    base = _sondas.iniciar("base_de_datos", _base)
    try:
        copias, requeridas = copias_de(almacen())
    except ValueError as exc:
        copias, requeridas, configuracion = [], 1, explicar(exc)
    else:
        configuracion = None
    sondas = {
        copia.descripcion: _sondas.iniciar(f"copia {copia.descripcion}", lambda c=copia: _copia(c))
        for copia in copias
    }
    wait([base, *sondas.values()], timeout=max(limite - monotonic(), 0))
    falla = _falla(base, _("la base de datos no responde"))
    _anotador.anotar("base de datos", falla and falla[1])
    return Resultado(
        {
            "base_de_datos": Comprobacion(falla is None, falla[0] if falla else ""),
            "almacen_de_imagenes": _almacen(sondas, requeridas, configuracion),
        }
    )


def _almacen(sondas: dict[str, Future], requeridas: int, configuracion: str | None) -> Comprobacion:
    if configuracion is not None:
        _anotador.anotar("almacén de imágenes", configuracion)
        return Comprobacion(False, _("la configuración del almacén de imágenes no es válida"))
    _anotador.anotar("almacén de imágenes", None)
    responden = 0
    for descripcion, futuro in sondas.items():
        falla = _falla(futuro, "")
        _anotador.anotar(f"copia {descripcion} del almacén de imágenes", falla and falla[1])
        responden += falla is None
    datos = {"copias": len(sondas), "responden": responden, "requeridas": requeridas}
    if responden >= requeridas:
        return Comprobacion(True, datos=datos)
    mensaje = _(
        "sólo %(r)s de %(n)s copias del almacén de imágenes responden y se requieren %(q)s"
    ) % {"r": responden, "n": len(sondas), "q": requeridas}
    return Comprobacion(False, mensaje, datos)
