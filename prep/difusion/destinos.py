"""Where a difusor receives its cortes (its `destino`) and how its credentials are read.

Two channels (docs/difusion.md, «Envío de cada corte»):

    sftp://usuario@servidor:22/ruta/de/la/bandeja     the package lands in that folder
    s3://bucket/prefijo?endpoint=https://…&region=…    the corte's files, ready to serve

The secret itself never reaches the database: the difusor's `credencial` names a file (read
only if no one else may read it, as ssh demands of a private key) or an environment variable.
For SFTP the secret is an OpenSSH private key; for S3 it is `ACCESS_KEY_ID:SECRET_ACCESS_KEY`
or the two lines of an AWS credentials file.
"""

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

# http is allowed only for these hosts: tests and drills serve the mirror on the same machine.
LOCALES = frozenset({"localhost", "127.0.0.1", "::1"})


class FallaDeEnvio(Exception):
    """A push that could not be done; the message, in Spanish, says why (never the secret)."""


@dataclass(frozen=True, slots=True)
class DestinoSFTP:
    """An SFTP inbox: the package is uploaded into `carpeta` (absolute path on the server)."""

    servidor: str
    puerto: int
    usuario: str
    carpeta: str

    def __str__(self) -> str:
        return f"sftp://{self.usuario}@{self.servidor}:{self.puerto}{self.carpeta}"


@dataclass(frozen=True, slots=True)
class DestinoS3:
    """An S3 bucket with static website hosting: the corte is served from `prefijo` + ultimo/.
    `endpoint` is set for an S3-compatible service (None: AWS)."""

    bucket: str
    prefijo: str
    endpoint: str | None
    region: str

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefijo}"


Destino = DestinoSFTP | DestinoS3
EJEMPLOS = {
    "SFTP": "sftp://prep@difusor.example.mx:22/srv/prep/bandeja",
    "S3": "s3://prep-difusor/sitio/?region=us-east-1",
}


def interpretar(canal: str, destino: str) -> Destino:
    """The destination `destino` names for `canal`; ValueError in Spanish when it is not one."""
    partes = urlsplit(destino.strip())
    esperado = canal.lower()
    if partes.scheme != esperado:
        raise ValueError(
            f"para el canal {canal} el destino empieza con {esperado}:// (p. ej. {EJEMPLOS[canal]})"
        )
    if partes.password:
        raise ValueError("el destino no debe llevar contraseña: va en la credencial")
    if canal == "SFTP":
        return _sftp(partes)
    return _s3(partes)


def _sftp(partes) -> DestinoSFTP:
    if not partes.hostname or not partes.username:
        raise ValueError(f"indique usuario y servidor (p. ej. {EJEMPLOS['SFTP']})")
    try:
        puerto = partes.port or 22
    except ValueError as exc:
        raise ValueError("el puerto del destino no es un número entre 1 y 65535") from exc
    carpeta = unquote(partes.path)
    if not carpeta.startswith("/") or any(p in {".", ".."} for p in carpeta.split("/")):
        raise ValueError("la carpeta de la bandeja debe ser una ruta absoluta sin «.» ni «..»")
    if partes.query or partes.fragment:
        raise ValueError("un destino SFTP no lleva parámetros (?…) ni fragmento (#…)")
    return DestinoSFTP(
        partes.hostname, puerto, unquote(partes.username), carpeta.rstrip("/") or "/"
    )


def _s3(partes) -> DestinoS3:
    if partes.username:
        raise ValueError("un destino S3 no lleva usuario: va en la credencial")
    bucket = partes.netloc
    if not (3 <= len(bucket) <= 63) or not all(c.isalnum() or c in ".-" for c in bucket):
        raise ValueError(f"«{bucket}» no es un nombre de bucket válido (3 a 63 letras, . y -)")
    prefijo = unquote(partes.path).lstrip("/")
    if prefijo and not prefijo.endswith("/"):
        prefijo += "/"
    if any(p in {".", ".."} for p in prefijo.split("/")):
        raise ValueError("el prefijo no debe llevar «.» ni «..»")
    parametros = parse_qs(partes.query, keep_blank_values=True)
    desconocidos = set(parametros) - {"endpoint", "region"}
    if desconocidos:
        raise ValueError(
            f"parámetros desconocidos: {', '.join(sorted(desconocidos))}"
            " (válidos: endpoint, region)"
        )
    endpoint = parametros.get("endpoint", [None])[-1] or None
    if endpoint is not None:
        punto = urlsplit(endpoint)
        if punto.scheme not in {"http", "https"} or not punto.hostname:
            raise ValueError(f"el endpoint «{endpoint}» no es una dirección http(s)")
        if punto.scheme == "http" and punto.hostname not in LOCALES:
            raise ValueError("el endpoint debe usar https (http sólo para localhost)")
    region = parametros.get("region", ["us-east-1"])[-1] or "us-east-1"
    return DestinoS3(bucket, prefijo, endpoint, region)


def leer_credencial(referencia: str) -> str:
    """The secret a credential reference names: a file's text (refused when others may read
    it) or an environment variable's value. FallaDeEnvio says what is wrong, never the secret."""
    if referencia.startswith("/"):
        ruta = Path(referencia)
        try:
            modo = ruta.stat().st_mode
            if modo & (stat.S_IRWXG | stat.S_IRWXO):
                raise FallaDeEnvio(
                    f"la credencial {referencia} la pueden leer otros usuarios (permisos"
                    f" {stat.S_IMODE(modo):04o}); déjela en 0600 con «chmod 600 {referencia}»"
                )
            return ruta.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise FallaDeEnvio(f"no existe el archivo de la credencial {referencia}") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise FallaDeEnvio(f"no se puede leer la credencial {referencia}: {exc}") from exc
    valor = os.environ.get(referencia)
    if not valor:
        raise FallaDeEnvio(f"la variable de entorno {referencia} de la credencial no está definida")
    return valor


def credencial_s3(texto: str) -> tuple[str, str]:
    """(access key id, secret access key) from `ID:SECRETO` or an AWS credentials file's lines
    `aws_access_key_id = …` and `aws_secret_access_key = …`."""
    valores = {}
    for linea in texto.splitlines():
        clave, signo, valor = linea.partition("=")
        if signo:
            valores[clave.strip().lower()] = valor.strip()
    if "aws_access_key_id" in valores and "aws_secret_access_key" in valores:
        return valores["aws_access_key_id"], valores["aws_secret_access_key"]
    acceso, signo, secreto = texto.strip().partition(":")
    if signo and acceso and secreto and not any(c.isspace() for c in texto.strip()):
        return acceso, secreto
    raise FallaDeEnvio(
        "la credencial S3 debe ser «ACCESS_KEY_ID:SECRET_ACCESS_KEY» o las líneas"
        " aws_access_key_id y aws_secret_access_key de un archivo de credenciales de AWS"
    )
