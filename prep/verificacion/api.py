"""Verification API, for verificadores (session + CSRF):

- `GET /api/v1/verificacion/conflictos`: actas en conflicto in the verificador's scope;
- `GET /api/v1/verificacion/{acta_id}`: both captures field by field and every image;
- `POST /api/v1/verificacion/{acta_id}`: the value and reason of each differing field;
- `POST /api/v1/verificacion/{acta_id}/cotejo`: re-verify a verified acta against its image.
"""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from prep.actas import veredicto
from prep.captura.acceso import exigir, obtener_acta
from prep.captura.api import ACTA, Cifras, Toma
from prep.cuentas.permisos import Permiso
from prep.verificacion import servicios
from prep.verificacion.consultas import detalle, lista_de_conflictos
from prep.web.autenticacion import con_permiso
from prep.web.errores import ERRORES

router = Router(tags=["verificación"], auth=con_permiso(Permiso.VERIFICACION))


class Conflicto(Schema):
    """An acta waiting for a verificador."""

    acta_id: int
    clave: str
    eleccion: str
    campos_que_difieren: int
    desde: datetime


class CampoComparado(Schema):
    """One figure as each capture read it."""

    clave: str
    etiqueta: str
    captura_1: int | str
    captura_2: int | str
    difiere: bool
    final: int | str | None = Field(description="La cifra verificada, cuando ya la hay.")


class Detalle(Schema):
    """Both captures of an acta, side by side, and the image they were keyed from."""

    acta_id: int
    clave: str
    eleccion: str
    demarcacion: str = Field(
        description="Municipio, distrito o entidad cuyas candidaturas imprime el acta."
    )
    estado: str
    imagen_sha256: str
    imagen_url: str
    imagenes: list[Toma] = Field(
        description="Todas las tomas del acta, en orden de llegada; `en_uso` marca la que usa."
    )
    difieren: list[str]
    campos: list[CampoComparado] = Field(
        description="Exactamente los campos que imprime el acta de su ámbito, en su orden."
    )


class Resolucion(Schema):
    """The verificador's decision on every differing field: a value and a reason."""

    valores: dict[str, Any] = Field(
        description='Por campo que difiere: entero ≥ 0, "ILEGIBLE" o "SIN_DATO".'
    )
    motivos: dict[str, str] = Field(description="Por campo que difiere: por qué ese valor.")


class Cotejo(Schema):
    """New figures read against the image of a verified acta, and why."""

    cifras: Cifras
    motivo: str


class Evaluacion(Schema):
    """The rule engine's verdict on the verified figures."""

    contabilizada: bool
    observaciones: list[str]
    total_votos_calculado: int | None
    con_inconsistencia: bool


class Verificada(Schema):
    """The acta left verified."""

    acta_id: int
    estado: str
    cifras: dict[str, Any]
    evaluacion: Evaluacion


def _verificada(resultado: veredicto.Verificada) -> dict:
    return {
        "acta_id": resultado.acta.pk,
        "estado": resultado.acta.estado,
        "cifras": resultado.acta.cifras,
        "evaluacion": resultado.evaluacion,
    }


@router.get("/conflictos", response={200: list[Conflicto], **ERRORES}, summary="Actas en conflicto")
def listar(request: HttpRequest):
    """Actas whose two captures differ, in the verificador's scope, oldest first (at most 500)."""
    exigir(request.actor, Permiso.VERIFICACION)
    return Status(200, lista_de_conflictos(request.actor))


@router.get(
    "/{int:acta_id}", response={200: Detalle, **ERRORES}, summary="Las dos capturas de un acta"
)
def ver(request: HttpRequest, acta_id: int = ACTA):
    """Both captures field by field, which fields differ, and the image's SHA-256 and URL."""
    acta = obtener_acta(acta_id)
    exigir(request.actor, Permiso.VERIFICACION, acta)
    return Status(200, detalle(acta))


@router.post(
    "/{int:acta_id}", response={200: Verificada, **ERRORES}, summary="Resolver un conflicto"
)
def resolver(request: HttpRequest, resolucion: Resolucion, acta_id: int = ACTA):
    """Decides each differing field (value + reason; a field the acta does not print is refused,
    422); a value neither capture had is stored as the verificador's capture 3. The acta
    becomes verificada; the answer carries the rules' verdict (contabilizada, observaciones)."""
    resultado = servicios.resolver(
        obtener_acta(acta_id), request.actor, resolucion.valores, resolucion.motivos
    )
    return Status(200, _verificada(resultado))


@router.post(
    "/{int:acta_id}/cotejo",
    response={200: Verificada, **ERRORES},
    summary="Cotejar un acta verificada contra su imagen",
)
def cotejar(request: HttpRequest, cotejo: Cotejo, acta_id: int = ACTA):
    """New figures for a verified or published acta, read against its image, and why (R15).
    The bitácora keeps the figures before and after."""
    resultado = servicios.cotejar(
        obtener_acta(acta_id), request.actor, cotejo.cifras.como_json(), cotejo.motivo
    )
    return Status(200, _verificada(resultado))
