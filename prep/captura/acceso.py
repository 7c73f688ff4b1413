"""Who may capture or verify which acta: the role's permission and the centro's scope (rules of
`prep.cuentas.acceso`), checked by the domain services themselves."""

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from prep.actas.models import Acta
from prep.cuentas import alcance
from prep.cuentas.acceso import exigir as exigir_permiso
from prep.cuentas.acceso import exigir_alcance
from prep.cuentas.identidad import Actor
from prep.cuentas.permisos import Permiso
from prep.errores import Codigo, ErrorDeDominio, SinPermiso

_CASILLA = "acta_esperada__casilla"
# What an acta's key and its boleta (`columnas_de_acta`) read of its casilla, in one query.
CON_CASILLA = (
    "eleccion",
    "acta_esperada__casilla__seccion__entidad",
    "acta_esperada__casilla__entidad",
    "acta_esperada__casilla__municipio",
    "acta_esperada__casilla__distrito_local",
    "acta_esperada__casilla__distrito_federal",
)


def exigir(actor: Actor | None, permiso: Permiso, acta: Acta | None = None) -> Actor:
    """The actor, when it is a person whose role grants `permiso` and whose centro serves the
    acta; SinPermiso (in Spanish) otherwise. Devices never capture nor verify."""
    if actor is None:
        raise SinPermiso()
    exigir_permiso(actor, permiso)
    if actor.usuario_id is None:
        raise SinPermiso(_("sólo una persona puede capturar o verificar actas"))
    if acta is not None:
        if acta.acta_esperada_id is None:
            raise ErrorDeDominio(
                _("un acta fuera de catálogo no se captura ni se verifica"),
                Codigo.ACTA_FUERA_DE_CATALOGO,
            )
        esperada = acta.acta_esperada
        exigir_alcance(actor, esperada.casilla, _("el acta %(clave)s") % {"clave": esperada.clave})
    return actor


def filtro_alcance(actor: Actor) -> Q:
    """The actas in the actor's centro's scope, as a filter on actas."""
    return alcance.filtro_alcance(actor.centro, _CASILLA)


def obtener_acta(pk: int, *, bloquear: bool = False) -> Acta:
    """The acta (ErrorDeDominio 404 if there is none); with `bloquear`, locked until the
    transaction ends (PostgreSQL; SQLite has a single writer anyway)."""
    consulta = Acta.objects.select_related(*CON_CASILLA)
    if bloquear:
        consulta = consulta.select_for_update(of=("self",))
    try:
        return consulta.get(pk=pk)
    except Acta.DoesNotExist:
        raise ErrorDeDominio(_("no existe el acta %(pk)s") % {"pk": pk}, Codigo.NO_EXISTE) from None


def acta_de_pagina(actor: Actor, pk: int, permiso: Permiso) -> Acta:
    """The acta a page works on: Http404 if there is none; SinPermiso if the actor may not."""
    try:
        acta = obtener_acta(pk)
    except ErrorDeDominio:
        raise Http404(_("no existe el acta %(pk)s") % {"pk": pk}) from None
    exigir(actor, permiso, acta)
    return acta
