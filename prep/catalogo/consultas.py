"""Queries of the catálogo that many phases ask: the actas esperadas a CLAVE_ACTA names (printed
on the acta, its QR label or typed) and an election's vote columns."""

from prep.catalogo.claves import normalizar_clave, partes_de_acta
from prep.catalogo.models import ActaEsperada, Eleccion


def columnas_de(eleccion: Eleccion) -> list[str]:
    """The vote columns of an election, in acta order."""
    return list(eleccion.columnas.order_by("orden").values_list("clave", flat=True))


def actas_con_clave(clave: str, eleccion: str = "") -> list[ActaEsperada]:
    """The actas esperadas with that CLAVE_ACTA (of that election type, if given). More than
    one means the key alone is ambiguous (same tipo de acta in two elections)."""
    try:
        partes = partes_de_acta(normalizar_clave(clave))
    except ValueError:
        return []
    consulta = ActaEsperada.objects.select_related("eleccion", "casilla__seccion").filter(
        casilla__seccion__entidad__clave=partes.entidad,
        casilla__seccion__numero=partes.seccion,
        casilla__tipo=partes.tipo_casilla,
        casilla__numero=partes.numero,
        casilla__ext_contigua=partes.ext_contigua,
        tipo_acta=partes.tipo_acta,
    )
    if eleccion:
        consulta = consulta.filter(eleccion__tipo=eleccion)
    return list(consulta.order_by("pk")[:5])
