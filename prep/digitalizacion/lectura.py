"""Proving that an upload is an acta image, and reading its QR code.

The type is decided by the bytes, never by the file name: JPEG, PNG or PDF. The file is then
decoded completely (Pillow for images, PDFium for the first page of a PDF, in a child process of
bounded memory and time), which rejects truncated or corrupt files, and its pixel count is
checked before decoding, which rejects decompression bombs. The QR code is read with zxing-cpp
from the decoded pixels.
"""

import io
import json
import subprocess
import sys
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import zxingcpp
from django.utils.translation import gettext as _
from PIL import Image

from prep.catalogo.claves import interpretar_carga_qr
from prep.errores import Codigo, ErrorDeDominio

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
_FIRMAS = ((b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG), (b"%PDF-", PDF))
_FORMATO_PILLOW = {JPEG: "JPEG", PNG: "PNG"}
# A PDF page is rendered so that its longer side has about this many pixels (≈ 200 dpi on a
# letter page): enough for a printed QR code, small enough to render in a fraction of a second.
LADO_PDF = 2400
# zxing finds a QR code in a photo of any size; past this side, reading a reduced copy is faster
# and as reliable (the modules stay several pixels wide).
LADO_QR = 3000

# PDFium renders in a child process with at most this much memory and time (a scan of an acta
# needs about a quarter of it), one child at a time: the most PDFs can take of this machine.
MEMORIA_PDF = 768 * 2**20
TIEMPO_PDF = 30
# The most pages an acta's PDF may have: its front and, from a duplex scanner, its back. More is
# a batch of actas (only the first would be read) or not an acta at all.
MAXIMO_PAGINAS = 2
_PDFIUM = threading.Lock()
# The folder that holds the `prep` package, where the child starts (and so finds it).
_RAIZ = Path(__file__).resolve().parents[2]


class ImagenRechazada(ErrorDeDominio):
    """An upload that is not an acceptable image; the message says why, in Spanish."""


@dataclass(frozen=True)
class Decodificada:
    """A decoded upload: its type, the size of the image, and its pixels (first page of a
    PDF)."""

    tipo: str
    ancho: int
    alto: int
    imagen: Image.Image


def tipo_por_contenido(datos: bytes) -> str | None:
    """The MIME type the leading bytes announce, or None if not JPEG, PNG or PDF."""
    for firma, tipo in _FIRMAS:
        if datos.startswith(firma):
            return tipo
    return None


def comprobar_tamano(tamano: int, max_bytes: int) -> None:
    """ImagenRechazada for an empty file or one over the limit (checked before reading it)."""
    if tamano == 0:
        raise ImagenRechazada(_("el archivo está vacío"), Codigo.ARCHIVO_VACIO)
    if tamano > max_bytes:
        raise ImagenRechazada(
            _("el archivo pesa %(mb).1f MB; el máximo es %(max).1f MB")
            % {"mb": tamano / 2**20, "max": max_bytes / 2**20},
            Codigo.ARCHIVO_MUY_GRANDE,
        )


def decodificar(datos: bytes, max_bytes: int, max_pixeles: int) -> Decodificada:
    """Check size and type and decode the whole file; ImagenRechazada when it does not pass."""
    comprobar_tamano(len(datos), max_bytes)
    tipo = tipo_por_contenido(datos)
    if tipo is None:
        raise ImagenRechazada(
            _("el archivo no es una imagen JPEG o PNG ni un PDF"), Codigo.TIPO_NO_ADMITIDO
        )
    if tipo == PDF:
        return _decodificar_pdf(datos, max_pixeles)
    return _decodificar_imagen(datos, tipo, max_pixeles)


def _excesiva(max_pixeles: int, ancho: int = 0, alto: int = 0) -> ImagenRechazada:
    maximo = max_pixeles / 1_000_000
    if ancho and alto:
        mensaje = _(
            "la imagen mide %(ancho)d × %(alto)d píxeles; el máximo es %(max)g millones de píxeles"
        ) % {"ancho": ancho, "alto": alto, "max": maximo}
    else:
        mensaje = _("la imagen tiene más de %(max)g millones de píxeles") % {"max": maximo}
    return ImagenRechazada(mensaje, Codigo.IMAGEN_EXCESIVA)


def _danada(detalle: str = "") -> ImagenRechazada:
    mensaje = _("el archivo no se pudo decodificar: está dañado o incompleto")
    return ImagenRechazada(f"{mensaje} ({detalle})" if detalle else mensaje, Codigo.IMAGEN_DANADA)


