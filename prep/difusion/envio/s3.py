"""Push a corte into a difusor's S3 bucket (static website hosting with a CDN in front).

The bucket serves the newest corte under `<prefijo>ultimo/`, the same public path the institute
uses (`<url pública>/ultimo/…`), so the site's relative links work unchanged. The bucket keeps
the manifest of the corte it serves; each push reads it and sends only the files whose path is
new or whose SHA-256 changed, then deletes the files the new corte no longer has.

Order (docs/difusion.md, H4), each phase finishing before the next starts: the immutable files
(`imagenes/`, `assets/`, `bases/`: named by their content or their corte), then the other data,
then `index.html`, `datos/corte.json`, `manifest.sig` and `manifest.json` last, one by one. A
visitor or a monitor that sees the new manifest finds every file it lists; stale files go after.

Every PUT carries the file's SHA-256 from the manifest (`ChecksumSHA256`, so S3 refuses a corrupt
upload, and metadata `sha256`), its Content-Type, and Cache-Control: `immutable` for `imagenes/`
and `assets/` (H2), `no-cache` for everything else so the CDN revalidates by ETag (H1).

While a push runs, a mark (`<prefijo>.prep-envio-en-curso`) stays in the bucket, removed once
the manifest is in place and the stale files gone. A push that finds it knows the last one was
interrupted: the bucket may hold files its manifest does not describe, so it sends every file.

botocore retries once: the orchestrator retries the whole push with backoff, and a push repeated
after a failure sends only what is still missing.
"""

import base64
import time
from collections.abc import Iterable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import boto3
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from prep.difusion.destinos import DestinoS3, FallaDeEnvio
from prep.publicacion.manifiesto import FIRMA, MANIFIESTO, ULTIMO, Archivo, huella, leer

# Uploads in flight at once. A corte of 2,011 small files to moto's server in another process
# (2 cores): 123 uploads/s with 1 worker, 176 with 4, 217 with 8, 274 with 16, 259 with 32; the
# client's CPU is the limit there, while a real bucket's tens of ms per PUT favour parallelism.
TRABAJADORES = 16
INTENTOS = 2  # per request, the first included
CONEXION_MAXIMA = 10.0  # seconds to connect, at most
LECTURA_MAXIMA = 60.0  # seconds without a byte from the server, at most
BORRADO_POR_LOTE = 1000  # the most keys DeleteObjects accepts
MARCA = ".prep-envio-en-curso"

INMUTABLES = ("imagenes/", "assets/", "bases/")  # uploaded first
EN_CACHE_PARA_SIEMPRE = ("imagenes/", "assets/")  # named by their content (H2)
# Sent last, one by one and in this order, after every other file of the corte.
FINALES = ("index.html", "datos/corte.json")
CACHE_INMUTABLE = "public, max-age=31536000, immutable"
CACHE_REVALIDAR = "no-cache"
TIPOS = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
    ".zip": "application/zip",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".pdf": "application/pdf",
    ".pem": "application/x-pem-file",
    ".txt": "text/plain; charset=utf-8",
    ".sig": "application/octet-stream",
    ".sha256": "text/plain; charset=utf-8",
}
# S3 error codes by what they mean for the operator.
SIN_PERMISO = frozenset({"AccessDenied", "AllAccessDisabled", "AccountProblem"})
LLAVE_DESCONOCIDA = frozenset({"InvalidAccessKeyId", "InvalidToken", "ExpiredToken"})
CONTENIDO_ALTERADO = frozenset(
    {"BadDigest", "InvalidDigest", "XAmzContentSHA256Mismatch", "InvalidChecksum"}
)


@dataclass(frozen=True, slots=True)
class Sincronizacion:
    """What a push did. `subidos + sin_cambio` is every file of the corte, manifest and
    signature included; `bytes` counts the uploaded ones; `borrados`, the stale files removed."""

    subidos: int
    bytes: int
    sin_cambio: int
    borrados: int


