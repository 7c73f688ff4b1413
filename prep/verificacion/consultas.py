"""Read side of verificación: the conflicts waiting in a verificador's scope, and one acta's two
captures side by side with every shot of its image."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from prep.actas.models import Acta
from prep.captura.acceso import CON_CASILLA, filtro_alcance
from prep.captura.cifras import campos, diferencias, etiquetas, plano
from prep.captura.cola import capturas_de
from prep.captura.presentacion import imagen_url, tomas_de
from prep.catalogo.boletas import Boletas
from prep.catalogo.consultas import (
    boletas_de,
    columnas_de_acta,
    demarcacion_de,
    ubicacion_de_boleta,
)
from prep.cuentas.identidad import Actor
from prep.errores import Codigo, ErrorDeDominio


def conflictos(actor: Actor) -> QuerySet[Acta]:
    """Actas en conflicto that the verificador's centro serves, oldest first."""
    return (
        Acta.objects.filter(estado=Acta.Estado.EN_CONFLICTO)
        .filter(filtro_alcance(actor))
        .select_related(*CON_CASILLA)
        .order_by("actualizada", "pk")
    )


def lista_de_conflictos(actor: Actor, limite: int = 500) -> list[dict]:
    """The first `limite` conflicts with how many of its printed fields differ in each."""
    # The boletas of each election once, not one query per acta.
    boletas: dict[int, Boletas] = {}
    filas = []
    for acta in conflictos(actor).prefetch_related("capturas")[:limite]:
        if acta.eleccion_id not in boletas:
            boletas[acta.eleccion_id] = boletas_de(acta.eleccion)
        esperada = acta.acta_esperada
        impresas = boletas[acta.eleccion_id].de(
            esperada.tipo_acta, *ubicacion_de_boleta(acta.eleccion, esperada.casilla)
        )
        todas = list(acta.capturas.all())
        ronda = max(c.ronda for c in todas)
        actuales = {c.numero: c.cifras for c in todas if c.ronda == ronda}
        difieren = diferencias(actuales[1], actuales[2], campos(impresas))
        filas.append(
            {
                "acta_id": acta.pk,
                "clave": acta.acta_esperada.clave,
                "eleccion": acta.eleccion.nombre,
                "campos_que_difieren": len(difieren),
                "desde": acta.actualizada,
            }
        )
    return filas


def detalle(acta: Acta) -> dict:
    """The acta's two captures field by field (the fields its boleta prints, in acta order;
    which differ), the image in use and every shot of it and, once verified, the final
    figures."""
    capturas = capturas_de(acta)
    if 1 not in capturas or 2 not in capturas:
        raise ErrorDeDominio(_("el acta no tiene dos capturas que comparar"), Codigo.SIN_CONFLICTO)
    orden = campos(columnas_de_acta(acta.acta_esperada))
    nombres = etiquetas(acta.acta_esperada)
    primera, segunda = capturas[1].cifras, capturas[2].cifras
    a, b = plano(primera), plano(segunda)
    final = plano(acta.cifras) if acta.cifras else {}
    difieren = diferencias(primera, segunda, orden)
    return {
        "acta_id": acta.pk,
        "clave": acta.acta_esperada.clave,
        "eleccion": acta.eleccion.nombre,
        "demarcacion": demarcacion_de(acta.eleccion, acta.acta_esperada.casilla),
        "estado": acta.estado,
        "imagen_sha256": acta.codigo_integridad,
        "imagen_url": imagen_url(acta.codigo_integridad),
        "imagenes": tomas_de(acta),
        "difieren": difieren,
        "campos": [
            {
                "clave": c,
                "etiqueta": nombres[c],
                "captura_1": a[c],
                "captura_2": b[c],
                "difiere": c in difieren,
                "final": final.get(c),
            }
            for c in orden
        ],
    }
