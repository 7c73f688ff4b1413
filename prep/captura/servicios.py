"""Captura: the domain services of the blind double capture, the only writers of captures, of
claims and of the `capturada_*` states. Each call is one transaction and is idempotent.

- `siguiente_acta`: the work queue hands a capturista the next acta and claims it for a while.
- `capturar`: record one capture; the first leaves the acta `capturada_1`; the second, by a
  different person, leaves it `capturada_2` and the comparison then makes it `verificada`
  (every field equal) or `en_conflicto`.
"""

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prep.actas.models import Acta
from prep.actas.transiciones import aplicar
from prep.actas.veredicto import verificar
from prep.captura.acceso import exigir, obtener_acta
from prep.captura.cifras import campos, diferencias, leer_cifras
from prep.captura.cola import POR_CAPTURAR, candidatas, capturas_de, ronda_actual
from prep.captura.models import Asignacion, Captura
from prep.catalogo.consultas import columnas_de_acta
from prep.cuentas.identidad import SISTEMA, Actor
from prep.cuentas.permisos import Permiso
from prep.errores import Codigo, ErrorDeDominio

# Claims lost to a concurrent capturista before giving up (each loss means the queue moved).
INTENTOS = 5


def plazo() -> timedelta:
    """How long a claim lasts (setting PREP_CAPTURA_PLAZO_SEGUNDOS)."""
    return timedelta(seconds=settings.PREP_CAPTURA_PLAZO_SEGUNDOS)


def siguiente_acta(actor: Actor) -> Asignacion | None:
    """Claim the next acta for the capturista, or None when none waits in their scope.

    Asking again while the claim lasts answers the same claim. On PostgreSQL the candidate row
    is locked with SKIP LOCKED, so concurrent capturistas take different actas without waiting;
    the unique claim per acta settles the rare race that remains (the loser tries the next).
    """
    exigir(actor, Permiso.CAPTURA)
    for _intento in range(INTENTOS):
        # Claims expire on real time (prep/reloj.py): a compressed night would expire them at once.
        ahora = timezone.now()
        try:
            with transaction.atomic():
                propia = Asignacion.objects.filter(usuario_id=actor.usuario_id).first()
                if (
                    propia is not None
                    and propia.expira > ahora
                    and candidatas(actor, ahora).filter(pk=propia.acta_id).exists()
                ):
                    return propia
                Asignacion.objects.filter(usuario_id=actor.usuario_id).delete()
                acta = (
                    candidatas(actor, ahora)
                    .select_for_update(skip_locked=True, of=("self",))
                    .first()
                )
                if acta is None:
                    return None
                Asignacion.objects.filter(acta=acta, expira__lte=ahora).delete()
                return Asignacion.objects.create(
                    acta=acta, usuario_id=actor.usuario_id, expira=ahora + plazo()
                )
        except IntegrityError:
            continue
    raise ErrorDeDominio(
        _("la cola de captura está muy concurrida; intente de nuevo"), Codigo.COLA_OCUPADA
    )


def capturar(acta: Acta, actor: Actor, datos: object) -> Captura:
    """Record the capturista's figures of the acta (the shape of `Acta.cifras`): exactly the
    fields its boleta prints (`columnas_de_acta`); one it does not print is refused (B2).

    The acta must be claimed by this capturista (a claim that expired still counts while no one
    else has taken the acta). A person's second capture of the same acta never counts: an
    identical retry answers the existing capture, different figures are refused.
    """
    exigir(actor, Permiso.CAPTURA)
    with transaction.atomic():
        acta = obtener_acta(acta.pk, bloquear=True)
        exigir(actor, Permiso.CAPTURA, acta)
        columnas = columnas_de_acta(acta.acta_esperada)
        cifras = leer_cifras(datos, columnas)
        ronda = ronda_actual(acta)
        capturas = capturas_de(acta, ronda)
        propia = next(
            (c for n, c in capturas.items() if n in (1, 2) and c.usuario_id == actor.usuario_id),
            None,
        )
        if propia is not None:
            if propia.cifras == cifras:
                return propia
            raise ErrorDeDominio(
                _(
                    "usted ya capturó esta acta; la otra captura debe hacerla otra persona y la"
                    " suya no puede cambiarse"
                ),
                Codigo.CAPTURA_REPETIDA,
            )
        if acta.estado not in POR_CAPTURAR:
            raise ErrorDeDominio(
                _("el acta está «%(estado)s» y no espera captura")
                % {"estado": acta.get_estado_display()},
                Codigo.ESTADO_INVALIDO,
            )
        _exigir_asignacion(acta, actor)
        numero = Captura.Numero.PRIMERA if 1 not in capturas else Captura.Numero.SEGUNDA
        captura = Captura.objects.create(
            acta=acta,
            usuario_id=actor.usuario_id,
            ronda=ronda,
            numero=numero,
            cifras=cifras,
            imagen=acta.codigo_integridad,
        )
        Asignacion.objects.filter(acta=acta).delete()
        detalle = {"captura": captura.pk, "ronda": captura.ronda, "cifras": cifras}
        if numero == Captura.Numero.PRIMERA:
            aplicar(
                acta,
                actor,
                "captura.primera",
                Acta.Estado.CAPTURADA_1,
                fecha_hora_captura=captura.momento,
                detalle=detalle,
            )
        else:
            aplicar(acta, actor, "captura.segunda", Acta.Estado.CAPTURADA_2, detalle=detalle)
            _comparar(acta, capturas[1], captura, columnas)
    return captura


def _exigir_asignacion(acta: Acta, actor: Actor) -> None:
    """Captures come only from the queue: a capturista cannot pick the acta they key, which
    keeps two people from arranging to capture the same one."""
    asignacion = Asignacion.objects.filter(acta=acta).first()
    if asignacion is None or asignacion.usuario_id != actor.usuario_id:
        raise ErrorDeDominio(
            _("esta acta no le está asignada; pida la siguiente acta de la cola"),
            Codigo.SIN_ASIGNACION,
        )


def _comparar(acta: Acta, primera: Captura, segunda: Captura, columnas: Sequence[str]) -> None:
    """Compare the two captures field by field: equal → verificada, else en_conflicto. The
    system decides, so the system signs the bitácora entry."""
    difieren = diferencias(primera.cifras, segunda.cifras, campos(columnas))
    comparacion = {"capturas": [primera.pk, segunda.pk]}
    if difieren:
        aplicar(
            acta,
            SISTEMA,
            "captura.comparacion",
            Acta.Estado.EN_CONFLICTO,
            detalle={**comparacion, "difieren": difieren},
        )
    else:
        verificar(
            acta,
            SISTEMA,
            "captura.comparacion",
            segunda.cifras,
            estado=Acta.Estado.VERIFICADA,
            detalle=comparacion,
            columnas=columnas,
        )
