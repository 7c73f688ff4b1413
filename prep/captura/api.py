"""Capture API: `POST /api/v1/captura/siguiente` claims the next acta of the queue and
`POST /api/v1/captura/{acta_id}` records its figures. For capturistas (session + CSRF)."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from prep.captura import servicios
from prep.captura.acceso import obtener_acta
from prep.captura.presentacion import asignada
from prep.cuentas.permisos import Permiso
from prep.web.autenticacion import con_permiso
from prep.web.errores import ERRORES, identificador

router = Router(tags=["captura"], auth=con_permiso(Permiso.CAPTURA))

ACTA = identificador("Número del acta (`acta_id`)")
_CIFRA = 'Entero ≥ 0, "ILEGIBLE" (escrito pero no se lee) o "SIN_DATO" (en blanco).'


class Campo(Schema):
    """One figure to key, in the order the paper acta shows it."""

    clave: str = Field(description="La clave del campo en las cifras (`votos` o total del acta).")
    etiqueta: str = Field(
        description="Su nombre para personas; el de una candidatura independiente lleva a quien"
        " compite en el ámbito del acta («CAND_IND_1 — Nombre»)."
    )


class Toma(Schema):
    """One image of the acta: a phone shot, a retake or a CATD scan."""

    sha256: str
    url: str = Field(description="Dónde se sirve la imagen.")
    origen: str = Field(description="CASILLA (PREP Casilla) o CATD.")
    digitalizacion: str = Field(description="Móvil o Escáner.")
    enviada_por: str = Field(description="El dispositivo que la envió, o la persona.")
    tomada: datetime | None = Field(
        description="Cuándo tomó la foto el teléfono (su reloj); nulo si no lo dijo."
    )
    momento: datetime = Field(description="Cuándo llegó al servidor.")
    en_uso: bool = Field(
        description="Es la que usa el acta: su SHA-256 es el código de integridad."
    )


class Asignada(Schema):
    """The acta the queue handed to the capturista, claimed until `expira`."""

    acta_id: int
    clave: str
    eleccion: str
    demarcacion: str = Field(
        description="Municipio, distrito o entidad cuyas candidaturas imprime el acta."
    )
    campos: list[Campo] = Field(
        description="Exactamente los campos que imprime el acta de su ámbito (municipio,"
        " distrito o entidad), en su orden: los que envía la captura."
    )
    imagen_sha256: str
    imagen_url: str
    imagenes: list[Toma] = Field(
        description="Todas las tomas del acta, en orden de llegada; `en_uso` marca la que usa."
    )
    expira: datetime


class Cifras(Schema):
    """A capture's figures, in the shape of the acta's verified figures."""

    votos: dict[str, Any] = Field(
        description="Una cifra por cada campo de votos que imprime el acta (los `campos` de la"
        " asignación) y ninguna más: un campo que el acta no imprime se rechaza (422)."
        f" {_CIFRA}"
    )
    TOTAL_BOLETAS_SOBRANTES: Any = Field(None, description=_CIFRA)
    TOTAL_PERSONAS_VOTARON: Any = Field(None, description=_CIFRA)
    TOTAL_REP_PARTIDO_CI_VOTARON: Any = Field(None, description=_CIFRA)
    TOTAL_VOTOS_SACADOS: Any = Field(None, description=_CIFRA)
    TOTAL_VOTOS_ASENTADO: Any = Field(None, description=_CIFRA)

    def como_json(self) -> dict:
        """The figures as sent (a figure left out stays out, so it is reported missing)."""
        return self.model_dump(exclude_unset=True)


class Recibida(Schema):
    """A capture recorded. Blind: nothing tells whether another capture exists or agrees."""

    acta_id: int
    captura_id: int
    momento: datetime


@router.post(
    "/siguiente",
    response={200: Asignada, 204: None, **ERRORES},
    summary="Pedir la siguiente acta por capturar",
)
def siguiente(request: HttpRequest):
    """Claims the oldest acta waiting for a capture in the capturista's scope (never one they
    captured), with the fields its acta prints, in order. Asking again while the claim lasts
    answers the same acta. 204: none waits."""
    asignacion = servicios.siguiente_acta(request.actor)
    if asignacion is None:
        return Status(204, None)
    return Status(200, asignada(asignacion))


@router.post(
    "/{int:acta_id}",
    response={200: Recibida, **ERRORES},
    summary="Registrar la captura de un acta asignada",
)
def capturar(request: HttpRequest, cifras: Cifras, acta_id: int = ACTA):
    """Records the figures keyed from the image: exactly the `campos` of the assignment (422,
    nothing recorded, for a field the acta does not print or one left out). Repeating the
    same request answers the same capture (same `captura_id`) and records nothing new."""
    captura = servicios.capturar(obtener_acta(acta_id), request.actor, cifras.como_json())
    return Status(200, {"acta_id": acta_id, "captura_id": captura.pk, "momento": captura.momento})
