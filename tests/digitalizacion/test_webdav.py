"""WebDAV reception with a real server (cheroot, in a thread) and a real client (httpx)."""

import hashlib
import signal
import threading
from datetime import timedelta
from urllib.parse import unquote
from xml.etree import ElementTree

import httpx
import pytest
from django.db import connections
from django.utils import timezone

from prep import reloj
from prep.actas.models import Acta
from prep.digitalizacion.models import ArchivoVacio, Imagen
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


# Ready-made scanning apps and OS WebDAV clients create the file empty, then write its content.
VACIO = hashlib.sha256(b"").hexdigest()
BLOQUEO = (
    b'<?xml version="1.0" encoding="utf-8"?><D:lockinfo xmlns:D="DAV:">'
    b"<D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype>"
    b"<D:owner><D:href>escaneos</D:href></D:owner></D:lockinfo>"
)


def _longitudes(url: str, autenticacion, profundidad: str = "1") -> dict[str, int] | int:
    """Name → size of each file a PROPFIND lists, or the HTTP status when it is not 207."""
    respuesta = httpx.request("PROPFIND", url, headers={"Depth": profundidad}, auth=autenticacion)
    if respuesta.status_code != 207:
        return respuesta.status_code
    longitudes = {}
    for elemento in ElementTree.fromstring(respuesta.content).iter("{DAV:}response"):
        longitud = elemento.findtext(".//{DAV:}getcontentlength")
        if longitud is not None:  # the collection itself has no size
            nombre = unquote(elemento.findtext("{DAV:}href").rsplit("/", 1)[-1])
            longitudes[nombre] = int(longitud)
    return longitudes


def test_put_vacio_y_despues_el_contenido(webdav, esperada, telefono):
    autenticacion = ("tel", telefono[1])
    url = f"{webdav}/scan%200001.jpg"
    vacio = httpx.put(url, content=b"", auth=autenticacion)
    assert vacio.status_code == 201, vacio.text
    assert vacio.headers["ETag"] == f'"{VACIO}"'
    marcador = ArchivoVacio.objects.get()
    assert (marcador.subida_por, marcador.nombre) == (
        f"dispositivo:{telefono[0].nombre}",
        "scan 0001.jpg",
    )
    assert not Imagen.objects.exists()

    # It reads back as an empty file, and the collection lists it.
    assert _longitudes(url, autenticacion, "0") == {"scan 0001.jpg": 0}
    assert _longitudes(f"{webdav}/", autenticacion) == {"scan 0001.jpg": 0}
    cabeza = httpx.head(url, auth=autenticacion)
    assert (cabeza.status_code, cabeza.headers["Content-Length"]) == (200, "0")
    leido = httpx.get(url, auth=autenticacion)
    assert (leido.status_code, leido.content) == (200, b"")

    # Created empty again (the app retries): nothing new.
    assert httpx.put(url, content=b"", auth=autenticacion).status_code == 204
    assert ArchivoVacio.objects.count() == 1

    # The content: received as any upload; the empty name is replaced by the image.
    datos = foto_de(esperada)
    sha = hashlib.sha256(datos).hexdigest()
    contenido = httpx.put(url, content=datos, auth=autenticacion)
    assert contenido.status_code == 204, contenido.text
    assert contenido.headers["ETag"] == f'"{sha}"'
    imagen = Imagen.objects.get()
    assert (imagen.sha256, imagen.nombre, imagen.estado) == (sha, "scan 0001.jpg", "clasificada")
    assert not ArchivoVacio.objects.exists()
    assert _longitudes(f"{webdav}/", autenticacion) == {"scan 0001.jpg": len(datos)}

    # An empty PUT over an image changes nothing: images are never overwritten.
    encima = httpx.put(url, content=b"", auth=autenticacion)
    assert (encima.status_code, encima.headers["ETag"]) == (204, f'"{sha}"')
    assert not ArchivoVacio.objects.exists()
    assert Imagen.objects.get().sha256 == sha
    assert httpx.get(url, auth=autenticacion).content == datos


