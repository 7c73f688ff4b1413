"""An accepted upload survives `kill -9` of the server the instant after its answer: the
production server (`prep servir`) in a child process, on the test database."""

import hashlib
import os
import signal

import pytest

from prep.digitalizacion.almacen import almacen
from prep.digitalizacion.models import Imagen
from prep.servidor.servidor import ServidorHijo
from prep.simulacro.operacion import API, Dispositivo
from tests.digitalizacion.fabricas import foto_de

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.lento]

IMAGENES = f"{API}/imagenes"


def test_una_subida_aceptada_sobrevive_a_kill_9(esperada, telefono, tmp_path):
    token, registro = telefono[1], tmp_path / "servidor.log"
    datos = foto_de(esperada)
    archivo = {"archivo": ("acta.jpg", datos)}
    with ServidorHijo(registro) as servidor, Dispositivo(servidor.url, token) as casilla:
        respuesta = casilla.http.post(IMAGENES, files=archivo)
        os.kill(servidor.proceso.pid, signal.SIGKILL)  # the instant after the answer
        servidor.proceso.wait(10)
    assert respuesta.status_code == 201, respuesta.text
    sha = respuesta.json()["sha256"]
    assert sha == hashlib.sha256(datos).hexdigest()

    with ServidorHijo(registro) as servidor, Dispositivo(servidor.url, token) as casilla:
        leida = casilla.http.get(f"{IMAGENES}/{sha}")
        otra_vez = casilla.http.post(IMAGENES, files=archivo)
    assert leida.status_code == 200
    assert (leida.json()["estado"], leida.json()["acta"]) == ("clasificada", esperada.clave)
    assert otra_vez.status_code == 200  # the same record, not a second one
    assert Imagen.objects.filter(sha256=sha).count() == 1
    assert hashlib.sha256(almacen().leer(sha)).hexdigest() == sha
