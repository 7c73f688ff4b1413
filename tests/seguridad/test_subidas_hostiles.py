"""Hostile uploads: bombs (zip, gzip, PNG and JPEG headers of absurd size, PDFs whose compressed
streams expand without measure, PDFs of thousands of pages or impossible page sizes), files of
the wrong type behind an image's name, polyglots, bodies larger than any upload or compressed
on the wire, and file names that try to leave the image store.

A refused upload leaves no row, no stored file, no temporary file, only the bitácora's record of
the refusal, and is told why in Spanish. An accepted one is stored under its SHA-256 and nowhere
else, whatever its name said.
"""

import gzip
import io
import socket
import struct
import time
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from prep.bitacora.models import Entrada
from prep.cuentas.models import Rol
from prep.digitalizacion.almacen import almacen
from prep.digitalizacion.lectura import vista_pdf
from prep.digitalizacion.models import Imagen
from prep.servidor.servidor import ServidorHijo
from tests.cuentas.ayudas import persona
from tests.digitalizacion.fabricas import foto_de
from tests.digitalizacion.fixtures import URL_API

pytestmark = pytest.mark.django_db

# The first words of every refusal of an upload, in Spanish.
INICIOS = ("el archivo", "la imagen", "el PDF", "la solicitud", "no se admiten")


@pytest.fixture(autouse=True)
def temporales(settings, tmp_path):
    """Django's temporary upload files (for uploads over 2.5 MB) in a folder of the test's."""
    carpeta = tmp_path / "subidas"
    carpeta.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(carpeta)
    return carpeta


def archivos(raiz) -> set:
    """Every file under the test's folders: what an upload may have left behind."""
    return {p.relative_to(raiz) for p in raiz.rglob("*") if p.is_file()}


def sin_rastro(respuesta, tmp_path, estado: int, codigo: str) -> None:
    """The upload was refused with `estado`/`codigo` and a Spanish message; nothing was kept
    but its refusal in the bitácora."""
    assert respuesta.status_code == estado, respuesta.content[:500]
    cuerpo = respuesta.json()
    assert cuerpo["codigo"] == codigo, cuerpo
    assert cuerpo["mensaje"].startswith(INICIOS), cuerpo["mensaje"]
    assert not Imagen.objects.exists()
    assert not archivos(tmp_path), archivos(tmp_path)
    [entrada] = Entrada.objects.exclude(accion="software.inicio")  # and the server's start
    assert (entrada.accion, entrada.objeto) == ("solicitud.rechazada", f"POST {URL_API}")
    assert (entrada.despues["estado"], entrada.despues["codigo"]) == (estado, codigo)


# --- bombs and wrong types --------------------------------------------------------------------


def _zip(megas: int) -> bytes:
    """A zip bomb: one member of `megas` MB of zeros, deflated to a few hundred bytes per MB."""
    salida = io.BytesIO()
    with (
        zipfile.ZipFile(salida, "w", zipfile.ZIP_DEFLATED) as archivo,
        archivo.open("acta.jpg", "w", force_zip64=True) as miembro,
    ):
        for _ in range(megas):
            miembro.write(bytes(2**20))
    return salida.getvalue()


def _gzip(megas: int) -> bytes:
    compresor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip container
    partes = [compresor.compress(bytes(2**20)) for _ in range(megas)]
    return b"".join([*partes, compresor.flush()])


def _png_que_dice(ancho: int, alto: int) -> bytes:
    """A 1×1 PNG whose header claims `ancho` × `alto` pixels (its CRC fixed)."""
    salida = io.BytesIO()
    Image.new("L", (1, 1)).save(salida, "PNG")
    datos = bytearray(salida.getvalue())
    struct.pack_into(">II", datos, 16, ancho, alto)
    struct.pack_into(">I", datos, 29, zlib.crc32(datos[12:29]))
    return bytes(datos)


