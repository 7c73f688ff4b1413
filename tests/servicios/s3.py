"""A real S3 endpoint for the tests: moto's server on the loopback, spoken to over HTTP.

`servidor_s3` (one per session) can be stopped and started again on the same port, keeping its
buckets (moto keeps them in this process's memory), and can demand signed requests from known
IAM users. `bucket_s3` is a fresh bucket set up like a difusor's static website: anyone may GET
its objects by plain HTTP. Keys go to boto3 explicitly: nothing here touches the AWS_*
environment variables or ~/.aws.
"""

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer

REGION = "us-east-1"
ACCESO = SECRETO = "testing"
PREFIJO = "sitio/"


def credenciales_de_prueba(monkeypatch) -> None:
    """The moto server's credentials and region in the environment (this process and `prep`
    children), and the image store's S3 client trying once: a stopped S3 fails at once."""
    from prep.digitalizacion.almacen import AlmacenS3

    for variable, valor in {
        "AWS_ACCESS_KEY_ID": ACCESO,
        "AWS_SECRET_ACCESS_KEY": SECRETO,
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(variable, valor)
    monkeypatch.setattr(AlmacenS3, "INTENTOS", 1)


class ServidorS3:
    """moto's S3 server in a thread on 127.0.0.1, with failure injection."""

    def __init__(self) -> None:
        self._servidor: ThreadedMotoServer | None = None
        self.puerto = 0  # the first start picks a free port; later starts reuse it
        self.iniciar()

    @property
    def endpoint(self) -> str:
        """The server's URL."""
        return f"http://127.0.0.1:{self.puerto}"

    def iniciar(self) -> None:
        """Start the server (on the same port as before); nothing when it is running."""
        if self._servidor is not None:
            return
        servidor = ThreadedMotoServer(ip_address="127.0.0.1", port=self.puerto, verbose=False)
        servidor.start()
        self.puerto = servidor.get_host_and_port()[1]
        self._servidor = servidor

    def detener(self) -> None:
        """Stop the server: its port refuses connections until `iniciar`."""
        if self._servidor is not None:
            self._servidor.stop()
            self._servidor = None

    def cliente(self, servicio: str = "s3", acceso: str = ACCESO, secreto: str = SECRETO) -> Any:
        """A boto3 client of this server."""
        return boto3.session.Session(
            aws_access_key_id=acceso, aws_secret_access_key=secreto, region_name=REGION
        ).client(servicio, endpoint_url=self.endpoint)

    def usuario_iam(self, *, con_permiso: bool) -> tuple[str, str]:
        """(access key, secret) of a new IAM user, allowed every S3 action or none."""
        iam = self.cliente("iam")
        nombre = f"difusor-{uuid.uuid4().hex[:8]}"
        iam.create_user(UserName=nombre)
        if con_permiso:
            politica = {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
            }
            iam.put_user_policy(
                UserName=nombre, PolicyName="s3", PolicyDocument=json.dumps(politica)
            )
        llave = iam.create_access_key(UserName=nombre)["AccessKey"]
        return llave["AccessKeyId"], llave["SecretAccessKey"]

    @contextmanager
    def exigir_firma(self) -> Iterator[None]:
        """Within the block every request must be signed by an IAM user allowed to make it.
        (moto keeps this switch per process: other in-process moto servers see it too.)"""
        previo = self._autenticar_desde("0")
        try:
            yield
        finally:
            self._autenticar_desde(previo)

    def _autenticar_desde(self, cuenta: str) -> str:
        """Make moto check signatures after `cuenta` more requests ("inf": never); the former
        setting."""
        respuesta = httpx.post(f"{self.endpoint}/moto-api/reset-auth", content=cuenta)
        respuesta.raise_for_status()
        return respuesta.json()["PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT"]


@dataclass(frozen=True)
class BucketS3:
    """A difusor's bucket: `destino` and `credencial` as a Difusor stores them, `publico` the
    base URL a visitor GETs the site from, `cliente` a boto3 client to look inside."""

    nombre: str
    destino: str
    credencial: str
    publico: str
    cliente: Any


@pytest.fixture(scope="session")
def servidor_s3() -> Iterator[ServidorS3]:
    """One moto server for the whole session."""
    servidor = ServidorS3()
    yield servidor
    servidor.detener()


@pytest.fixture
def bucket_s3(servidor_s3: ServidorS3) -> Iterator[BucketS3]:
    """A new, publicly readable bucket; the server is running again after the test."""
    nombre = f"difusor-{uuid.uuid4().hex[:12]}"
    cliente = servidor_s3.cliente()
    cliente.create_bucket(Bucket=nombre)
    # What a difusor does for static website hosting: anyone may read the objects.
    lectura = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{nombre}/*",
            }
        ],
    }
    cliente.put_bucket_policy(Bucket=nombre, Policy=json.dumps(lectura))
    yield BucketS3(
        nombre=nombre,
        destino=f"s3://{nombre}/{PREFIJO}?endpoint={servidor_s3.endpoint}",
        credencial=f"{ACCESO}:{SECRETO}",
        publico=f"{servidor_s3.endpoint}/{nombre}/{PREFIJO}",
        cliente=cliente,
    )
    servidor_s3.iniciar()