def test_contenido_rechazado_conserva_el_archivo_vacio(webdav, esperada, telefono):
    autenticacion = ("tel", telefono[1])
    url = f"{webdav}/x.jpg"
    assert httpx.put(url, content=b"", auth=autenticacion).status_code == 201
    rechazo = httpx.put(url, content=b"PK\x03\x04 un zip", auth=autenticacion)
    assert (rechazo.status_code, rechazo.headers["X-Prep-Codigo"]) == (415, "tipo_no_admitido")
    # The client may try again: the name is still there, empty.
    assert _longitudes(url, autenticacion, "0") == {"x.jpg": 0}
    assert not Imagen.objects.exists()
    assert httpx.put(url, content=foto_de(esperada), auth=autenticacion).status_code == 204
    assert Imagen.objects.count() == 1
    assert not ArchivoVacio.objects.exists()


def test_un_nombre_largo_se_guarda_cortado_y_se_sigue_encontrando(webdav, esperada, telefono):
    autenticacion = ("tel", telefono[1])
    nombre = "a" * 296 + ".jpg"
    url = f"{webdav}/{nombre}"
    assert httpx.put(url, content=b"", auth=autenticacion).status_code == 201
    assert ArchivoVacio.objects.get().nombre == nombre[:255]
    assert httpx.head(url, auth=autenticacion).status_code == 200
    datos = foto_de(esperada)
    assert httpx.put(url, content=datos, auth=autenticacion).status_code == 204
    assert (Imagen.objects.get().nombre, ArchivoVacio.objects.exists()) == (nombre[:255], False)
    assert httpx.get(url, auth=autenticacion).content == datos


def test_lo_vacio_y_lo_bloqueado_de_un_dispositivo_no_lo_ve_otro(
    webdav, esperada, telefono, escaner
):
    de_a, de_b = ("a", telefono[1]), ("b", escaner[1])
    assert httpx.put(f"{webdav}/scan.jpg", content=b"", auth=de_a).status_code == 201
    bloqueo = httpx.request("LOCK", f"{webdav}/tomada.jpg", content=BLOQUEO, auth=de_a)
    assert bloqueo.status_code == 201, bloqueo.text

    assert _longitudes(f"{webdav}/scan.jpg", de_b, "0") == 404
    assert httpx.get(f"{webdav}/scan.jpg", auth=de_b).status_code == 404
    assert _longitudes(f"{webdav}/", de_b) == {}
    # The same names are free for B: A's lock does not hold B's file.
    datos = foto_de(esperada, semilla=2)
    assert httpx.put(f"{webdav}/tomada.jpg", content=datos, auth=de_b).status_code == 201
    assert httpx.put(f"{webdav}/scan.jpg", content=b"", auth=de_b).status_code == 201
    assert _longitudes(f"{webdav}/", de_b) == {"scan.jpg": 0, "tomada.jpg": len(datos)}
    assert _longitudes(f"{webdav}/", de_a) == {"scan.jpg": 0, "tomada.jpg": 0}
    assert Imagen.objects.get().subida_por == f"dispositivo:{escaner[0].nombre}"


def test_lock_put_vacio_y_contenido_como_un_explorador_de_archivos(webdav, esperada, telefono):
    autenticacion = ("tel", telefono[1])
    url = f"{webdav}/acta.jpg"
    # LOCK on an unmapped URL creates the file empty (RFC 4918 §9.10.4) and answers its lock.
    bloqueo = httpx.request(
        "LOCK",
        url,
        content=BLOQUEO,
        headers={"Timeout": "Second-3600", "Content-Type": "text/xml"},
        auth=autenticacion,
    )
    assert bloqueo.status_code == 201, bloqueo.text
    ficha = bloqueo.headers["Lock-Token"]
    assert ficha.strip("<>") in bloqueo.text
    assert _longitudes(url, autenticacion, "0") == {"acta.jpg": 0}
    condicion = {"If": f"({ficha})"}
    vacio = httpx.put(url, content=b"", headers=condicion, auth=autenticacion)
    assert vacio.status_code == 204, vacio.text

    # Without its lock token, nobody writes the locked file.
    datos = foto_de(esperada)
    sin_ficha = httpx.put(url, content=datos, auth=autenticacion)
    assert sin_ficha.status_code == 423
    assert not Imagen.objects.exists()

    contenido = httpx.put(url, content=datos, headers=condicion, auth=autenticacion)
    assert contenido.status_code == 204, contenido.text
    assert contenido.headers["ETag"] == f'"{hashlib.sha256(datos).hexdigest()}"'
    desbloqueo = httpx.request("UNLOCK", url, headers={"Lock-Token": ficha}, auth=autenticacion)
    assert desbloqueo.status_code == 204
    assert Imagen.objects.get().nombre == "acta.jpg"
    assert not ArchivoVacio.objects.exists()