def _jpeg_que_dice(foto: bytes, lado: int) -> bytes:
    """The photo with its frame header claiming `lado` × `lado` pixels."""
    datos = bytearray(foto)
    sof = datos.index(b"\xff\xc0")
    struct.pack_into(">HH", datos, sof + 5, lado, lado)
    return bytes(datos)


def _pdf(contenido: bytes = b"", paginas: int = 1, lado_pt: float = 612) -> bytes:
    """A PDF whose pages share one Flate-compressed content stream."""
    flujo = zlib.compress(contenido, 9)
    hijos = " ".join(f"{4 + i} 0 R" for i in range(paginas))
    objetos = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{hijos}] /Count {paginas} >>".encode(),
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(flujo), flujo),
        *(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {lado_pt} {lado_pt}]"
            f" /Contents 3 0 R >>".encode()
            for _ in range(paginas)
        ),
    ]
    salida = bytearray(b"%PDF-1.7\n")
    posiciones = []
    for numero, objeto in enumerate(objetos, start=1):
        posiciones.append(len(salida))
        salida += b"%d 0 obj\n%s\nendobj\n" % (numero, objeto)
    xref = len(salida)
    salida += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objetos) + 1)
    salida += b"".join(b"%010d 00000 n \n" % p for p in posiciones)
    salida += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objetos) + 1,
        xref,
    )
    return bytes(salida)


