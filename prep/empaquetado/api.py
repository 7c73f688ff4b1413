"""API de empaquetado (/api/v1/empaquetado): actas packaged for delivery to their consejo."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status

from prep.cuentas.permisos import Permiso
from prep.empaquetado.servicios import contenido, empaquetar
from prep.web.autenticacion import con_permiso
from prep.web.errores import ERRORES

router = Router(tags=["empaquetado"], auth=con_permiso(Permiso.EMPAQUETADO))


class Paquete(Schema):
    """A paquete's identifier and its actas (QR payloads or CLAVE_ACTA)."""

    paquete: str
    actas: list[str]


class ActaEmpaquetada(Schema):
    """One acta of the paquete."""

    clave: str
    acta: int
    nueva: bool


class Empaquetadas(Schema):
    """What this request recorded."""

    paquete: str
    centro: str
    nuevas: int
    actas: list[ActaEmpaquetada]
    mensaje: str


class Contenido(Schema):
    """One acta inside a paquete."""

    clave: str
    acta: int
    eleccion: str
    registrado_por: str
    momento: datetime


@router.post(
    "/",
    response={200: Empaquetadas, 201: Empaquetadas, **ERRORES},
    summary="Registrar actas empaquetadas",
)
def registrar(request: HttpRequest, datos: Paquete):
    """201 when actas were added; 200 when all were already in this paquete."""
    r = empaquetar(request.actor, datos.paquete, datos.actas)
    return Status(
        201 if r.nuevas else 200,
        {
            "paquete": r.paquete,
            "centro": request.actor.centro.clave,
            "nuevas": r.nuevas,
            "actas": [{"clave": c, "acta": a.pk, "nueva": n} for c, a, n in r.actas],
            "mensaje": r.mensaje,
        },
    )


@router.get(
    "/{paquete}",
    response={200: list[Contenido], **ERRORES},
    summary="Actas de un paquete del centro",
)
def ver(request: HttpRequest, paquete: str):
    """The actas of one of the centro's paquetes (empty if there is none)."""
    return [
        {
            "clave": e.acta.acta_esperada.clave
            if e.acta.acta_esperada_id
            else e.acta.identificacion,
            "acta": e.acta_id,
            "eleccion": e.acta.eleccion.tipo,
            "registrado_por": e.registrado_por,
            "momento": e.momento,
        }
        for e in contenido(request.actor, paquete)
    ]
