"""Digitalización API, mounted at /api/v1/imagenes: upload (phones and scanners), the manual
classification queue, classification and an image's record.

Errors are the API's JSON `{"codigo", "mensaje"}` (Spanish): 413 too large, 415 not JPEG/PNG/PDF,
422 not decodable or invalid data, 403 not allowed, 404 unknown or out of scope, 503 the image
store could not keep the copies it requires (nothing recorded: send it again later).
"""

import logging
from datetime import datetime

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Path, Router, Schema, Status
from ninja.files import UploadedFile

from prep.cuentas.permisos import Permiso
from prep.digitalizacion import servicios
from prep.digitalizacion.models import Imagen
from prep.errores import Codigo, ErrorDeDominio
from prep.web.autenticacion import con_permiso
from prep.web.errores import ERRORES

logger = logging.getLogger(__name__)
router = Router(tags=["digitalización"])
SHA256 = Path(..., pattern=r"^[0-9a-fA-F]{64}$", description="SHA-256 de la imagen")


class ImagenSalida(Schema):
    """An image's record."""

    sha256: str
    estado: str
    acta: str | None
    eleccion: str | None
    motivo: str
    usada: bool
    tamano: int
    tipo: str
    ancho: int
    alto: int
    nombre: str
    origen: str
    digitalizacion: str
    qr_leido: str
    subida_por: str
    dispositivo: str
    clave_tecleada: str
    tomada: datetime | None
    clasificada_por: str
    momento: datetime
    url: str


class Clasificacion(Schema):
    """A manual classification: the CLAVE_ACTA typed twice (and the election type if the key
    alone is ambiguous)."""

    clave: str
    confirmacion: str
    eleccion: str = ""


def salida(imagen: Imagen) -> dict:
    """The API's view of an image."""
    return {
        **servicios.resumen(imagen),
        "momento": imagen.momento,
        "usada": imagen.usada,
        "url": reverse("digitalizacion:imagen", args=[imagen.sha256]),
    }


@router.post(
    "",
    response={200: ImagenSalida, 201: ImagenSalida, **ERRORES},
    summary="Subir la imagen de un acta",
    url_name="imagenes_subir",
    auth=con_permiso(Permiso.DIGITALIZACION),
)
def subir(
    request: HttpRequest,
    archivo: File[UploadedFile],
    origen: Form[str | None] = None,
    digitalizacion: Form[str | None] = None,
    tomada: Form[str | None] = None,
    clave: Form[str | None] = None,
    confirmacion: Form[str | None] = None,
    eleccion: Form[str | None] = None,
):
    """Receive a JPEG, PNG or PDF (multipart field `archivo`). 201 with the new record; 200
    with the existing one when the same bytes were received before. `origen` (CASILLA/CATD) and
    `digitalizacion` (Móvil/Escáner) default to the device's type. PREP Casilla also sends
    `tomada` (ISO 8601 with its offset: when the photo was taken) and, when the phone could not
    read the QR code, the acta's key typed twice (`clave`, `confirmacion`, and `eleccion` when
    the key alone is ambiguous): the QR code read here prevails over it. 503 when the image
    store could not keep the required copies: nothing was recorded; 429 past the device's
    per-minute limit (Retry-After)."""
    momento = fecha_hora(tomada, "tomada")
    tecleada = servicios.clave_tecleada(clave or "", confirmacion or "", eleccion or "")
    recepcion = servicios.recibir_archivo(
        archivo, request.actor, origen, digitalizacion, momento, tecleada
    )
    return Status(201 if recepcion.creada else 200, salida(recepcion.imagen))


def fecha_hora(valor: str | None, campo: str) -> datetime | None:
    """An ISO 8601 date and time with its UTC offset, or a 422 in Spanish."""
    if not valor:
        return None
    try:
        momento = datetime.fromisoformat(valor.strip().replace("Z", "+00:00"))
    except ValueError:
        momento = None
    if momento is None or momento.tzinfo is None:
        raise ErrorDeDominio(
            f"{campo}: escriba la fecha y hora en ISO 8601 con su zona, p. ej."
            " 2027-06-06T21:47:05-06:00",
            Codigo.DATOS_INVALIDOS,
        )
    return momento


@router.get(
    "/pendientes",
    response={200: list[ImagenSalida], **ERRORES},
    summary="Cola de clasificación manual del centro",
    url_name="imagenes_pendientes",
    auth=con_permiso(Permiso.CLASIFICACION),
)
def pendientes(request: HttpRequest):
    """Images of the actor's centro waiting for manual classification, oldest first."""
    cola = servicios.pendientes(request.actor).select_related("acta__acta_esperada")
    return [salida(imagen) for imagen in cola[:500]]


@router.post(
    "/{sha256}/clasificar",
    response={200: ImagenSalida, **ERRORES},
    summary="Clasificar una imagen a mano",
    url_name="imagenes_clasificar",
    auth=con_permiso(Permiso.CLASIFICACION),
)
def clasificar(request: HttpRequest, datos: Clasificacion, sha256: str = SHA256):
    """Link a pending image to the acta whose key is typed twice."""
    imagen = servicios.imagen_visible(sha256, request.actor)
    imagen = servicios.clasificar(
        imagen, datos.clave, datos.confirmacion, request.actor, datos.eleccion
    )
    return salida(imagen)


@router.get(
    "/{sha256}",
    response={200: ImagenSalida, **ERRORES},
    summary="Registro de una imagen",
    url_name="imagenes_detalle",
)
def detalle(request: HttpRequest, sha256: str = SHA256):
    """The record of an image (the uploader, or a role that works from images in scope)."""
    return salida(servicios.imagen_visible(sha256, request.actor))