# 50 MB of drawing operators in a 100 KB file: PDFium would need gigabytes to parse them.
_TRAZOS = b"0 0 m 600 800 l S\n" * (50 * 2**20 // 18)
HTML = b"<!doctype html><html><body><script>fetch('/api/v1/tablero/')</script></body></html>"

CASOS = {
    "zip (bomba de 200 MB)": (lambda f: _zip(200), "acta.jpg", 415, "tipo_no_admitido"),
    "gzip (bomba de 200 MB)": (lambda f: _gzip(200), "acta.png", 415, "tipo_no_admitido"),
    "png que dice 100 000 × 100 000": (
        lambda f: _png_que_dice(100_000, 100_000),
        "acta.png",
        422,
        "imagen_excesiva",
    ),
    "jpeg que dice 65 535 × 65 535": (
        lambda f: _jpeg_que_dice(f, 65_535),
        "acta.jpg",
        422,
        "imagen_excesiva",
    ),
    "pdf con un flujo comprimido que no cabe en memoria": (
        lambda f: _pdf(_TRAZOS),
        "acta.pdf",
        422,
        "pdf_excesivo",
    ),
    "pdf de 20 000 páginas": (
        lambda f: _pdf(paginas=20_000),
        "acta.pdf",
        422,
        "demasiadas_paginas",
    ),
    "pdf con una página de 10⁷ puntos": (
        lambda f: _pdf(lado_pt=1e7),
        "acta.pdf",
        422,
        "imagen_danada",
    ),
    "html llamado .jpg": (lambda f: HTML, "acta.jpg", 415, "tipo_no_admitido"),
    "html con BOM llamado .png": (
        lambda f: b"\xef\xbb\xbf" + HTML,
        "acta.png",
        415,
        "tipo_no_admitido",
    ),
    "svg llamado .png": (
        lambda f: b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "acta.png",
        415,
        "tipo_no_admitido",
    ),
    "javascript llamado .jpg": (
        lambda f: b"alert(document.cookie)",
        "acta.jpg",
        415,
        "tipo_no_admitido",
    ),
    "políglota: firma JPEG y luego HTML": (
        lambda f: b"\xff\xd8\xff\xe0" + HTML,
        "acta.jpg",
        422,
        "imagen_danada",
    ),
    "políglota: firma PDF y luego HTML": (
        lambda f: b"%PDF-1.7\n" + HTML,
        "acta.pdf",
        422,
        "imagen_danada",
    ),
    "políglota: firma PNG y luego un zip": (
        lambda f: b"\x89PNG\r\n\x1a\n" + _zip(1),
        "acta.png",
        422,
        "imagen_danada",
    ),
}


@pytest.mark.lento
@pytest.mark.parametrize("caso", CASOS)
def test_un_archivo_hostil_se_rechaza_sin_dejar_rastro(subir, esperada, telefono, tmp_path, caso):
    hacer, nombre, estado, codigo = CASOS[caso]
    inicio = time.monotonic()
    respuesta = subir(hacer(foto_de(esperada)), telefono[1], nombre=nombre)
    # Refused from headers and limits, not after decompressing gigabytes.
    assert time.monotonic() - inicio < 20
    sin_rastro(respuesta, tmp_path, estado, codigo)


def test_la_pagina_de_subida_tambien_rechaza_y_lo_anota(client, digitalizador, tmp_path):
    client.force_login(digitalizador)
    archivo = SimpleUploadedFile("acta.jpg", _zip(10), content_type="image/jpeg")
    respuesta = client.post("/digitalizacion/subir/", {"archivo": archivo})
    assert respuesta.status_code == 422
    assert "el archivo no es una imagen JPEG o PNG ni un PDF" in respuesta.content.decode()
    assert not Imagen.objects.exists()
    assert not archivos(tmp_path)
    [entrada] = Entrada.objects.exclude(accion="software.inicio")  # and the server's start
    assert (entrada.accion, entrada.objeto) == (
        "solicitud.rechazada",
        "POST /digitalizacion/subir/",
    )


def test_un_cuerpo_comprimido_en_el_envio_no_se_descomprime(client, telefono, tmp_path):
    multipart = (
        b"--limite\r\nContent-Disposition: form-data; name=archivo; filename=acta.jpg\r\n"
        b"Content-Type: image/jpeg\r\n\r\n" + bytes(50 * 2**20) + b"\r\n--limite--\r\n"
    )
    respuesta = client.post(
        URL_API,
        gzip.compress(multipart),
        content_type="multipart/form-data; boundary=limite",
        HTTP_CONTENT_ENCODING="gzip",
        HTTP_AUTHORIZATION=f"Bearer {telefono[1]}",
    )
    sin_rastro(respuesta, tmp_path, 415, "codificacion_no_admitida")
    assert "Content-Encoding: gzip" in respuesta.json()["mensaje"]


def test_un_archivo_mayor_que_el_limite_se_rechaza(subir, esperada, telefono, settings, tmp_path):
    settings.PREP_IMAGEN_MAX_BYTES = 2**20
    grande = foto_de(esperada) + bytes(2 * 2**20)  # a JPEG with 2 MB of trailing zeros
    respuesta = subir(grande, telefono[1])
    sin_rastro(respuesta, tmp_path, 413, "archivo_muy_grande")


@pytest.mark.lento
@pytest.mark.django_db(transaction=True)
def test_un_cuerpo_enorme_se_rechaza_sin_leerlo(telefono, tmp_path):
    """Over real HTTP: the server answers 413 after reading the headers, while the client has
    sent 64 KB of the 4 GB it announced."""
    with (
        ServidorHijo(tmp_path / "servidor.log", hilos=2) as servidor,
        socket.create_connection(("127.0.0.1", servidor.puerto), timeout=30) as conexion,
    ):
        conexion.sendall(
            (
                f"POST {URL_API} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: Bearer {telefono[1]}\r\n"
                "Content-Type: multipart/form-data; boundary=limite\r\n"
                f"Content-Length: {4 * 2**30}\r\n\r\n"
            ).encode()
            + b"--limite\r\n"
            + bytes(64 * 2**10)
        )
        # The server answers and closes the connection (it will not read the rest).
        respuesta = b""
        while parte := conexion.recv(65536):
            respuesta += parte
    cabeceras, _, cuerpo = respuesta.partition(b"\r\n\r\n")
    assert cabeceras.startswith(b"HTTP/1.1 413"), respuesta[:500]
    assert "el máximo es" in cuerpo.decode()
    assert not Imagen.objects.exists()
    [entrada] = Entrada.objects.exclude(accion="software.inicio")  # and the server's start
    assert entrada.despues["codigo"] == "solicitud_muy_grande"
    assert entrada.actor == "direccion:127.0.0.1"


# --- what is accepted is stored by its digest ---------------------------------------------------

# Sent byte for byte (Django's test client would clean them before sending).
NOMBRES = [
    "../../etc/passwd",
    "/etc/passwd",
    "..\\..\\windows\\win.ini",
    "acta\x00.jpg",
    "a" * 500 + ".jpg",
    "acta\u202egpj.exe",
    "ＡＣＴＡ／..／..／x.jpg",
    "acta\r\nContent-Type: text/html.jpg",
]


def subir_con_nombre(client, token: str, datos: bytes, nombre: str):
    """POST the file with exactly this name in its multipart header."""
    cuerpo = (
        b'--limite\r\nContent-Disposition: form-data; name="archivo"; filename="'
        + nombre.encode()
        + b'"\r\nContent-Type: image/jpeg\r\n\r\n'
        + datos
        + b"\r\n--limite--\r\n"
    )
    return client.generic(
        "POST",
        URL_API,
        cuerpo,
        content_type="multipart/form-data; boundary=limite",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_el_nombre_del_cliente_nunca_decide_donde_se_guarda(client, esperada, telefono, tmp_path):
    for semilla, nombre in enumerate(NOMBRES, start=1):
        antes = archivos(tmp_path)
        respuesta = subir_con_nombre(client, telefono[1], foto_de(esperada, semilla), nombre)
        assert respuesta.status_code == 201, (nombre, respuesta.content)
        sha = respuesta.json()["sha256"]
        nuevos = {tmp_path / p for p in archivos(tmp_path) - antes}
        assert nuevos == {almacen().ruta(sha)}, (nombre, nuevos)
        guardado = Imagen.objects.get(sha256=sha).nombre
        assert len(guardado) <= 255
        assert guardado.isprintable() and not set(guardado) & {"/", "\\"}, repr(guardado)
    assert not (tmp_path / "etc").exists()


@pytest.mark.parametrize("nombre", [".", "..", "a" * 10_000 + ".jpg"])
def test_un_nombre_que_no_es_de_archivo_se_rechaza(client, esperada, telefono, tmp_path, nombre):
    # Django's parser refuses the whole body (no file name; headers past their 10 KB limit).
    respuesta = subir_con_nombre(client, telefono[1], foto_de(esperada), nombre)
    sin_rastro(respuesta, tmp_path, 400, "solicitud_invalida")


def test_un_jpeg_que_lleva_html_se_sirve_solo_como_jpeg(client, subir, esperada, telefono):
    # Phones append data after a JPEG (motion photos), so the file is kept: but it is served
    # only as the type its bytes proved, never sniffed into a page.
    poliglota = foto_de(esperada) + HTML
    sha = subir(poliglota, telefono[1], nombre="acta.html").json()["sha256"]
    assert Imagen.objects.get(sha256=sha).tipo == "image/jpeg"
    client.force_login(persona(Rol.CAPTURISTA, telefono[0].centro))
    respuesta = client.get(f"/digitalizacion/imagen/{sha}/")
    assert respuesta.status_code == 200
    assert respuesta["Content-Type"] == "image/jpeg"
    assert respuesta["X-Content-Type-Options"] == "nosniff"
    assert respuesta["Content-Disposition"] == f'inline; filename="{sha}"'
    assert respuesta.content == poliglota


def test_la_vista_de_un_pdf_ya_guardado_no_cuenta_sus_paginas():
    # Only uploads are held to two pages: a PDF kept before is still shown.
    assert vista_pdf(_pdf(paginas=3)).startswith(b"\x89PNG")