def test_los_archivos_vacios_de_mas_de_un_dia_se_borran(webdav, telefono, escaner):
    ahora = reloj.ahora()
    ArchivoVacio.objects.create(
        subida_por=f"dispositivo:{escaner[0].nombre}",
        nombre="viejo.jpg",
        momento=ahora - timedelta(days=1, minutes=1),
    )
    reciente = ArchivoVacio.objects.create(
        subida_por=f"dispositivo:{escaner[0].nombre}",
        nombre="reciente.jpg",
        momento=ahora - timedelta(hours=23),
    )
    assert httpx.put(f"{webdav}/nuevo.jpg", content=b"", auth=("t", telefono[1])).status_code == 201
    assert set(ArchivoVacio.objects.values_list("nombre", flat=True)) == {
        reciente.nombre,
        "nuevo.jpg",
    }


def test_el_limite_por_dispositivo_responde_429_con_retry_after(
    webdav, esperada, telefono, settings
):
    # A limit of none: any minute boundary the test may cross changes nothing.
    settings.PREP_SOLICITUDES_POR_MINUTO = {"TELEFONO": 0, "ESCANER": 600}
    autenticacion = ("tel", telefono[1])
    respuesta = httpx.put(f"{webdav}/x.jpg", content=foto_de(esperada), auth=autenticacion)
    assert respuesta.status_code == 429
    assert respuesta.headers["X-Prep-Codigo"] == "demasiadas_solicitudes"
    assert 1 <= int(respuesta.headers["Retry-After"]) <= 61
    assert "solicitudes en un minuto" in respuesta.text
    assert not Imagen.objects.exists()


def test_los_mismos_bytes_con_otro_nombre_se_leen_en_ese_nombre(
    webdav, esperada, telefono, escaner
):
    """A mapped drive that copies a scan again under another name, or another device that sends
    the same file, finds it where it wrote it; the image is kept once."""
    datos, otra_toma = foto_de(esperada), foto_de(esperada, semilla=2)
    tel, esc = ("tel", telefono[1]), ("esc", escaner[1])
    assert httpx.put(f"{webdav}/acta.jpg", content=datos, auth=tel).status_code == 201
    copia = httpx.put(f"{webdav}/copia%20de%20acta.jpg", content=datos, auth=tel)
    assert copia.status_code == 201
    assert copia.headers["ETag"] == f'"{hashlib.sha256(datos).hexdigest()}"'
    assert httpx.put(f"{webdav}/escaneo.jpg", content=datos, auth=esc).status_code == 201
    assert Imagen.objects.count() == 1
    for nombre, auth in (("copia%20de%20acta.jpg", tel), ("escaneo.jpg", esc)):
        leida = httpx.get(f"{webdav}/{nombre}", auth=auth)
        assert (leida.status_code, leida.content) == (200, datos)
    assert _longitudes(f"{webdav}/", tel) == {
        "acta.jpg": len(datos),
        "copia de acta.jpg": len(datos),
    }

    # The same name with other bytes is those bytes from then on; and with the first ones again,
    # the first ones.
    assert httpx.put(f"{webdav}/acta.jpg", content=otra_toma, auth=tel).status_code == 204
    assert httpx.get(f"{webdav}/acta.jpg", auth=tel).content == otra_toma
    assert httpx.put(f"{webdav}/acta.jpg", content=datos, auth=tel).status_code == 204
    assert httpx.get(f"{webdav}/acta.jpg", auth=tel).content == datos
    assert Imagen.objects.count() == 2
