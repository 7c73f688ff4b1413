"""Bad input and least privilege: every refusal is JSON with a code and a Spanish message, and a
refused upload leaves nothing behind (no row, no stored file, no bitácora entry)."""

import io
import zipfile

import pytest
from django.utils import timezone
from PIL import Image

from prep.bitacora.models import Entrada
from prep.cuentas.models import Rol
from prep.digitalizacion.models import Imagen
from tests.digitalizacion.fabricas import foto_de, sin_qr
from tests.digitalizacion.fixtures import URL_API
from tests.fabricas import CentroFactory, DistritoFactory, UsuarioFactory, dispositivo

pytestmark = pytest.mark.django_db


def _png(ancho: int, alto: int) -> bytes:
    """A tiny file that decodes to a huge bilevel image: a decompression bomb."""
    salida = io.BytesIO()
    Image.new("1", (ancho, alto)).save(salida, "PNG")
    return salida.getvalue()


def _zip() -> bytes:
    salida = io.BytesIO()
    with zipfile.ZipFile(salida, "w") as archivo:
        archivo.writestr("acta.jpg", b"\xff\xd8\xff no es una imagen")
    return salida.getvalue()


def _sin_rastro(settings) -> None:
    """Nothing of a refused upload is kept but the record of its refusal."""
    assert not Imagen.objects.exists()
    assert Entrada.objects.get().accion == "solicitud.rechazada"
    imagenes = settings.VAR_DIR / "imagenes"
    assert not imagenes.exists() or not any(p.is_file() for p in imagenes.rglob("*"))


