"""Acopio: the paper acta reaches the CATD (or its paquete arrives without it, R6).

The acta is identified by the payload of its QR label, as a handheld scanner types it
(`PREP|<ELECCIÓN>|<CLAVE_ACTA>`), or by its CLAVE_ACTA typed twice. One call is one transaction
with its bitácora entries, and is idempotent: a repeated acopio answers with the record already
made and changes nothing.

FECHA_HORA_ACOPIO keeps the first time the acta reached the system: for a PREP Casilla acta that
is the reception of its image (docs/digitalizacion.md, «Clasificación por código QR»), so the
paper's later arrival does not move it (that would make acopio later than captura); the paper's
own time is in `Acopio.momento`, and the acta is marked for cotejo against the CATD's scan.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prep import reloj
from prep.acopio.models import Acopio
from prep.actas.models import Acta
from prep.actas.servicios import (
    acta_bloqueada,
    registrar_fuera_de_catalogo,
    registrar_sin_acta,
)
from prep.actas.transiciones import aplicar
from prep.catalogo.claves import interpretar_carga_qr, normalizar_clave, partes_de_acta
from prep.catalogo.consultas import actas_con_clave
from prep.catalogo.models import ActaEsperada, Eleccion
from prep.cuentas.acceso import exigir, exigir_alcance
from prep.cuentas.identidad import Actor
from prep.cuentas.permisos import Permiso
from prep.errores import Codigo, ErrorDeDominio
from prep.reglas.acta import CausaSinActa

E = Acta.Estado


def _invalido(mensaje: str, codigo: Codigo = Codigo.DATOS_INVALIDOS) -> ErrorDeDominio:
    return ErrorDeDominio(mensaje, codigo)


@dataclass(frozen=True)
class Identificacion:
    """Which acta a scanned or typed identification names."""

    clave: str
    eleccion: Eleccion
    esperada: ActaEsperada | None  # None: fuera de catálogo
    metodo: str


@dataclass(frozen=True)
class RegistroAcopio:
    """The outcome of an acopio: the record, whether this call made it, and what to tell the
    operator."""

    acopio: Acopio
    nuevo: bool
    mensaje: str


def identificar(
    qr: str = "", clave: str = "", confirmacion: str = "", eleccion: str = ""
) -> Identificacion:
    """The acta named by a QR payload, or by a key typed twice (optionally with the election
    type, needed only when the key alone is ambiguous). ErrorDeDominio (422) says what is wrong.
    """
    qr, clave, confirmacion = (qr or "").strip(), (clave or "").strip(), confirmacion or ""
    if qr and clave:
        raise _invalido(_("envíe el código QR o la clave tecleada, no los dos"))
    if qr:
        try:
            eleccion, clave = interpretar_carga_qr(qr)
        except ValueError:
            raise _invalido(
                _("lo leído no es el código QR de un acta PREP (PREP|ELECCIÓN|CLAVE_ACTA): «%(t)s»")
                % {"t": qr[:80]},
                Codigo.QR_INVALIDO,
            ) from None
        metodo = Acopio.Metodo.QR
    else:
        if not clave:
            raise _invalido(_("lea el código QR del acta o teclee su clave"), Codigo.FALTA_CLAVE)
        if not confirmacion.strip():
            raise _invalido(
                _("teclee la clave una segunda vez para confirmarla"), Codigo.FALTA_CLAVE
            )
        if normalizar_clave(clave) != normalizar_clave(confirmacion):
            raise _invalido(
                _("las dos claves tecleadas no coinciden; vuelva a teclearlas"),
                Codigo.CLAVES_DISTINTAS,
            )
        metodo = Acopio.Metodo.CLAVE
    clave, eleccion = normalizar_clave(clave), (eleccion or "").strip().upper()
    try:
        partes = partes_de_acta(clave)
    except ValueError:
        raise _invalido(
            _(
                "«%(c)s» no tiene la forma de una CLAVE_ACTA: entidad (2 dígitos), sección (4),"
                " tipo de casilla (letra), número (2), extraordinaria (2) y tipo de acta"
            )
            % {"c": clave[:40]},
            Codigo.CLAVE_INVALIDA,
        ) from None
    actas = actas_con_clave(clave, eleccion)
    if len({a.eleccion_id for a in actas}) == 1 and len(actas) > 1:
        # B4: the published key of the voto anticipado actas is shared by every ámbito.
        raise _invalido(
            _(
                "la clave %(c)s es la que comparten las actas de voto anticipado de varios"
                " municipios o distritos: teclee la clave propia del acta, que termina con su"
                " ámbito (por ejemplo %(ejemplo)s)"
            )
            % {"c": clave, "ejemplo": actas[0].clave},
            Codigo.ELECCION_AMBIGUA,
        )
    if len(actas) > 1:
        raise _invalido(
            _("la clave %(c)s corresponde a actas de varias elecciones: indique la elección")
            % {"c": clave},
            Codigo.ELECCION_AMBIGUA,
        )
    if actas:
        return Identificacion(clave, actas[0].eleccion, actas[0], metodo)
    return Identificacion(clave, _eleccion_de(eleccion, partes.tipo_acta, clave), None, metodo)


def _eleccion_de(tipo: str, tipo_acta: str, clave: str) -> Eleccion:
    """The election of a key outside the catálogo: the one named, else the only one whose
    tipo de acta the key ends with."""
    if tipo:
        candidatas = list(Eleccion.objects.filter(tipo=tipo)[:2])
        if not candidatas:
            raise _invalido(
                _("elección desconocida: «%(e)s»") % {"e": tipo}, Codigo.ELECCION_INVALIDA
            )
    else:
        candidatas = list(Eleccion.objects.filter(tipo_acta=tipo_acta)[:2])
    if len(candidatas) != 1:
        raise _invalido(
            _(
                "la clave %(c)s no está en el catálogo y no se sabe de qué elección es:"
                " indique la elección"
            )
            % {"c": clave},
            Codigo.ELECCION_AMBIGUA,
        )
    return candidatas[0]


def _hora(momento) -> str:
    return timezone.localtime(momento).strftime("%H:%M:%S")


def _ya_registrado(acopio: Acopio, clave: str) -> RegistroAcopio:
    if acopio.con_acta:
        mensaje = _(
            "El acta %(c)s ya estaba acopiada desde las %(h)s en %(centro)s; no se registró de"
            " nuevo."
        )
    else:
        mensaje = _(
            "El acta %(c)s ya estaba registrada como Sin Acta desde las %(h)s en %(centro)s;"
            " no se registró de nuevo."
        )
    datos = {"c": clave, "h": _hora(acopio.momento), "centro": acopio.centro.clave}
    return RegistroAcopio(acopio, False, mensaje % datos)


def _acta_de(actor: Actor, ident: Identificacion, momento) -> Acta:
    """The acta's record, locked until the transaction ends; checks the centro's scope."""
    if ident.esperada is None:
        acta = registrar_fuera_de_catalogo(
            ident.eleccion, ident.clave, momento=momento, actor=actor
        )
        return Acta.objects.select_for_update().get(pk=acta.pk)
    exigir_alcance(actor, ident.esperada.casilla, _("el acta %(c)s") % {"c": ident.clave})
    return acta_bloqueada(ident.esperada)


def registrar_acopio(actor: Actor, **identificacion: str) -> RegistroAcopio:
    """Record that the paper acta reached the actor's CATD (arguments: see `identificar`).

    esperada → acopiada with FECHA_HORA_ACOPIO; an acta already digitized from PREP Casilla
    keeps its state and is marked for cotejo; a key outside the catálogo is recorded as an
    acta fuera de catálogo (R7); a repeated acopio answers with the existing record.
    """
    exigir(actor, Permiso.ACOPIO)
    ident = identificar(**identificacion)
    ahora = reloj.ahora()
    with transaction.atomic():
        acta = _acta_de(actor, ident, ahora)
        acopio = Acopio.objects.select_related("centro").filter(acta=acta).first()
        if acopio is not None and acopio.con_acta:
            return _ya_registrado(acopio, ident.clave)
        detalle = {"centro": actor.centro.clave, "metodo": ident.metodo}
        requiere_cotejo = acta.origen == Acta.Origen.CASILLA and not acta.cotejada
        if acopio is None:
            acopio = Acopio(acta=acta, centro=actor.centro, momento=ahora)
        acopio.registrado_por, acopio.metodo, acopio.con_acta = actor.nombre, ident.metodo, True
        acopio.requiere_cotejo = requiere_cotejo
        acopio.save()
        fecha = acta.fecha_hora_acopio or ahora
        if acta.estado == E.ESPERADA:
            aplicar(
                acta,
                actor,
                "acopio.registrar",
                E.ACOPIADA,
                fecha_hora_acopio=fecha,
                detalle=detalle,
            )
            mensaje = _("Acta %(c)s (%(e)s) acopiada a las %(h)s.")
        else:
            detalle["requiere_cotejo"] = requiere_cotejo
            aplicar(acta, actor, "acopio.registrar", fecha_hora_acopio=fecha, detalle=detalle)
            mensaje = _mensaje_sin_cambio_de_estado(acta, requiere_cotejo)
    datos = {"c": ident.clave, "e": ident.eleccion.tipo, "h": _hora(ahora)}
    return RegistroAcopio(acopio, True, mensaje % datos)


def _mensaje_sin_cambio_de_estado(acta: Acta, requiere_cotejo: bool) -> str:
    if acta.estado == E.FUERA_DE_CATALOGO:
        return _(
            "La clave %(c)s no está en el catálogo de %(e)s: se registró como acta fuera de"
            " catálogo a las %(h)s."
        )
    if acta.estado == E.SIN_ACTA:
        return _(
            "Llegó el acta %(c)s, antes registrada como Sin Acta (%(h)s): ya puede digitalizarse."
        )
    if requiere_cotejo:
        return _(
            "Acta %(c)s acopiada a las %(h)s; ya tenía imagen de PREP Casilla: queda pendiente"
            " de cotejo con el escaneo del CATD."
        )
    return _("Acta %(c)s acopiada a las %(h)s; ya estaba digitalizada.")


def registrar_paquete_sin_acta(actor: Actor, causa: str, **identificacion: str) -> RegistroAcopio:
    """R6: the paquete of an acta esperada reached the CATD without the Acta PREP, for `causa`
    (one of `CausaSinActa`). Repeating it with the same cause changes nothing."""
    exigir(actor, Permiso.ACOPIO)
    try:
        causa = CausaSinActa(causa)
    except ValueError:
        validas = "; ".join(c.value for c in CausaSinActa)
        raise _invalido(
            _("causa de Sin Acta desconocida; válidas: %(v)s") % {"v": validas},
            Codigo.CAUSA_INVALIDA,
        ) from None
    ident = identificar(**identificacion)
    if ident.esperada is None:
        raise _invalido(
            _(
                "la clave %(c)s no está en el catálogo: Sin Acta sólo se registra para actas"
                " esperadas"
            )
            % {"c": ident.clave},
            Codigo.FUERA_DE_CATALOGO,
        )
    ahora = reloj.ahora()
    with transaction.atomic():
        acta = _acta_de(actor, ident, ahora)
        acopio = Acopio.objects.select_related("centro").filter(acta=acta).first()
        if acopio is not None and acopio.con_acta:
            raise ErrorDeDominio(
                _("el acta %(c)s ya llegó en papel (acopio de las %(h)s): no es Sin Acta")
                % {"c": ident.clave, "h": _hora(acopio.momento)},
                Codigo.YA_ACOPIADA,
            )
        if acopio is not None and acta.causa_sin_acta == causa:
            return _ya_registrado(acopio, ident.clave)
        acta = registrar_sin_acta(ident.esperada, causa, momento=ahora, actor=actor)
        if acopio is None:
            acopio = Acopio.objects.create(
                acta=acta,
                centro=actor.centro,
                momento=ahora,
                registrado_por=actor.nombre,
                metodo=ident.metodo,
                con_acta=False,
            )
        acopio.acta = acta
    mensaje = _("Sin Acta registrada para %(c)s: %(causa)s.") % {"c": ident.clave, "causa": causa}
    return RegistroAcopio(acopio, True, mensaje)