@dataclass(frozen=True, slots=True)
class _Subida:
    """One file to PUT: its path in the corte, SHA-256 (hex) and size."""

    ruta: str
    sha256: str
    bytes: int


def cliente(destino: DestinoS3, acceso: str, secreto: str, tiempo: float) -> BaseClient:
    """A boto3 S3 client for `destino` with these keys, its timeouts within `tiempo` seconds.

    A session of its own: boto3's default session reads ~/.aws and is not thread-safe, and the
    orchestrator pushes to several difusores at once."""
    sesion = boto3.session.Session(
        aws_access_key_id=acceso, aws_secret_access_key=secreto, region_name=destino.region
    )
    return sesion.client(
        "s3",
        endpoint_url=destino.endpoint,
        config=Config(
            connect_timeout=min(CONEXION_MAXIMA, tiempo / INTENTOS),
            read_timeout=min(LECTURA_MAXIMA, tiempo / INTENTOS),
            retries={"total_max_attempts": INTENTOS, "mode": "standard"},
            max_pool_connections=TRABAJADORES,
        ),
    )


def sincronizar(
    destino: DestinoS3,
    acceso: str,
    secreto: str,
    carpeta: Path,
    tiempo: float,
    *,
    cliente_s3: BaseClient | None = None,
) -> Sincronizacion:
    """Make `<prefijo>ultimo/` of `destino` serve the published corte `carpeta`, sending only
    what changed, in the order of rule H4, within `tiempo` seconds.

    `cliente_s3` replaces the client made by `cliente(destino, acceso, secreto, tiempo)` (tests
    watch its requests). FallaDeEnvio, in Spanish and without the secret, says what failed."""
    if tiempo <= 0:
        raise ValueError("el tiempo del envío debe ser positivo")
    limite = time.monotonic() + tiempo
    datos_manifiesto, firma = _leer_local(carpeta / MANIFIESTO), _leer_local(carpeta / FIRMA)
    try:
        nuevo = leer(datos_manifiesto)
    except ValueError as exc:
        raise FallaDeEnvio(f"el corte {carpeta} no se puede enviar: {exc}") from exc
    s3 = cliente_s3 if cliente_s3 is not None else cliente(destino, acceso, secreto, tiempo)
    try:
        previo = _manifiesto_en_el_bucket(s3, destino)
        interrumpido = _hay_objeto(s3, destino.bucket, marca(destino))
        if previo == datos_manifiesto and not interrumpido:
            return Sincronizacion(0, 0, len(nuevo.archivos) + 2, 0)
        anteriores = _archivos_de(previo)
        # After an interrupted push the bucket holds files its manifest does not describe: one
        # may have gone back to an older content since, so the manifest cannot say what to skip.
        vigentes = {} if interrumpido else anteriores
        cambiados = [a for a in nuevo.archivos if vigentes.get(a.ruta) != a.sha256]
        _comprobar_tamanos(carpeta, cambiados)
        fases = _fases(cambiados, datos_manifiesto, firma)
        s3.put_object(
            Bucket=destino.bucket, Key=marca(destino), Body=huella(datos_manifiesto).encode()
        )
        with ThreadPoolExecutor(TRABAJADORES, thread_name_prefix="envio-s3") as hilos:
            for fase in fases[:2]:
                _en_paralelo(hilos, s3, destino, carpeta, fase, limite)
        for subida in fases[2]:
            _subir(s3, destino, carpeta, subida, limite)
        nuevas = nuevo.por_ruta()
        borrados = _borrar(s3, destino, [r for r in anteriores if r not in nuevas])
        s3.delete_object(Bucket=destino.bucket, Key=marca(destino))
    except (BotoCoreError, ClientError) as exc:
        raise _falla(destino, exc) from exc
    enviadas = [s for fase in fases for s in fase]
    return Sincronizacion(
        subidos=len(enviadas),
        bytes=sum(s.bytes for s in enviadas),
        sin_cambio=len(nuevo.archivos) - len(cambiados),
        borrados=borrados,
    )


