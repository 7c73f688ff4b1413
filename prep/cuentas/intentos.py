"""Login throttling: after MAXIMO_FALLOS failed logins within VENTANA, by user name or by
address, logins are refused for BLOQUEO after the last failure.

An attempt is counted as a failure *before* its password is checked (`abrir_intento`), and only
then is the lock looked up, not counting itself: of attempts sent at the same instant, each one
sees every attempt that looked before it, so no more than MAXIMO_FALLOS passwords are ever
checked in a window, however many run in parallel. This needs the attempt's row committed
before the lookup (autocommit, as a login runs: no ATOMIC_REQUESTS).

By address the rule counts only attempts whose password was found wrong: a CATD's operators
share one address (NAT) and start their shift together, and their logins in progress are not
failures. Attempts in progress from one address still count once more than
MAXIMO_SIMULTANEOS run at the same time, so a burst of guesses at many user names is bounded too.

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
MAXIMO_SIMULTANEOS = 10  # logins in progress from one address
EN_CURSO = timedelta(minutes=1)  # a password check takes well under a second; a crash leaves rows


def direccion_de(request: HttpRequest) -> str | None:
    """The client's address (REMOTE_ADDR).

    Behind a reverse proxy named in PREP_PROXIES, `prep.web.https.DetrasDeProxy` has already put
    the client's address there; an X-Forwarded-For from anyone else is never read, or anyone
    could dodge the limit.
    """
    return request.META.get("REMOTE_ADDR") or None


def _bloqueo(filtro: Q, ahora: datetime, excepto: int | None) -> datetime | None:
    ultimos = list(
        IntentoAcceso.objects.filter(filtro, momento__gt=ahora - VENTANA - BLOQUEO)
        .exclude(pk=excepto)
        .order_by("-momento")
        .values_list("momento", flat=True)[:MAXIMO_FALLOS]
    )
    if len(ultimos) < MAXIMO_FALLOS or ultimos[0] - ultimos[-1] > VENTANA:
        return None
    hasta = ultimos[0] + BLOQUEO
    return hasta if hasta > ahora else None


def bloqueado_hasta(
    usuario: str, direccion: str | None, excepto: int | None = None
) -> datetime | None:
    """Until when logins for this user name or from this address are refused, or None;
    `excepto` is an attempt not to count (the one asking)."""
    ahora = timezone.now()
    bloqueos = [_bloqueo(Q(usuario=usuario), ahora, excepto)]
    if direccion:
        bloqueos.append(_bloqueo(Q(direccion=direccion, pendiente=False), ahora, excepto))
        bloqueos.append(_simultaneos(direccion, ahora, excepto))
    return max((b for b in bloqueos if b), default=None)


def _simultaneos(direccion: str, ahora: datetime, excepto: int | None) -> datetime | None:
    """Until when an address with too many logins in progress is refused (they end within
    seconds), or None."""
    en_curso = (
        IntentoAcceso.objects.filter(
            direccion=direccion, pendiente=True, momento__gt=ahora - EN_CURSO
        )
        .exclude(pk=excepto)
        .count()
    )
    return ahora + EN_CURSO if en_curso >= MAXIMO_SIMULTANEOS else None


def abrir_intento(
    usuario: str, direccion: str | None
) -> tuple[IntentoAcceso | None, datetime | None]:
    """Start a login attempt before its password is checked: (the attempt, None) when it may
    go on, counted as a failure until `descartar_intento` or `olvidar_fallos`; (None, until
    when) when logins are locked, the attempt not counted."""
    intento = IntentoAcceso.objects.create(usuario=usuario, direccion=direccion, pendiente=True)
    hasta = bloqueado_hasta(usuario, direccion, excepto=intento.pk)
    if hasta is not None:
        intento.delete()
        return None, hasta
    return intento, None


def anotar_fallo(intento: IntentoAcceso) -> None:
    """The attempt's password was wrong: a failure for its address too."""
    IntentoAcceso.objects.filter(pk=intento.pk).update(pendiente=False)


def descartar_intento(intento: IntentoAcceso) -> None:
    """Stop counting an attempt whose password was right (an account refused for another
    reason)."""
    IntentoAcceso.objects.filter(pk=intento.pk).delete()


def olvidar_fallos(usuario: str) -> None:
    """Forget a user's failures once they logged in (an address's failures stay)."""
    IntentoAcceso.objects.filter(usuario=usuario).delete()
