"""Pages: acta images served to the people who work from them, and the manual classification
queue (a form with the key typed twice)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from prep.actas.models import Acta
from prep.cuentas.models import Rol
from prep.digitalizacion.models import Imagen
from prep.digitalizacion.servicios import recibir_imagen
from tests.digitalizacion.fabricas import como_pdf, foto_de, sin_qr
from tests.fabricas import CentroFactory, DistritoFactory, UsuarioFactory

pytestmark = pytest.mark.django_db
COLA = "/digitalizacion/"
SUBIR = "/digitalizacion/subir/"


def _url(imagen: Imagen, **parametros) -> str:
    consulta = "".join(f"?{k}={v}" for k, v in parametros.items())
    return reverse("digitalizacion:imagen", args=[imagen.sha256]) + consulta


@pytest.fixture
def foto(esperada, actor_telefono):
    return recibir_imagen(foto_de(esperada), "foto.jpg", actor_telefono).imagen


@pytest.mark.parametrize(
    "rol", [Rol.CAPTURISTA, Rol.VERIFICADOR, Rol.DIGITALIZADOR, Rol.COORDINADOR]
)
def test_quien_trabaja_con_la_imagen_la_ve(client, foto, centro, esperada, rol):
    client.force_login(UsuarioFactory(perfil__rol=rol, perfil__centro=centro))
    acta = Acta.objects.get(acta_esperada=esperada)
    url = reverse("digitalizacion:imagen", args=[acta.codigo_integridad])
    respuesta = client.get(url)
    assert respuesta.status_code == 200
    assert respuesta["Content-Type"] == "image/jpeg"
    assert respuesta.content == foto_de(esperada)
    assert respuesta["ETag"] == f'"{foto.sha256}"'
    assert "immutable" in respuesta["Cache-Control"]
    assert client.get(url, HTTP_IF_NONE_MATCH=respuesta["ETag"]).status_code == 304


def test_auditor_sin_centro_ve_todas(client, foto):
    client.force_login(UsuarioFactory(perfil__rol=Rol.AUDITOR, perfil__centro=None))
    assert client.get(_url(foto)).status_code == 200


@pytest.mark.parametrize(
    ("rol", "estado"),
    [(Rol.ACOPIADOR, 403), (Rol.ADMINISTRADOR, 403), (Rol.CAPTURISTA, 404)],
)
def test_quien_no_debe_no_la_ve(client, foto, rol, estado):
    centro = None if rol == Rol.ADMINISTRADOR else CentroFactory(distritos=[DistritoFactory()])
    client.force_login(UsuarioFactory(perfil__rol=rol, perfil__centro=centro))
    assert client.get(_url(foto)).status_code == estado


def test_sin_sesion_lleva_a_entrar(client, foto):
    respuesta = client.get(_url(foto))
    assert respuesta.status_code == 302
    assert "next=" in respuesta["Location"]


def test_un_pdf_se_muestra_como_imagen_y_se_descarga_original(
    client, esperada, actor_escaner, centro
):
    pdf = como_pdf(foto_de(esperada))
    imagen = recibir_imagen(pdf, "escaneo.pdf", actor_escaner).imagen
    client.force_login(UsuarioFactory(perfil__rol=Rol.CAPTURISTA, perfil__centro=centro))
    vista = client.get(_url(imagen))
    assert vista["Content-Type"] == "image/png"
    pagina = Image.open(io.BytesIO(vista.content))
    assert pagina.format == "PNG" and max(pagina.size) == 2400
    original = client.get(_url(imagen, original=1))
    assert original["Content-Type"] == "application/pdf"
    assert original["Content-Disposition"].startswith("attachment")
    assert original.content == pdf


@pytest.fixture
def pendiente(esperada, actor_telefono):
    return recibir_imagen(sin_qr(foto_de(esperada)), "sin qr.jpg", actor_telefono).imagen


def test_la_cola_muestra_la_imagen_y_el_formulario(client, digitalizador, pendiente):
    client.force_login(digitalizador)
    respuesta = client.get(COLA)
    assert respuesta.status_code == 200
    html = respuesta.content.decode()
    assert _url(pendiente) in html
    assert "no se encontró un código QR legible" in html
    assert 'name="clave"' in html and 'name="confirmacion"' in html
    assert f'value="{pendiente.sha256}"' in html


def test_claves_distintas_se_rechazan_en_el_formulario(client, digitalizador, pendiente, esperada):
    client.force_login(digitalizador)
    respuesta = client.post(
        COLA,
        {"imagen": pendiente.sha256, "clave": esperada.clave, "confirmacion": "040001B01002"},
    )
    assert respuesta.status_code == 422
    html = respuesta.content.decode()
    assert "las dos capturas de la clave no coinciden" in html
    assert esperada.clave not in html  # both copies are typed again
    pendiente.refresh_from_db()
    assert pendiente.estado == Imagen.Estado.PENDIENTE


def test_clasificar_desde_la_pagina(client, digitalizador, pendiente, esperada):
    client.force_login(digitalizador)
    respuesta = client.post(
        COLA,
        {"imagen": pendiente.sha256, "clave": esperada.clave, "confirmacion": esperada.clave},
        follow=True,
    )
    assert respuesta.redirect_chain == [(COLA, 302)]
    assert f"Imagen clasificada al acta {esperada.clave}." in respuesta.content.decode()
    assert "No hay imágenes pendientes" in respuesta.content.decode()
    pendiente.refresh_from_db()
    assert pendiente.estado == Imagen.Estado.CLASIFICADA
    assert Acta.objects.get(acta_esperada=esperada).codigo_integridad == pendiente.sha256


def test_una_imagen_que_ya_no_esta_en_la_cola(client, digitalizador, pendiente, esperada):
    client.force_login(digitalizador)
    datos = {"imagen": "0" * 64, "clave": esperada.clave, "confirmacion": esperada.clave}
    respuesta = client.post(COLA, datos, follow=True)
    assert "Esa imagen ya no está en la cola." in respuesta.content.decode()
    pendiente.refresh_from_db()
    assert pendiente.estado == Imagen.Estado.PENDIENTE


@pytest.mark.parametrize("rol", [Rol.CAPTURISTA, Rol.ACOPIADOR, Rol.AUDITOR])
def test_la_cola_es_solo_de_quien_clasifica(client, centro, rol):
    client.force_login(
        UsuarioFactory(perfil__rol=rol, perfil__centro=None if rol == Rol.AUDITOR else centro)
    )
    respuesta = client.get(COLA)
    assert respuesta.status_code == 403
    assert "no permite clasificar imágenes de actas" in respuesta.content.decode()
    assert client.post(SUBIR, {"archivo": SimpleUploadedFile("a.jpg", b"x")}).status_code == 403
    assert not Imagen.objects.exists()


def test_subir_desde_la_pagina(client, digitalizador, esperada):
    client.force_login(digitalizador)
    archivo = SimpleUploadedFile("escaneo.jpg", foto_de(esperada))
    respuesta = client.post(SUBIR, {"archivo": archivo}, follow=True)
    assert respuesta.redirect_chain == [(COLA, 302)]
    assert f"Imagen recibida y clasificada al acta {esperada.clave}." in respuesta.content.decode()
    imagen = Imagen.objects.get()
    assert (imagen.origen, imagen.digitalizacion, imagen.subida_por) == (
        "CATD",
        "Escáner",
        f"usuario:{digitalizador.username}",
    )
    otra_vez = client.post(SUBIR, {"archivo": SimpleUploadedFile("b.jpg", foto_de(esperada))})
    assert otra_vez.status_code == 302
    assert Imagen.objects.count() == 1


def test_subir_un_archivo_que_no_es_imagen(client, digitalizador):
    client.force_login(digitalizador)
    archivo = SimpleUploadedFile("acta.jpg", b"<html>no</html>")
    respuesta = client.post(SUBIR, {"archivo": archivo})
    assert respuesta.status_code == 422
    assert "el archivo no es una imagen JPEG o PNG ni un PDF" in respuesta.content.decode()
    assert not Imagen.objects.exists()
