"""Verificación: the domain services that make an acta `verificada` (the only writers of that
state). Each call is one transaction with its bitácora entries, and is idempotent.

(`prep.actas.veredicto.verificar` records agreed figures and the rule engine's verdict: the
comparison of two equal captures, `resolver` and `cotejar` use it.)
- `resolver`: a verificador decides each field where the two captures differ, with a reason.
- `cotejar`: a verificador re-verifies a verified acta (published or not) against its image
  (R15).
"""

from django.db import transaction
from django.utils.translation import gettext as _

from prep.actas.models import Acta
from prep.actas.veredicto import Verificada, evaluacion_de, resumen, verificar
from prep.captura.acceso import exigir, obtener_acta
from prep.captura.cifras import (
    campos,
    con_valores,
    diferencias,
    leer_cifras,
    leer_valor,
    plano,
)
from prep.captura.cola import capturas_de
from prep.captura.models import Captura
from prep.catalogo.consultas import columnas_de_acta
from prep.cuentas.identidad import Actor
from prep.cuentas.permisos import Permiso
from prep.errores import Codigo, ErrorDeDominio, SinPermiso

MOTIVO_MAXIMO = 500


def _independiente(actor: Actor, capturas: dict[int, Captura]) -> None:
    """The verificador must not be one of the acta's capturistas."""
    if any(c.usuario_id == actor.usuario_id for n, c in capturas.items() if n in (1, 2)):
        raise SinPermiso(_("no puede verificar un acta que usted mismo capturó"))


def _motivo(texto: object) -> str:
    return str(texto or "").strip()


def resolver(
    acta: Acta, actor: Actor, valores: dict[str, object], motivos: dict[str, str]
) -> Verificada:
    """Settle an acta `en_conflicto`: for every field where captures 1 and 2 differ, the value
    read on the image (`valores`) and why (`motivos`). A value neither capture had is stored as
    capture 3 by the verificador, with the full resulting figures. The acta becomes verificada.

    Fields that do not differ need (and admit) no decision; a field the acta does not print
    (B2) is refused. A retried identical resolution changes nothing.
    """
    exigir(actor, Permiso.VERIFICACION)
    with transaction.atomic():
        acta = obtener_acta(acta.pk, bloquear=True)
        exigir(actor, Permiso.VERIFICACION, acta)
        capturas = capturas_de(acta)
        if 1 not in capturas or 2 not in capturas:
            raise ErrorDeDominio(
                _("el acta no tiene dos capturas que comparar"), Codigo.SIN_CONFLICTO
            )
        _independiente(actor, capturas)
        primera, segunda = capturas[1].cifras, capturas[2].cifras
        columnas = columnas_de_acta(acta.acta_esperada)
        orden = campos(columnas)
        difieren = diferencias(primera, segunda, orden)
        leidos = _decisiones(orden, difieren, valores, motivos)
        final = con_valores(primera, leidos)
        if acta.estado == Acta.Estado.VERIFICADA and acta.cifras == final:
            return Verificada(acta, resumen(evaluacion_de(acta, final, columnas)))
        if acta.estado != Acta.Estado.EN_CONFLICTO:
            raise ErrorDeDominio(
                _("el acta está «%(estado)s»; sólo se resuelve un acta en conflicto")
                % {"estado": acta.get_estado_display()},
                Codigo.ESTADO_INVALIDO,
            )
        a, b = plano(primera), plano(segunda)
        decisiones = {
            c: {
                "valor": leidos[c],
                "motivo": _motivo(motivos[c]),
                "captura_1": a[c],
                "captura_2": b[c],
            }
            for c in difieren
        }
        tercera = None
        if any(leidos[c] not in (a[c], b[c]) for c in difieren):
            tercera = Captura.objects.create(
                acta=acta,
                usuario_id=actor.usuario_id,
                ronda=capturas[1].ronda,
                numero=Captura.Numero.ARBITRAJE,
                cifras=final,
                imagen=acta.codigo_integridad,
            )
        return verificar(
            acta,
            actor,
            "verificacion.resolucion",
            final,
            estado=Acta.Estado.VERIFICADA,
            detalle={
                "decisiones": decisiones,
                "captura_3": tercera.pk if tercera else None,
                "imagen": acta.codigo_integridad,
            },
            columnas=columnas,
        )


def _decisiones(orden: list[str], difieren: list[str], valores: dict, motivos: dict) -> dict:
    """The decided value of each differing field, validated; ErrorDeDominio listing every
    problem (in Spanish) when a value or a reason is missing or wrong, or names a field the acta
    does not print (`orden`: its fields)."""
    errores = []
    ajenos = [c for c in (*valores, *(m for m in motivos if m not in valores)) if c not in orden]
    if ajenos:
        errores.append(
            _("campos que esta acta no tiene: %(campos)s") % {"campos": ", ".join(map(str, ajenos))}
        )
    sobran = [c for c in valores if c in orden and c not in difieren]
    if sobran:
        errores.append(
            _("estos campos no difieren entre las capturas y no se deciden: %(campos)s")
            % {"campos": ", ".join(map(str, sobran))}
        )
    leidos = {}
    for campo in difieren:
        if campo not in valores:
            errores.append(_("%(campo)s: falta el valor") % {"campo": campo})
        else:
            try:
                leidos[campo] = leer_valor(valores[campo])
            except ValueError as exc:
                errores.append(f"{campo}: {exc}")
        motivo = _motivo(motivos.get(campo))
        if not motivo:
            errores.append(_("%(campo)s: falta el motivo de la decisión") % {"campo": campo})
        elif len(motivo) > MOTIVO_MAXIMO:
            errores.append(
                _("%(campo)s: el motivo pasa de %(n)s caracteres")
                % {"campo": campo, "n": MOTIVO_MAXIMO}
            )
    if errores:
        raise ErrorDeDominio("; ".join(errores), Codigo.RESOLUCION_INVALIDA)
    return leidos


def cotejar(acta: Acta, actor: Actor, datos: object, motivo: str) -> Verificada:
    """Re-verify a verified acta, published or not, against its image (R15): new figures and why.
    The acta keeps its state; the bitácora keeps the figures before and after. Repeating the
    same figures changes nothing."""
    exigir(actor, Permiso.VERIFICACION)
    motivo = _motivo(motivo)
    if not motivo:
        raise ErrorDeDominio(_("falta el motivo del cotejo"), Codigo.COTEJO_INVALIDO)
    if len(motivo) > MOTIVO_MAXIMO:
        raise ErrorDeDominio(
            _("el motivo pasa de %(n)s caracteres") % {"n": MOTIVO_MAXIMO}, Codigo.COTEJO_INVALIDO
        )
    with transaction.atomic():
        acta = obtener_acta(acta.pk, bloquear=True)
        exigir(actor, Permiso.VERIFICACION, acta)
        columnas = columnas_de_acta(acta.acta_esperada)
        cifras = leer_cifras(datos, columnas)
        if acta.estado != Acta.Estado.VERIFICADA:
            raise ErrorDeDominio(
                _("el acta está «%(estado)s»; sólo se coteja un acta verificada")
                % {"estado": acta.get_estado_display()},
                Codigo.ESTADO_INVALIDO,
            )
        _independiente(actor, capturas_de(acta))
        if acta.cifras == cifras:
            return Verificada(acta, resumen(evaluacion_de(acta, cifras, columnas)))
        return verificar(
            acta,
            actor,
            "verificacion.cotejo",
            cifras,
            estado=None,
            detalle={"motivo": motivo, "imagen": acta.codigo_integridad},
            columnas=columnas,
        )
