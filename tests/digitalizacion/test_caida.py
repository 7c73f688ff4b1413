"""An accepted upload survives `kill -9` of the server the instant after its answer: a real
server (`prep django runserver`) in a subprocess, on the test database."""

import hashlib
import os
import signal
from pathlib import Path

import httpx
import pytest

from prep.digitalizacion.almacen import almacen
from prep.digitalizacion.models import Imagen
from tests.digitalizacion.fabricas import foto_de
from tests.digitalizacion.procesos import arrancar, puerto_libre

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.lento]


def _arrancar(puerto: int, registro: Path):
    """`prep django runserver` on the test database."""
    orden = ["django", "runserver", "--noreload", f"127.0.0.1:{puerto}"]
    return arrancar(orden, f"http://127.0.0.1:{puerto}/api/v1/openapi.json", registro)


def test_una_subida_aceptada_sobrevive_a_kill_9(esperada, telefono, tmp_path):
    puerto = puerto_libre()
    base = f"http://127.0.0.1:{puerto}/api/v1/imagenes"
    autorizacion = {"Authorization": f"Bearer {telefono[1]}"}
    datos = foto_de(esperada)
    servidor = _arrancar(puerto, tmp_path / "servidor.log")
    try:
        respuesta = httpx.post(
            base, files={"archivo": ("acta.jpg", datos)}, headers=autorizacion, timeout=30
        )
        os.kill(servidor.pid, signal.SIGKILL)  # the instant after the answer
        servidor.wait(10)
        assert respuesta.status_code == 201, respuesta.text
    finally:
        servidor.kill()
        servidor.wait(10)
    sha = respuesta.json()["sha256"]
    assert sha == hashlib.sha256(datos).hexdigest()

    servidor = _arrancar(puerto, tmp_path / "servidor.log")
    try:
        leida = httpx.get(f"{base}/{sha}", headers=autorizacion, timeout=30)
        otra_vez = httpx.post(
            base, files={"archivo": ("acta.jpg", datos)}, headers=autorizacion, timeout=30
        )
    finally:
        servidor.terminate()
        servidor.wait(10)
    assert leida.status_code == 200
    assert (leida.json()["estado"], leida.json()["acta"]) == ("clasificada", esperada.clave)
    assert otra_vez.status_code == 200  # the same record, not a second one
    assert Imagen.objects.filter(sha256=sha).count() == 1
    assert hashlib.sha256(almacen().leer(sha)).hexdigest() == sha
