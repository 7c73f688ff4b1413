"""PREP Casilla's API, mounted at /api/v1/casilla: a phone spends its pairing code for its own
token, and asks who it is (which also tells a phone given de baja, in Spanish, at once)."""

from datetime import datetime

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from prep.catalogo.models import Eleccion
from prep.cuentas import emparejamiento
from prep.cuentas.intentos import direccion_de
from prep.cuentas.models import Dispositivo
from prep.cuentas.permisos import Permiso
from prep.web.autenticacion import TokenConPermiso
from prep.web.errores import ERRORES

router = Router(tags=["PREP Casilla"])


class Codigo(Schema):
    """The pairing code shown on the coordinator's page (hyphens, spaces and case ignored)."""

    codigo: str


class Emparejado(Schema):
    """A phone's own token, shown once: the server keeps only its SHA-256."""

    token: str
    dispositivo: str
    centro: str
    centro_nombre: str


class EleccionSalida(Schema):
    tipo: str
    nombre: str


class Yo(Schema):
    """The phone as the server knows it, and what it needs to work offline."""

    dispositivo: str
    centro: str
    centro_nombre: str
    elecciones: list[EleccionSalida]
    max_bytes: int
    ahora: datetime


@router.post(
    "/emparejar",
    response={200: Emparejado, **ERRORES},
    summary="Emparejar un teléfono con su código",
    url_name="casilla_emparejar",
    auth=None,
)
def emparejar(request: HttpRequest, datos: Codigo):
    """Spend a single-use pairing code: the new device's token. 422 when the code is unknown,
    used or expired; 429 after too many wrong codes from one address."""
    dispositivo, token = emparejamiento.canjear(datos.codigo, direccion_de(request))
    return {
        "token": token,
        "dispositivo": dispositivo.nombre,
        "centro": dispositivo.centro.clave,
        "centro_nombre": dispositivo.centro.nombre,
    }


@router.get(
    "/yo",
    response={200: Yo, **ERRORES},
    summary="El teléfono que pregunta",
    url_name="casilla_yo",
    auth=TokenConPermiso(Permiso.DIGITALIZACION),
)
def yo(request: HttpRequest):
    """The asking device, its centro, the elections (for a key typed by hand) and the largest
    image accepted. 401 `dispositivo_revocado` for a phone given de baja."""
    dispositivo = Dispositivo.objects.select_related("centro").get(pk=request.actor.dispositivo_id)
    elecciones = Eleccion.objects.order_by("orden").values("tipo", "nombre").distinct()
    return {
        "dispositivo": dispositivo.nombre,
        "centro": dispositivo.centro.clave,
        "centro_nombre": dispositivo.centro.nombre,
        "elecciones": list(elecciones),
        "max_bytes": settings.PREP_IMAGEN_MAX_BYTES,
        "ahora": timezone.now(),
    }