CASOS = {
    "jpeg truncado": (lambda f: f[: len(f) // 2], 422, "imagen_danada"),
    "jpeg dañado": (lambda f: f[:3] + bytes(range(256)) * 8, 422, "imagen_danada"),
    "png truncado": (lambda f: _png(400, 300)[:-30], 422, "imagen_danada"),
    "pdf dañado": (lambda f: b"%PDF-1.7\n" + f[:2000], 422, "imagen_danada"),
    "zip": (lambda f: _zip(), 415, "tipo_no_admitido"),
    "html llamado .jpg": (
        lambda f: b"<!doctype html><html><body>hola</body></html>",
        415,
        "tipo_no_admitido",
    ),
    "vacío": (lambda f: b"", 422, "archivo_vacio"),
    "bomba (límite propio)": (lambda f: _png(9_000, 9_000), 422, "imagen_excesiva"),
    "bomba (límite de Pillow)": (lambda f: _png(20_000, 20_000), 422, "imagen_excesiva"),
}


@pytest.mark.parametrize("caso", CASOS)
def test_archivos_que_no_son_imagenes_de_acta(subir, esperada, telefono, settings, caso):
    convertir, estado, codigo = CASOS[caso]
    respuesta = subir(convertir(foto_de(esperada)), telefono[1], nombre="acta.jpg")
    assert respuesta.status_code == estado, respuesta.content
    cuerpo = respuesta.json()
    assert cuerpo["codigo"] == codigo
    assert cuerpo["mensaje"].startswith(("el archivo", "la imagen"))
    _sin_rastro(settings)


def test_archivo_demasiado_grande(subir, esperada, telefono, settings):
    settings.PREP_IMAGEN_MAX_BYTES = 100_000
    respuesta = subir(foto_de(esperada), telefono[1])
    assert respuesta.status_code == 413
    assert respuesta.json()["codigo"] == "archivo_muy_grande"
    assert "el máximo es 0.1 MB" in respuesta.json()["mensaje"]
    _sin_rastro(settings)


def test_la_bomba_dice_sus_dimensiones(subir, telefono):
    respuesta = subir(_png(9_000, 9_000), telefono[1], nombre="bomba.png")
    assert respuesta.json()["mensaje"] == (
        "la imagen mide 9000 × 9000 píxeles; el máximo es 60 millones de píxeles"
    )


@pytest.mark.parametrize(
    ("campos", "codigo"),
    [
        ({"origen": "MARTE"}, "origen_invalido"),
        ({"digitalizacion": "Fax"}, "digitalizacion_invalida"),
    ],
)
def test_origen_o_metodo_desconocido(subir, esperada, telefono, settings, campos, codigo):
    respuesta = subir(foto_de(esperada), telefono[1], **campos)
    assert (respuesta.status_code, respuesta.json()["codigo"]) == (422, codigo)
    _sin_rastro(settings)


def test_sin_archivo(client, telefono):
    respuesta = client.post(URL_API, {}, HTTP_AUTHORIZATION=f"Bearer {telefono[1]}")
    assert respuesta.status_code == 422
    assert respuesta.json()["codigo"] == "datos_invalidos"


@pytest.mark.parametrize("token", ["", "Bearer no-es-un-token", "revocado"])
def test_sin_credencial_valida(client, subir, esperada, telefono, settings, token):
    if token == "revocado":
        telefono[0].revocado = timezone.now()
        telefono[0].save()
        token = telefono[1]
    respuesta = subir(foto_de(esperada), token or None)
    assert respuesta.status_code == 401
    if token == telefono[1]:
        # A phone given de baja is told so, in Spanish (docs/casilla.md).
        assert respuesta.json()["codigo"] == "dispositivo_revocado"
        assert "fue dado de baja" in respuesta.json()["mensaje"]
    else:
        assert respuesta.json() == {
            "codigo": "no_autenticado",
            "mensaje": "falta una sesión o un token válido",
        }
    _sin_rastro(settings)


@pytest.mark.parametrize("rol", [Rol.CAPTURISTA, Rol.VERIFICADOR, Rol.ACOPIADOR, Rol.AUDITOR])
def test_roles_que_no_suben_imagenes(client, subir, esperada, centro, settings, rol):
    client.force_login(UsuarioFactory(perfil__rol=rol, perfil__centro=centro))
    respuesta = subir(foto_de(esperada))
    assert respuesta.status_code == 403
    assert respuesta.json()["codigo"] == "sin_permiso"
    _sin_rastro(settings)


def test_un_dispositivo_solo_sube(client, subir, esperada, telefono, centro):
    sha = subir(sin_qr(foto_de(esperada)), telefono[1]).json()["sha256"]
    autorizacion = {"HTTP_AUTHORIZATION": f"Bearer {telefono[1]}"}
    assert client.get(f"{URL_API}/pendientes", **autorizacion).status_code == 403
    clasificar = client.post(
        f"{URL_API}/{sha}/clasificar",
        {"clave": esperada.clave, "confirmacion": esperada.clave},
        content_type="application/json",
        **autorizacion,
    )
    assert clasificar.status_code in (403, 404)
    assert Imagen.objects.get().estado == "pendiente_clasificacion"
    # It may read back what it uploaded, and nothing else.
    assert client.get(f"{URL_API}/{sha}", **autorizacion).status_code == 200
    _, otro_token = dispositivo(centro)
    otro = client.get(f"{URL_API}/{sha}", HTTP_AUTHORIZATION=f"Bearer {otro_token}")
    assert (otro.status_code, otro.json()["codigo"]) == (404, "imagen_inexistente")


@pytest.mark.parametrize(
    ("rol", "mismo_centro", "estado"),
    [
        (Rol.CAPTURISTA, True, 200),
        (Rol.VERIFICADOR, True, 200),
        (Rol.AUDITOR, False, 200),  # no centro: reads everything
        (Rol.CAPTURISTA, False, 404),
        (Rol.ACOPIADOR, True, 403),
        (Rol.ADMINISTRADOR, False, 403),
    ],
)
def test_quien_ve_el_registro_de_una_imagen(
    client, subir, esperada, telefono, centro, rol, mismo_centro, estado
):
    sha = subir(foto_de(esperada), telefono[1]).json()["sha256"]
    if rol in (Rol.AUDITOR, Rol.ADMINISTRADOR):
        usuario = UsuarioFactory(perfil__rol=rol, perfil__centro=None)
    else:
        otro = CentroFactory(distritos=[DistritoFactory()])  # serves another distrito
        usuario = UsuarioFactory(perfil__rol=rol, perfil__centro=centro if mismo_centro else otro)
    client.force_login(usuario)
    respuesta = client.get(f"{URL_API}/{sha}")
    assert respuesta.status_code == estado, respuesta.content
    if estado != 200:
        assert set(respuesta.json()) == {"codigo", "mensaje"}


def test_un_sha_mal_formado(client, telefono):
    respuesta = client.get(f"{URL_API}/no-es-un-sha", HTTP_AUTHORIZATION=f"Bearer {telefono[1]}")
    assert respuesta.status_code == 422
    assert respuesta.json()["codigo"] == "datos_invalidos"
