"""The content-addressed image store: the local folder (atomic, durable writes) and the S3
backend against a real S3 API (moto's server over HTTP, not mocks)."""

import hashlib
import os
import stat

import boto3
import pytest
from moto.server import ThreadedMotoServer

from prep import archivos
from prep.digitalizacion.almacen import (
    AlmacenLocal,
    AlmacenS3,
    ImagenCorrupta,
    ImagenFaltante,
    almacen,
    desde_url,
)
from prep.digitalizacion.servicios import recibir_imagen
from tests.digitalizacion.fabricas import foto_de

DATOS = b"\xff\xd8\xff" + bytes(range(256)) * 40
SHA = hashlib.sha256(DATOS).hexdigest()


def test_local_guarda_por_sha256_en_carpetas_repartidas(tmp_path):
    tienda = AlmacenLocal(tmp_path / "imagenes")
    assert tienda.guardar(DATOS) == SHA
    ruta = tmp_path / "imagenes" / SHA[:2] / SHA[2:4] / SHA
    assert ruta.read_bytes() == DATOS
    assert not stat.S_IMODE(ruta.stat().st_mode) & 0o222  # read-only once stored
    assert tienda.existe(SHA) and tienda.leer(SHA) == DATOS
    assert [p.name for p in ruta.parent.iterdir()] == [SHA]  # no temporary file left


def test_local_guardar_dos_veces_no_reescribe(tmp_path):
    tienda = AlmacenLocal(tmp_path)
    tienda.guardar(DATOS)
    antes = tienda.ruta(SHA).stat()
    tienda.guardar(DATOS)
    despues = tienda.ruta(SHA).stat()
    assert (antes.st_ino, antes.st_mtime_ns) == (despues.st_ino, despues.st_mtime_ns)


def test_local_sincroniza_el_archivo_antes_de_renombrarlo_y_la_carpeta_despues(
    tmp_path, monkeypatch
):
    eventos = []
    fsync, replace = os.fsync, os.replace

    def _fsync(descriptor):
        eventos.append(
            ("fsync", "carpeta" if stat.S_ISDIR(os.fstat(descriptor).st_mode) else "archivo")
        )
        fsync(descriptor)

    def _replace(origen, destino):
        eventos.append(("replace", os.path.basename(destino)))
        replace(origen, destino)

    monkeypatch.setattr(archivos.os, "fsync", _fsync)
    monkeypatch.setattr(archivos.os, "replace", _replace)
    AlmacenLocal(tmp_path).guardar(DATOS)
    archivo = eventos.index(("fsync", "archivo"))
    renombre = eventos.index(("replace", SHA))
    assert archivo < renombre
    assert ("fsync", "carpeta") in eventos[renombre + 1 :]


def test_local_una_escritura_fallida_no_deja_nada_visible(tmp_path, monkeypatch):
    def _falla(descriptor):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(archivos.os, "fsync", _falla)
    with pytest.raises(OSError, match="No space"):
        AlmacenLocal(tmp_path).guardar(DATOS)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_local_detecta_corrupcion_y_faltantes(tmp_path):
    tienda = AlmacenLocal(tmp_path)
    tienda.guardar(DATOS)
    ruta = tienda.ruta(SHA)
    ruta.chmod(0o644)
    ruta.write_bytes(DATOS[:-1] + b"\x00")
    with pytest.raises(ImagenCorrupta):
        tienda.leer(SHA)
    with pytest.raises(ImagenFaltante):
        tienda.leer("0" * 64)
    with pytest.raises(ValueError, match="SHA-256"):
        tienda.ruta("../../etc/passwd")


def test_la_configuracion_elige_el_almacen(tmp_path, settings):
    settings.PREP_IMAGENES_URL = ""
    assert almacen().raiz == settings.VAR_DIR / "imagenes"
    settings.PREP_IMAGENES_URL = str(tmp_path / "otra")
    assert almacen().raiz == tmp_path / "otra"
    assert desde_url(f"file://{tmp_path}", tmp_path).raiz == tmp_path
    with pytest.raises(ValueError, match="esquema no admitido"):
        desde_url("ftp://servidor/imagenes", tmp_path)
    with pytest.raises(ValueError, match="sin bucket"):
        desde_url("s3:///prefijo", tmp_path)


@pytest.fixture(scope="module")
def s3():
    """A real S3 endpoint on the loopback: moto's server in a thread; yields its URL."""
    servidor = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    servidor.start()
    anfitrion, puerto = servidor.get_host_and_port()
    yield f"http://{anfitrion}:{puerto}"
    servidor.stop()


@pytest.fixture
def bucket(s3, monkeypatch):
    """A fresh bucket on the moto server, with throwaway credentials."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "prueba")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "prueba")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    nombre = f"actas-{os.urandom(4).hex()}"
    boto3.client("s3", endpoint_url=s3).create_bucket(Bucket=nombre)
    return nombre


def test_s3_guarda_lee_y_comprueba(s3, bucket):
    tienda = desde_url(f"s3://{bucket}/prep/imagenes", "/nada", s3)
    assert isinstance(tienda, AlmacenS3)
    assert not tienda.existe(SHA)
    assert tienda.guardar(DATOS) == SHA
    assert tienda.existe(SHA) and tienda.leer(SHA) == DATOS
    cliente = boto3.client("s3", endpoint_url=s3)
    clave = f"prep/imagenes/{SHA[:2]}/{SHA[2:4]}/{SHA}"
    objeto = cliente.head_object(Bucket=bucket, Key=clave)
    assert objeto["ContentLength"] == len(DATOS)
    with pytest.raises(ImagenFaltante):
        tienda.leer("f" * 64)
    # Someone overwrites the object behind our back: reading it says so.
    cliente.put_object(Bucket=bucket, Key=clave, Body=b"otra cosa")
    with pytest.raises(ImagenCorrupta):
        tienda.leer(SHA)


def test_s3_guardar_dos_veces_no_sube_otra_vez(s3, bucket):
    tienda = AlmacenS3(bucket, "", s3)
    tienda.guardar(DATOS)
    subidas = []
    tienda.cliente.meta.events.register(
        "before-call.s3.PutObject", lambda **kwargs: subidas.append(1)
    )
    tienda.guardar(DATOS)
    assert subidas == []


@pytest.mark.django_db
def test_una_subida_queda_en_el_bucket(s3, bucket, settings, esperada, actor_telefono):
    settings.PREP_IMAGENES_URL = f"s3://{bucket}/actas"
    settings.PREP_S3_ENDPOINT = s3
    datos = foto_de(esperada)
    recepcion = recibir_imagen(datos, "foto.jpg", actor_telefono)
    assert recepcion.imagen.estado == "clasificada"
    sha = recepcion.imagen.sha256
    objeto = boto3.client("s3", endpoint_url=s3).get_object(
        Bucket=bucket, Key=f"actas/{sha[:2]}/{sha[2:4]}/{sha}"
    )
    assert hashlib.sha256(objeto["Body"].read()).hexdigest() == sha
    assert not (settings.VAR_DIR / "imagenes").exists()
