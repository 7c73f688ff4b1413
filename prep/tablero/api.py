"""API del tablero (/api/v1/tablero): the coordinator's figures as JSON, for monitoring."""

from django.http import HttpRequest
from ninja import Router, Schema

from prep.cuentas.permisos import Permiso
from prep.tablero.consultas import tablero
from prep.web.autenticacion import con_permiso
from prep.web.errores import ERRORES

router = Router(tags=["tablero"], auth=con_permiso(Permiso.TABLERO))


class Centro(Schema):
    """One centro's actas per state."""

    clave: str
    tipo: str
    total: int
    por_estado: dict[str, int]


class Tiempos(Schema):
    """Acopio → verificación, in seconds."""

    actas: int
    mediana_s: float | None
    p90_s: float | None
    negativos: int


class Resumen(Schema):
    """The tablero of the actor's scope."""

    alcance: str
    total: int
    por_estado: dict[str, int]
    por_centro: list[Centro]
    pendientes: dict[str, int]
    tiempos: Tiempos


@router.get("/", response={200: Resumen, **ERRORES}, summary="Tablero de operación")
def resumen(request: HttpRequest):
    """Actas per state and per centro, pending queues, and acopio → verificación times."""
    t = tablero(request.actor)
    return {
        "alcance": t.alcance,
        "total": t.total,
        "por_estado": t.por_estado,
        "por_centro": [
            {
                "clave": f.centro.clave,
                "tipo": f.centro.tipo,
                "total": f.total,
                "por_estado": f.por_estado,
            }
            for f in t.por_centro
        ],
        "pendientes": t.pendientes,
        "tiempos": {
            "actas": t.tiempos.actas,
            "mediana_s": t.tiempos.mediana.total_seconds() if t.tiempos.mediana else None,
            "p90_s": t.tiempos.p90.total_seconds() if t.tiempos.p90 else None,
            "negativos": t.tiempos.negativos,
        },
    }
