"""API de acopio (/api/v1/acopio): register an acta's arrival, or a paquete without its acta."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status

from prep.acopio.servicios import RegistroAcopio, registrar_acopio, registrar_paquete_sin_acta
from prep.cuentas.permisos import Permiso
from prep.web.autenticacion import con_permiso
from prep.web.errores import ERRORES

router = Router(tags=["acopio"], auth=con_permiso(Permiso.ACOPIO))


class Identificacion(Schema):
    """The acta, by its QR payload or by its key typed twice."""

    qr: str = ""
    clave: str = ""
    confirmacion: str = ""
    eleccion: str = ""


class PaqueteSinActa(Identificacion):
    """A paquete that arrived without its acta, and why (R6)."""

    causa: str


class Acopiada(Schema):
    """The acopio record (new, or the one made before when `duplicado`)."""

    acta: int
    clave: str
    eleccion: str
    estado: str
    centro: str
    metodo: str
    con_acta: bool
    momento: datetime
    fecha_hora_acopio: datetime | None
    fuera_de_catalogo: bool
    requiere_cotejo: bool
    causa_sin_acta: str
    duplicado: bool
    mensaje: str


def _respuesta(registro: RegistroAcopio) -> Status:
    acopio, acta = registro.acopio, registro.acopio.acta
    return Status(
        201 if registro.nuevo else 200,
        {
            "acta": acta.pk,
            "clave": acta.acta_esperada.clave if acta.acta_esperada_id else acta.identificacion,
            "eleccion": acta.eleccion.tipo,
            "estado": acta.estado,
            "centro": acopio.centro.clave,
            "metodo": acopio.metodo,
            "con_acta": acopio.con_acta,
            "momento": acopio.momento,
            "fecha_hora_acopio": acta.fecha_hora_acopio,
            "fuera_de_catalogo": acta.acta_esperada_id is None,
            "requiere_cotejo": acopio.requiere_cotejo,
            "causa_sin_acta": acta.causa_sin_acta,
            "duplicado": not registro.nuevo,
            "mensaje": registro.mensaje,
        },
    )


@router.post(
    "/",
    response={200: Acopiada, 201: Acopiada, **ERRORES},
    summary="Registrar el acopio de un acta",
)
def acopiar(request: HttpRequest, datos: Identificacion):
    """201 with the new record; 200 with the existing one when the acta was already acopiada."""
    return _respuesta(registrar_acopio(request.actor, **datos.dict()))


@router.post(
    "/sin-acta",
    response={200: Acopiada, 201: Acopiada, **ERRORES},
    summary="Registrar un paquete que llegó sin acta (Sin Acta)",
)
def sin_acta(request: HttpRequest, datos: PaqueteSinActa):
    """201 when recorded now; 200 when it already was, with the same cause."""
    campos = datos.dict()
    causa = campos.pop("causa")
    return _respuesta(registrar_paquete_sin_acta(request.actor, causa, **campos))
