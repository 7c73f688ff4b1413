"""The publication calendar in the database: the consejo fixes it before the election, the corte
generator reads it and closes it; every change goes to the bitácora."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext as _

from prep.bitacora.servicios import registrar
from prep.catalogo.elecciones import FEDERALES
from prep.catalogo.models import ProcesoElectoral
from prep.cuentas.identidad import SISTEMA, Actor
from prep.errores import Codigo, ErrorDeDominio
from prep.publicacion.calendario import Ventana, texto_hora, validar
from prep.publicacion.models import Calendario, Corte


def zona_de(proceso: ProcesoElectoral) -> ZoneInfo:
    """The proceso's legal local zone, where its calendar is read and its cortes are named."""
    return ZoneInfo(proceso.zona_horaria)


def es_federal(proceso: ProcesoElectoral) -> bool:
    """Whether the proceso has a federal election, whose start follows tiempo del centro."""
    return proceso.elecciones.filter(tipo__in=FEDERALES).exists()


def ventana_de(calendario: Calendario) -> Ventana:
    """The calendar's window, with its times in the proceso's local zone."""
    zona = zona_de(calendario.proceso)
    return Ventana(
        inicio=calendario.inicio.astimezone(zona),
        fin=calendario.fin.astimezone(zona),
        cortes_por_hora=calendario.cortes_por_hora,
        bases_por_hora=calendario.bases_por_hora,
        federal=es_federal(calendario.proceso),
    )


def proceso_vigente() -> ProcesoElectoral:
    """The only proceso electoral of this installation; ErrorDeDominio when there is none or
    there are several."""
    procesos = list(ProcesoElectoral.objects.order_by("pk")[:2])
    if not procesos:
        raise ErrorDeDominio(
            _("no hay proceso electoral: importe el catálogo con «prep catalogo importar DIR»"),
            Codigo.SIN_PROCESO,
        )
    if len(procesos) > 1:
        raise ErrorDeDominio(
            _("la base de datos tiene más de un proceso electoral; debe tener uno solo"),
            Codigo.VARIOS_PROCESOS,
        )
    return procesos[0]


def calendario_vigente(*, bloquear: bool = False) -> Calendario:
    """The calendar of the only proceso; ErrorDeDominio when none was fixed. `bloquear` locks its
    row until the transaction ends (SELECT … FOR UPDATE): the generator does so while it makes a
    corte, so the calendar cannot change or close under it."""
    consulta = Calendario.objects.select_related("proceso").order_by("pk")
    if bloquear:
        consulta = consulta.select_for_update(of=("self",))
    calendarios = list(consulta[:2])
    if not calendarios:
        raise ErrorDeDominio(
            _(
                "no hay calendario de publicación: fíjelo con «prep publicacion calendario"
                " --inicio … --fin …»"
            ),
            Codigo.SIN_CALENDARIO,
        )
    if len(calendarios) > 1:
        raise ErrorDeDominio(
            _("hay más de un calendario de publicación; debe haber uno solo"),
            Codigo.VARIOS_CALENDARIOS,
        )
    return calendarios[0]


def fijar_calendario(
    actor: Actor,
    proceso: ProcesoElectoral,
    inicio: datetime,
    fin: datetime,
    cortes_por_hora: int = 3,
    bases_por_hora: int = 3,
) -> Calendario:
    """Create or change the proceso's calendar, as the consejo approved it, with a bitácora entry.

    Refused (ErrorDeDominio 422, every problem listed) when the window breaks RE 339/353, and
    (409) once the first corte exists: the schedule is fixed before the election.
    """
    ventana = Ventana(inicio, fin, cortes_por_hora, bases_por_hora, es_federal(proceso))
    problemas = validar(ventana, zona_de(proceso))
    if problemas:
        raise ErrorDeDominio(
            "\n- ".join([_("el calendario de publicación no es válido:"), *problemas]),
            Codigo.CALENDARIO_INVALIDO,
        )
    with transaction.atomic():
        calendario = Calendario.objects.select_for_update().filter(proceso=proceso).first()
        # Checked under the calendar's lock, which the generator also takes for a corte.
        hechos = Corte.objects.count()
        if hechos:
            raise ErrorDeDominio(
                _(
                    "el calendario de publicación ya no se puede cambiar: la publicación empezó"
                    " (%(n)d cortes publicados); el consejo lo fija antes de la elección"
                )
                % {"n": hechos},
                Codigo.CALENDARIO_FIJO,
            )
        antes = _como_dict(calendario) if calendario else None
        if calendario is None:
            calendario = Calendario(proceso=proceso)
        calendario.inicio, calendario.fin = inicio, fin
        calendario.cortes_por_hora, calendario.bases_por_hora = cortes_por_hora, bases_por_hora
        calendario.save()
        registrar(
            actor.nombre,
            "publicacion.calendario",
            f"calendario:{proceso.pk}",
            antes,
            _como_dict(calendario),
        )
    return calendario


def cerrar(
    calendario: Calendario, momento: datetime, motivo: str, actor: Actor = SISTEMA
) -> Calendario:
    """Close publication at `momento` for `motivo` (see calendario.cierre), with a bitácora
    entry; no corte comes after it. ErrorDeDominio (409) when it was already closed."""
    with transaction.atomic():
        calendario = Calendario.objects.select_for_update().get(pk=calendario.pk)
        if calendario.cerrado is not None:
            raise ErrorDeDominio(
                _("la publicación ya se cerró el %(m)s (%(motivo)s)")
                % {
                    "m": texto_hora(calendario.cerrado.astimezone(zona_de(calendario.proceso))),
                    "motivo": calendario.motivo_cierre,
                },
                Codigo.PUBLICACION_CERRADA,
            )
        antes = _como_dict(calendario)
        calendario.cerrado, calendario.motivo_cierre = momento, motivo
        calendario.save(update_fields=["cerrado", "motivo_cierre"])
        registrar(
            actor.nombre,
            "publicacion.cerrar",
            f"calendario:{calendario.proceso_id}",
            antes,
            _como_dict(calendario),
        )
    return calendario


def _como_dict(calendario: Calendario) -> dict:
    zona = zona_de(calendario.proceso)
    cerrado = calendario.cerrado
    return {
        "inicio": calendario.inicio.astimezone(zona).isoformat(),
        "fin": calendario.fin.astimezone(zona).isoformat(),
        "cortes_por_hora": calendario.cortes_por_hora,
        "bases_por_hora": calendario.bases_por_hora,
        "cerrado": cerrado.astimezone(zona).isoformat() if cerrado else None,
        "motivo_cierre": calendario.motivo_cierre,
    }