def marca(destino: DestinoS3) -> str:
    """The key of the mark a push leaves while it runs (outside ultimo/: never part of the site);
    found at the start of the next push, it means the last one was interrupted."""
    return f"{destino.prefijo}{MARCA}"


def _hay_objeto(s3: BaseClient, bucket: str, llave: str) -> bool:
    try:
        s3.head_object(Bucket=bucket, Key=llave)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404", "NotFound"}:
            return False
        raise
    return True


def clave(destino: DestinoS3, ruta: str) -> str:
    """The object key of a corte's file in the bucket."""
    return f"{destino.prefijo}{ULTIMO}/{ruta}"


def _leer_local(ruta: Path) -> bytes:
    try:
        return ruta.read_bytes()
    except OSError as exc:
        raise FallaDeEnvio(f"no se puede leer {ruta}: {exc.strerror or exc}") from exc


def _manifiesto_en_el_bucket(s3: BaseClient, destino: DestinoS3) -> bytes | None:
    """The manifest the bucket serves now; None when there is none."""
    try:
        respuesta = s3.get_object(Bucket=destino.bucket, Key=clave(destino, MANIFIESTO))
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
            return None
        raise
    with respuesta["Body"] as cuerpo:
        return cuerpo.read()


def _archivos_de(datos: bytes | None) -> dict[str, str]:
    """SHA-256 by path of the files the bucket's manifest lists; none when it is missing or
    unreadable (then everything is sent)."""
    if datos is None:
        return {}
    try:
        previo = leer(datos)
    except ValueError:
        return {}
    return {a.ruta: a.sha256 for a in previo.archivos}


def _comprobar_tamanos(carpeta: Path, archivos: Iterable[Archivo]) -> None:
    """Refuse, before anything is uploaded, a corte whose files differ from its manifest."""
    for archivo in archivos:
        ruta = carpeta / archivo.ruta
        try:
            tamano = ruta.stat().st_size
        except OSError as exc:
            raise FallaDeEnvio(
                f"el corte {carpeta} no tiene {archivo.ruta}, que su manifiesto lista"
            ) from exc
        if tamano != archivo.bytes:
            raise FallaDeEnvio(
                f"{archivo.ruta} del corte {carpeta} mide {tamano} bytes y el manifiesto dice"
                f" {archivo.bytes}: el corte cambió después de firmarse; no se envía"
            )


def _fases(
    cambiados: list[Archivo], manifiesto: bytes, firma: bytes
) -> tuple[list[_Subida], list[_Subida], list[_Subida]]:
    """The uploads in three phases: immutable files, other data, and the final ones in order."""
    subidas = {a.ruta: _Subida(a.ruta, a.sha256, a.bytes) for a in cambiados}
    finales = [subidas.pop(r) for r in FINALES if r in subidas]
    finales += [
        _Subida(FIRMA, huella(firma), len(firma)),
        _Subida(MANIFIESTO, huella(manifiesto), len(manifiesto)),
    ]
    inmutables = [s for s in subidas.values() if s.ruta.startswith(INMUTABLES)]
    otros = [s for s in subidas.values() if not s.ruta.startswith(INMUTABLES)]
    return inmutables, otros, finales


def _en_paralelo(
    hilos: ThreadPoolExecutor,
    s3: BaseClient,
    destino: DestinoS3,
    carpeta: Path,
    subidas: list[_Subida],
    limite: float,
) -> None:
    """Upload `subidas` in parallel; return when all are in, or raise the first failure once
    the uploads already running have ended (none of this phase lands after we return)."""
    futuros: list[Future] = [hilos.submit(_subir, s3, destino, carpeta, s, limite) for s in subidas]
    hechos, pendientes = wait(futuros, return_when=FIRST_EXCEPTION)
    for futuro in pendientes:
        futuro.cancel()
    wait(pendientes)
    for futuro in hechos:
        futuro.result()


