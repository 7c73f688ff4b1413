"""Login throttling: after MAXIMO_FALLOS failed logins within VENTANA, by user name or by
address, logins are refused for BLOQUEO after the last failure.

Refused attempts are not counted as failures (no password was checked), so a lock ends on time
even while someone keeps trying; failures are forgotten for a user once they log in.
"""

from datetime import datetime, timedelta

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from prep.cuentas.models import IntentoAcceso

MAXIMO_FALLOS = 5
VENTANA = timedelta(minutes=15)
BLOQUEO = timedelta(minutes=15)


def direccion_de(request: HttpRequest) -> str | None:
    """The client's address as the server sees it (REMOTE_ADDR).

    Behind a reverse proxy, the proxy must set REMOTE_ADDR (e.g. uWSGI/gunicorn with
    forwarded-allow-ips): a client-supplied X-Forwarded-For would let anyone dodge the limit.
    """
    return request.META.get("REMOTE_ADDR") or None


def _bloqueo(filtro: Q, ahora: datetime) -> datetime | None:
    ultimos = list(
        IntentoAcceso.objects.filter(filtro, momento__gt=ahora - VENTANA - BLOQUEO)
        .order_by("-momento")
        .values_list("momento", flat=True)[:MAXIMO_FALLOS]
    )
    if len(ultimos) < MAXIMO_FALLOS or ultimos[0] - ultimos[-1] > VENTANA:
        return None
    hasta = ultimos[0] + BLOQUEO
    return hasta if hasta > ahora else None


def bloqueado_hasta(usuario: str, direccion: str | None) -> datetime | None:
    """Until when logins for this user name or from this address are refused, or None."""
    ahora = timezone.now()
    bloqueos = [_bloqueo(Q(usuario=usuario), ahora)]
    if direccion:
        bloqueos.append(_bloqueo(Q(direccion=direccion), ahora))
    return max((b for b in bloqueos if b), default=None)


def anotar_fallo(usuario: str, direccion: str | None) -> None:
    """Record a failed login."""
    IntentoAcceso.objects.create(usuario=usuario, direccion=direccion)


def olvidar_fallos(usuario: str) -> None:
    """Forget a user's failures once they logged in (an address's failures stay)."""
    IntentoAcceso.objects.filter(usuario=usuario).delete()
