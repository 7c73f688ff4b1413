"""The coordinator's page: refreshed every minute, read-only."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from prep.actas.models import Acta
from prep.cuentas.permisos import Permiso
from prep.tablero.consultas import ORDEN_ESTADOS, tablero
from prep.web.paginas import requiere_permiso

COLAS = {
    "clasificacion": _("Imágenes por clasificar a mano"),
    "digitalizacion": _("Actas acopiadas por digitalizar"),
    "captura": _("Actas por capturar"),
    "verificacion": _("Actas capturadas dos veces por comparar"),
    "conflicto": _("Actas en conflicto"),
    "cotejo": _("Actas de PREP Casilla con cotejo pendiente"),
}


def duracion(valor) -> str:
    """A timedelta as H:MM:SS, or a dash."""
    if valor is None:
        return "—"
    segundos = round(valor.total_seconds())
    return f"{segundos // 3600}:{segundos % 3600 // 60:02d}:{segundos % 60:02d}"


@require_GET
@requiere_permiso(Permiso.TABLERO)
def inicio(request: HttpRequest) -> HttpResponse:
    """Actas per state and per centro, pending queues, acopio → verificación times."""
    t = tablero(request.actor)
    estados = [(e, Acta.Estado(e).label) for e in ORDEN_ESTADOS]
    contexto = {
        "t": t,
        "estados": estados,
        "filas_estado": [(etiqueta, t.por_estado[e]) for e, etiqueta in estados],
        "filas_centro": [
            (f.centro, [f.por_estado[e] for e, _e in estados], f.total) for f in t.por_centro
        ],
        "colas": [(COLAS[k], n) for k, n in t.pendientes.items()],
        "mediana": duracion(t.tiempos.mediana),
        "p90": duracion(t.tiempos.p90),
    }
    return render(request, "tablero/inicio.html", contexto)
