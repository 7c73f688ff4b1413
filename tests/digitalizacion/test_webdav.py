"""WebDAV reception with a real server (cheroot, in a thread) and a real client (httpx)."""

import hashlib
import signal
import threading

import httpx
import pytest
from django.db import connections
from django.utils import timezone

from prep.actas.models import Acta
from prep.digitalizacion.models import Imagen
from prep.digitalizacion.webdav import servidor
from prep.servidor.servidor import puerto_libre
from tests.digitalizacion.fabricas import foto_de
from tests.digitalizacion.procesos import arrancar

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def webdav():
    """The WebDAV endpoint on a free loopback port; yields its base URL."""
    instancia = servidor("127.0.0.1", 0, hilos=4)
    instancia.prepare()
    anfitrion, puerto = instancia.bind_addr[:2]
    hilo = threading.Thread(target=instancia.serve, daemon=True)
    hilo.start()
    yield f"http://{anfitrion}:{puerto}"
    instancia.stop()
    hilo.join(10)
    connections.close_all()


def test_put_con_el_token_como_contrasena_recibe_y_clasifica(webdav, esperada, telefono):
    datos = foto_de(esperada)
    respuesta = httpx.put(f"{webdav}/acta%201.jpg", content=datos, auth=("tel", telefono[1]))
    assert respuesta.status_code == 201, respuesta.text
    sha = hashlib.sha256(datos).hexdigest()
    assert respuesta.headers["ETag"] == f'"{sha}"'
    imagen = Imagen.objects.get()
    assert (imagen.sha256, imagen.nombre, imagen.estado) == (sha, "acta 1.jpg", "clasificada")
    assert imagen.subida_por == f"dispositivo:{telefono[0].nombre}"
    acta = Acta.objects.get(acta_esperada=esperada)
    assert (acta.estado, acta.origen, acta.digitalizacion) == ("digitalizada", "CASILLA", "Móvil")

    # Same name and bytes again (a retry): 204, nothing new.
    otra_vez = httpx.put(f"{webdav}/acta%201.jpg", content=datos, auth=("tel", telefono[1]))
    assert otra_vez.status_code == 204
    assert Imagen.objects.count() == 1

    # The device reads back what it sent, and lists only its own files.
    leida = httpx.get(f"{webdav}/acta%201.jpg", auth=("tel", telefono[1]))
    assert (leida.status_code, leida.content) == (200, datos)
    listado = httpx.request(
        "PROPFIND", f"{webdav}/", headers={"Depth": "1"}, auth=("tel", telefono[1])
    )
    assert listado.status_code == 207
    assert "acta%201.jpg" in listado.text or "acta 1.jpg" in listado.text
    assert httpx.delete(f"{webdav}/acta%201.jpg", auth=("tel", telefono[1])).status_code == 403


def test_put_con_bearer_y_por_trozos(webdav, esperada, escaner):
    datos = foto_de(esperada)
    respuesta = httpx.put(
        f"{webdav}/escaneo.jpg",
        content=(datos[i : i + 8192] for i in range(0, len(datos), 8192)),
        headers={"Authorization": f"Bearer {escaner[1]}"},
    )
    assert respuesta.status_code == 201
    imagen = Imagen.objects.get()
    assert (imagen.sha256, imagen.origen) == (hashlib.sha256(datos).hexdigest(), "CATD")


@pytest.mark.parametrize(
    "credencial", [None, ("tel", "no-es-un-token"), "Bearer no-es-un-token", "revocado"]
)
def test_sin_credencial_valida_401(webdav, esperada, telefono, credencial):
    if credencial == "revocado":
        telefono[0].revocado = timezone.now()
        telefono[0].save()
        credencial = ("tel", telefono[1])
    opciones = {}
    if isinstance(credencial, tuple):
        opciones["auth"] = credencial
    elif credencial:
        opciones["headers"] = {"Authorization": credencial}
    respuesta = httpx.put(f"{webdav}/a.jpg", content=foto_de(esperada), **opciones)
    assert respuesta.status_code == 401
    assert respuesta.headers["WWW-Authenticate"].startswith("Basic")
    assert not Imagen.objects.exists()


def test_rechazos_con_su_codigo_y_mensaje(webdav, esperada, telefono, settings):
    autenticacion = ("tel", telefono[1])
    casos = [
        (b"PK\x03\x04 un zip", 415, "tipo_no_admitido", "no es una imagen JPEG o PNG"),
        (foto_de(esperada)[:5000], 422, "imagen_danada", "dañado o incompleto"),
        (b"", 422, "archivo_vacio", "el archivo está vacío"),
    ]
    for datos, estado, codigo, mensaje in casos:
        respuesta = httpx.put(f"{webdav}/x.jpg", content=datos, auth=autenticacion)
        assert respuesta.status_code == estado, respuesta.text
        assert respuesta.headers["X-Prep-Codigo"] == codigo
        assert mensaje in respuesta.text
    settings.PREP_IMAGEN_MAX_BYTES = 10_000
    grande = httpx.put(f"{webdav}/x.jpg", content=foto_de(esperada), auth=autenticacion)
    assert (grande.status_code, grande.headers["X-Prep-Codigo"]) == (413, "archivo_muy_grande")
    # Without Content-Length (chunked), the limit is enforced while the body arrives.
    datos = foto_de(esperada)
    trozos = (datos[i : i + 4096] for i in range(0, len(datos), 4096))
    por_trozos = httpx.put(f"{webdav}/y.jpg", content=trozos, auth=autenticacion)
    assert (por_trozos.status_code, por_trozos.headers["X-Prep-Codigo"]) == (
        413,
        "archivo_muy_grande",
    )
    assert not Imagen.objects.exists()


def test_la_orden_webdav_recibe_y_termina_con_sigterm(esperada, telefono, tmp_path):
    puerto = puerto_libre()
    url = f"http://127.0.0.1:{puerto}"
    registro = tmp_path / "webdav.log"
    proceso = arrancar(["digitalizacion", "webdav", "--puerto", str(puerto)], url, registro)
    try:
        respuesta = httpx.put(f"{url}/a.jpg", content=foto_de(esperada), auth=("t", telefono[1]))
    finally:
        proceso.send_signal(signal.SIGTERM)
        codigo = proceso.wait(15)
    assert respuesta.status_code == 201
    assert codigo == 0, registro.read_text()
    assert f"WebDAV de imágenes en {url}/" in registro.read_text()
    assert Imagen.objects.get().estado == "clasificada"
