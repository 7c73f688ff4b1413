"""Builders of the digitalización tests: acta images drawn by the simulacro (real JPEGs with a
QR code), and their PNG, PDF and unreadable variants."""

import io
from functools import lru_cache

from PIL import Image, ImageDraw

from prep.reglas.acta import Registro
from prep.simulacro.generador import ActaSintetica
from prep.simulacro.imagenes import dibujar_acta


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
        columnas=("PAN", "NO_REGISTRADAS", "NULOS"),
    )
    return dibujar_acta(acta, semilla)


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