def _subir(
    s3: BaseClient, destino: DestinoS3, carpeta: Path, subida: _Subida, limite: float
) -> None:
    """PUT one file, unless the push has run out of time."""
    if time.monotonic() > limite:
        raise FallaDeEnvio(
            f"se agotó el tiempo del envío a {destino} antes de subir {subida.ruta};"
            " el bucket sigue sirviendo el corte anterior"
        )
    extension = PurePosixPath(subida.ruta).suffix.lower()
    inmutable = subida.ruta.startswith(EN_CACHE_PARA_SIEMPRE)
    try:
        with (carpeta / subida.ruta).open("rb") as cuerpo:
            s3.put_object(
                Bucket=destino.bucket,
                Key=clave(destino, subida.ruta),
                Body=cuerpo,
                ContentLength=subida.bytes,
                ContentType=TIPOS.get(extension, "application/octet-stream"),
                CacheControl=CACHE_INMUTABLE if inmutable else CACHE_REVALIDAR,
                ChecksumSHA256=base64.b64encode(bytes.fromhex(subida.sha256)).decode("ascii"),
                Metadata={"sha256": subida.sha256},
            )
    except OSError as exc:
        raise FallaDeEnvio(f"no se puede leer {carpeta / subida.ruta}: {exc}") from exc
    except (BotoCoreError, ClientError) as exc:
        raise _falla(destino, exc, subida.ruta) from exc


def _borrar(s3: BaseClient, destino: DestinoS3, rutas: list[str]) -> int:
    """Delete the stale files (in batches, as DeleteObjects takes); how many."""
    for inicio in range(0, len(rutas), BORRADO_POR_LOTE):
        lote = rutas[inicio : inicio + BORRADO_POR_LOTE]
        respuesta = s3.delete_objects(
            Bucket=destino.bucket,
            Delete={"Objects": [{"Key": clave(destino, r)} for r in lote], "Quiet": True},
        )
        if errores := respuesta.get("Errors"):
            primero = errores[0]
            raise FallaDeEnvio(
                f"el corte ya se sirve en {destino}, pero no se pudieron borrar {len(errores)}"
                f" archivos viejos (p. ej. {primero.get('Key')}: {primero.get('Code')})"
            )
    return len(rutas)


def _falla(destino: DestinoS3, exc: BotoCoreError | ClientError, ruta: str = "") -> FallaDeEnvio:
    """The Spanish account of a boto3 failure (S3 error messages never carry the secret)."""
    sobre = f" al subir {ruta}" if ruta else ""
    servicio = destino.endpoint or "AWS S3"
    if isinstance(exc, EndpointConnectionError):
        texto = f"no se pudo conectar con {servicio}{sobre}"
    elif isinstance(exc, ConnectTimeoutError | ReadTimeoutError):
        texto = f"{servicio} no respondió a tiempo{sobre}"
    elif isinstance(exc, BotoCoreError):
        texto = f"falló la comunicación con {servicio}{sobre}: {exc}"
    else:
        error = exc.response.get("Error", {})
        codigo, mensaje = error.get("Code", ""), error.get("Message", "")
        if codigo == "NoSuchBucket":
            texto = f"el bucket «{destino.bucket}» no existe en {servicio}"
        elif codigo == "SignatureDoesNotMatch":
            texto = (
                "S3 rechazó la firma: la llave secreta de la credencial no corresponde a la"
                " llave de acceso"
            )
        elif codigo in LLAVE_DESCONOCIDA:
            texto = f"S3 no reconoce la llave de acceso de la credencial ({codigo})"
        elif codigo in SIN_PERMISO:
            texto = (
                f"S3 negó el acceso ({codigo}): la credencial necesita s3:ListBucket en el"
                " bucket (sin él, S3 niega la lectura de un manifiesto que aún no existe) y"
                f" s3:GetObject, s3:PutObject y s3:DeleteObject en {destino.prefijo}{ULTIMO}/*"
            )
        elif codigo in CONTENIDO_ALTERADO:
            texto = f"S3 rechazó el contenido{sobre}: no coincide con el SHA-256 del manifiesto"
        else:
            texto = f"S3 respondió {codigo or 'un error'}{sobre}: {mensaje}"
    return FallaDeEnvio(f"envío a {destino}: {texto}")
