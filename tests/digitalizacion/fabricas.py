"""Factories and builders of the digitalización tests: centros, people, devices, and acta
images drawn by the simulacro (real JPEGs with a QR code)."""

import io
from functools import lru_cache

import factory
from django.contrib.auth import get_user_model
from PIL import Image, ImageDraw

from prep.catalogo.models import Distrito
from prep.cuentas.models import Centro, Dispositivo, Perfil, Rol
from prep.reglas.acta import Registro
from prep.simulacro.generador import ActaSintetica
from prep.simulacro.imagenes import dibujar_acta
from tests.fabricas import EntidadFactory

CONTRASENA = "una contraseña larga de prueba"


class DistritoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Distrito

    entidad = factory.SubFactory(EntidadFactory)
    tipo = Distrito.Tipo.LOCAL
    numero = factory.Sequence(lambda n: n + 1)
    cabecera = factory.Sequence(lambda n: f"CABECERA {n}")


class CentroFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centro
        skip_postgeneration_save = True

    clave = factory.Sequence(lambda n: f"CATD{n:02d}")
    nombre = factory.Sequence(lambda n: f"Centro {n}")
    tipo = Centro.Tipo.CATD

    @factory.post_generation
    def distritos(centro, crear, distritos, **_):
        if crear and distritos:
            centro.distritos.set(distritos)


class UsuarioFactory(factory.django.DjangoModelFactory):
    """A person with a role (`perfil__rol`) and centro (`perfil__centro`)."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"persona{n}")
    password = factory.django.Password(CONTRASENA)
    perfil = factory.RelatedFactory(
        "tests.digitalizacion.fabricas.PerfilFactory", factory_related_name="usuario"
    )


class PerfilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Perfil

    rol = Rol.DIGITALIZADOR
    centro = factory.SubFactory(CentroFactory)


def dispositivo(centro: Centro, tipo: str = Dispositivo.Tipo.TELEFONO) -> tuple[Dispositivo, str]:
    """A device of the centro and its token (shown once, as when issued)."""
    token = Dispositivo.nuevo_token()
    registro = Dispositivo.objects.create(
        nombre=f"{tipo.lower()}-{Dispositivo.objects.count() + 1:04d}-{centro.clave}",
        tipo=tipo,
        centro=centro,
        token_sha256=Dispositivo.huella(token),
    )
    return registro, token


@lru_cache(maxsize=64)
def _dibujo(eleccion: str, identificacion: tuple, tipo_acta: str, semilla: int) -> bytes:
    entidad, seccion, tipo_casilla, numero, ext_contigua = identificacion
    acta = ActaSintetica(
        eleccion=eleccion,
        entidad=entidad,
        seccion=seccion,
        tipo_casilla=tipo_casilla,
        numero=numero,
        ext_contigua=ext_contigua,
        tipo_acta=tipo_acta,
        registro=Registro.CAPTURADA,
        votos=(120, 0, 7),
        otras={"TOTAL_VOTOS_ASENTADO": 127},
    )
    return dibujar_acta(acta, ("PAN", "NO_REGISTRADAS", "NULOS"), semilla)


def foto_de(esperada, semilla: int = 1) -> bytes:
    """A phone photo (JPEG) of the acta esperada with its QR code, drawn by the simulacro; another
    seed is another shot (other bytes)."""
    casilla = esperada.casilla
    identificacion = (
        casilla.seccion.entidad.clave,
        casilla.seccion.numero,
        casilla.tipo,
        casilla.numero,
        casilla.ext_contigua,
    )
    return _dibujo(esperada.eleccion.tipo, identificacion, esperada.tipo_acta, semilla)


def sin_qr(foto: bytes) -> bytes:
    """The photo with its QR code covered (a sticker torn off): a JPEG nobody can classify."""
    imagen = Image.open(io.BytesIO(foto))
    ImageDraw.Draw(imagen).rectangle((760, 0, imagen.width, 420), fill=(240, 240, 235))
    return _guardar(imagen, "JPEG")


def como_png(foto: bytes) -> bytes:
    """The same picture as a PNG."""
    return _guardar(Image.open(io.BytesIO(foto)), "PNG")


def como_pdf(foto: bytes) -> bytes:
    """The same picture as a one-page PDF (as a scanner writes it), made by Pillow."""
    return _guardar(Image.open(io.BytesIO(foto)), "PDF", resolution=150)


def _guardar(imagen: Image.Image, formato: str, **opciones) -> bytes:
    salida = io.BytesIO()
    imagen.save(salida, formato, **opciones)
    return salida.getvalue()