def _decodificar_imagen(datos: bytes, tipo: str, max_pixeles: int) -> Decodificada:
    try:
        # Only the decoders of the sniffed format: a file cannot pick another parser.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            imagen = Image.open(io.BytesIO(datos), formats=[_FORMATO_PILLOW[tipo]])
            ancho, alto = imagen.size
            # Checked from the header, before a single pixel is decoded.
            if ancho * alto > max_pixeles:
                raise _excesiva(max_pixeles, ancho, alto)
            # Every pixel is still decoded (that is the proof), in gray: all the QR reader needs,
            # and JPEG skips the color conversion.
            imagen.draft("L", imagen.size)
            imagen.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own limit, hit while reading the header of a still larger image.
        raise _excesiva(max_pixeles) from None
    except ImagenRechazada:
        raise
    except (OSError, SyntaxError, ValueError):  # Pillow's ways of saying "not valid"
        raise _danada() from None
    return Decodificada(tipo, ancho, alto, imagen)


def _decodificar_pdf(
    datos: bytes, max_pixeles: int, max_paginas: int = MAXIMO_PAGINAS
) -> Decodificada:
    """The first page of a PDF, rendered by PDFium in a child process (prep.digitalizacion.pdfium)
    whose memory is capped: a bomb (compressed streams that expand into gigabytes) kills the
    child, not the server, and is refused. `max_paginas` 0: any number of pages."""
    argumentos = [str(LADO_PDF), str(MEMORIA_PDF), str(max_pixeles), str(max_paginas)]
    with _PDFIUM:
        try:
            hijo = subprocess.run(
                [sys.executable, "-m", "prep.digitalizacion.pdfium", *argumentos],
                input=datos,
                capture_output=True,
                timeout=TIEMPO_PDF,
                cwd=_RAIZ,
            )
        except subprocess.TimeoutExpired:
            raise _bomba() from None
    cabecera, _linea, pixeles = hijo.stdout.partition(b"\n")
    if hijo.returncode != 0 or not cabecera:
        # Killed by its memory limit (or crashed inside PDFium).
        raise _bomba()
    resultado = json.loads(cabecera)
    problema = resultado.get("problema")
    if problema == "paginas":
        raise ImagenRechazada(
            _("el PDF tiene %(n)d páginas; envíe cada acta en su propio archivo")
            % {"n": resultado["paginas"]},
            Codigo.DEMASIADAS_PAGINAS,
        )
    if problema == "excesiva":
        raise _excesiva(max_pixeles, resultado["ancho"], resultado["alto"])
    if problema == "sin_paginas":
        raise _danada(_("el PDF no tiene páginas"))
    if problema == "sin_tamano":
        raise _danada(_("la página del PDF no tiene un tamaño válido"))
    if problema:
        raise _danada()
    tamano = (resultado["ancho"], resultado["alto"])
    return Decodificada(PDF, *tamano, Image.frombytes("L", tamano, pixeles))


def _bomba() -> ImagenRechazada:
    return ImagenRechazada(
        _(
            "el PDF pide más de %(mb)d MB de memoria o más de %(s)d segundos para mostrarse"
            " (sus datos comprimidos crecen sin medida); no es la imagen de un acta"
        )
        % {"mb": MEMORIA_PDF // 2**20, "s": TIEMPO_PDF},
        Codigo.PDF_EXCESIVO,
    )


def vista_pdf(datos: bytes) -> bytes:
    """The first page of a (stored, already accepted) PDF as a PNG, for pages that show it."""
    imagen = _decodificar_pdf(datos, LADO_PDF * LADO_PDF, max_paginas=0).imagen
    salida = io.BytesIO()
    imagen.save(salida, "PNG")
    return salida.getvalue()


def leer_qr(imagen: Image.Image) -> list[str]:
    """The texts of every QR code zxing-cpp finds in the image (possibly none)."""
    if max(imagen.size) > LADO_QR:
        imagen = imagen.copy()
        imagen.thumbnail((LADO_QR, LADO_QR))
    if imagen.mode != "L":
        imagen = imagen.convert("L")  # zxing reads luminance: a third of the bytes to hand over
    codigos = zxingcpp.read_barcodes(imagen, formats=zxingcpp.BarcodeFormat.QRCode)
    return [c.text for c in codigos if c.valid]


@dataclass(frozen=True)
class LecturaQR:
    """What the QR codes of an image say: the acta it identifies, or why none."""

    textos: tuple[str, ...]
    eleccion: str = ""
    clave: str = ""
    problema: str = ""


def interpretar(textos: list[str]) -> LecturaQR:
    """The acta the QR codes identify: exactly one distinct PREP payload, else a problem."""
    cargas, ajenos = set(), []
    for texto in textos:
        try:
            cargas.add(interpretar_carga_qr(texto))
        except ValueError:
            ajenos.append(texto)
    textos_t = tuple(textos)
    if len(cargas) == 1:
        eleccion, clave = cargas.pop()
        return LecturaQR(textos_t, eleccion, clave)
    if len(cargas) > 1:
        return LecturaQR(textos_t, problema=_("la imagen tiene códigos QR de actas distintas"))
    if ajenos:
        return LecturaQR(textos_t, problema=_("el código QR no es de un acta PREP"))
    return LecturaQR(textos_t, problema=_("no se encontró un código QR legible"))
