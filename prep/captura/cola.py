"""Read side of the capture work queue: which actas a capturista may be handed, and the capture
round an acta is in. The writes live in `servicios.py`."""

from datetime import datetime

from django.db.models import Exists, Max, OuterRef, QuerySet, Subquery

from prep.actas.models import Acta
from prep.captura.acceso import filtro_alcance
from prep.captura.models import Asignacion, Captura
from prep.cuentas.identidad import Actor

# States in which an acta waits for a capture: the first, or the second.
POR_CAPTURAR = (Acta.Estado.DIGITALIZADA, Acta.Estado.CAPTURADA_1)


def candidatas(actor: Actor, ahora: datetime) -> QuerySet[Acta]:
    """Actas the capturista may be handed, oldest first: waiting for a capture, in the centro's
    scope, not claimed by someone else until later than `ahora`, and never one whose pending
    first capture is the capturista's own (the second must be someone else's)."""
    ultimo_capturista = (
        Captura.objects.filter(acta=OuterRef("pk"))
        .order_by("-ronda", "-numero")
        .values("usuario_id")[:1]
    )
    reclamada = Asignacion.objects.filter(acta=OuterRef("pk"), expira__gt=ahora).exclude(
        usuario_id=actor.usuario_id
    )
    return (
        Acta.objects.filter(estado__in=POR_CAPTURAR)
        .filter(filtro_alcance(actor))
        .exclude(Exists(reclamada))
        .annotate(ultimo_capturista=Subquery(ultimo_capturista))
        .exclude(estado=Acta.Estado.CAPTURADA_1, ultimo_capturista=actor.usuario_id)
        .order_by("actualizada", "pk")
    )


def ronda_actual(acta: Acta) -> int:
    """The acta's capture round: a new one when it waits for its first capture (again)."""
    ultima = Captura.objects.filter(acta=acta).aggregate(m=Max("ronda"))["m"] or 0
    return ultima + 1 if acta.estado == Acta.Estado.DIGITALIZADA else max(ultima, 1)


def capturas_de(acta: Acta, ronda: int | None = None) -> dict[int, Captura]:
    """The captures of the acta's current round (or of `ronda`), by number."""
    ronda = ronda_actual(acta) if ronda is None else ronda
    return {c.numero: c for c in Captura.objects.filter(acta=acta, ronda=ronda)}
