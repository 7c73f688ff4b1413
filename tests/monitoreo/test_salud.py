"""/salud/vivo and /salud/listo through Django's test client, on real stores: local folders
(one of them unusable), moto's S3 server stopped, and a bucket endpoint that never answers."""

import socket
import time

import pytest
from django.test import Client

from prep.bitacora.models import Entrada
from prep.monitoreo import salud
from tests.servicios.s3 import credenciales_de_prueba


def listo(**extra):
    respuesta = Client().get("/salud/listo", **extra)
    assert respuesta["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in respuesta
    return respuesta


@pytest.fixture
def inservible(tmp_path):
    """A location no folder can be made at: under a regular file."""
    archivo = tmp_path / "archivo"
    archivo.write_text("no soy una carpeta")
    return archivo / "imagenes"


@pytest.fixture
def con_s3(monkeypatch, settings, servidor_s3, bucket_s3, tmp_path):
    """A replicated store: a local folder and a bucket on moto's server."""
    credenciales_de_prueba(monkeypatch)
    settings.PREP_S3_ENDPOINT = servidor_s3.endpoint
    settings.PREP_IMAGENES_URL = f"{tmp_path / 'a'} s3://{bucket_s3.nombre}/imagenes"
    return settings


def test_vivo_no_toca_la_base():
    # No database fixture: any query would raise.
    respuesta = Client().get("/salud/vivo")
    assert (respuesta.status_code, respuesta.json()) == (200, {"estado": "vivo"})
    assert "Set-Cookie" not in respuesta
    assert Client().head("/salud/vivo").status_code == 200
    assert Client().post("/salud/vivo").status_code == 405


def test_la_salud_no_depende_del_host_pero_las_metricas_si(db):
    """A balancer probes each server by its address, which ALLOWED_HOSTS does not list."""
    cliente = Client(HTTP_HOST="10.20.30.40:8000")
    assert cliente.get("/salud/vivo").status_code == 200
    assert cliente.get("/salud/listo").status_code == 200
    assert cliente.get("/metricas").status_code == 400


@pytest.mark.django_db
def test_listo_con_la_base_y_el_almacen():
    entradas = Entrada.objects.count()
    respuesta = listo()
    assert respuesta.status_code == 200, respuesta.content
    assert respuesta.json() == {
        "estado": "listo",
        "comprobaciones": {
            "base_de_datos": {"estado": "ok"},
            # The default folder does not exist yet: its parent can hold it.
            "almacen_de_imagenes": {"estado": "ok", "copias": 1, "responden": 1, "requeridas": 1},
        },
    }
    assert Client().head("/salud/listo").status_code == 200
    assert Entrada.objects.count() == entradas  # nothing written


@pytest.mark.django_db
def test_un_almacen_inalcanzable_no_esta_listo(settings, inservible):
    settings.PREP_IMAGENES_URL = str(inservible)
    respuesta = listo()
    assert respuesta.status_code == 503
    assert respuesta["Retry-After"] == "5"
    cuerpo = respuesta.json()
    assert cuerpo["estado"] == "no_listo"
    assert cuerpo["comprobaciones"]["base_de_datos"] == {"estado": "ok"}
    assert cuerpo["comprobaciones"]["almacen_de_imagenes"] == {
        "estado": "falla",
        "copias": 1,
        "responden": 0,
        "requeridas": 1,
        "mensaje": "sólo 0 de 1 copias del almacén de imágenes responden y se requieren 1",
    }
    assert str(inservible.parent) not in respuesta.content.decode()


@pytest.mark.django_db
def test_bastan_las_copias_requeridas(settings, tmp_path, inservible):
    (tmp_path / "a").mkdir()
    settings.PREP_IMAGENES_URL = f"{tmp_path / 'a'} {tmp_path / 'b'} {inservible}"
    settings.PREP_IMAGENES_COPIAS = "2"
    almacen = listo().json()["comprobaciones"]["almacen_de_imagenes"]
    assert almacen == {"estado": "ok", "copias": 3, "responden": 2, "requeridas": 2}
    settings.PREP_IMAGENES_COPIAS = ""  # all three
    respuesta = listo()
    assert respuesta.status_code == 503
    assert respuesta.json()["comprobaciones"]["almacen_de_imagenes"]["responden"] == 2


@pytest.mark.django_db
def test_una_configuracion_no_valida_no_esta_lista(settings, tmp_path):
    settings.PREP_IMAGENES_URL = f"{tmp_path}/a ftp://servidor/x"
    respuesta = listo()
    assert respuesta.status_code == 503
    assert respuesta.json()["comprobaciones"]["almacen_de_imagenes"] == {
        "estado": "falla",
        "mensaje": "la configuración del almacén de imágenes no es válida",
    }


@pytest.mark.django_db
def test_un_bucket_detenido_no_esta_listo(con_s3, servidor_s3, bucket_s3, caplog):
    assert listo().status_code == 200
    servidor_s3.detener()
    try:
        inicio = time.monotonic()
        respuesta = listo()
        segundos = time.monotonic() - inicio
    finally:
        servidor_s3.iniciar()
    assert respuesta.status_code == 503
    assert segundos < salud.PLAZO + 1
    almacen = respuesta.json()["comprobaciones"]["almacen_de_imagenes"]
    assert (almacen["responden"], almacen["requeridas"]) == (1, 2)
    assert bucket_s3.nombre not in respuesta.content.decode()
    # The log names the copy that failed, once; and its recovery.
    assert f"copia s3://{bucket_s3.nombre}/imagenes del almacén de imágenes falla" in caplog.text
    assert listo().status_code == 200
    assert f"s3://{bucket_s3.nombre}/imagenes del almacén de imágenes responde de nuevo" in (
        caplog.text
    )


@pytest.mark.lento
@pytest.mark.django_db
def test_un_bucket_que_no_contesta_no_detiene_la_comprobacion(con_s3, bucket_s3):
    """An endpoint that takes the connection and never answers: not ready, within the
    deadline, and the next check joins the probe still waiting instead of opening another."""
    agujero = socket.create_server(("127.0.0.1", 0))
    conexiones = []
    try:
        con_s3.PREP_S3_ENDPOINT = f"http://127.0.0.1:{agujero.getsockname()[1]}"
        for _ in range(2):
            inicio = time.monotonic()
            respuesta = listo()
            assert time.monotonic() - inicio < salud.PLAZO + 1
            assert respuesta.status_code == 503
        agujero.settimeout(0.2)
        conexiones.append(agujero.accept()[0])
        with pytest.raises(TimeoutError):
            conexiones.append(agujero.accept()[0])
    finally:
        for conexion in conexiones:
            conexion.close()
        agujero.close()
