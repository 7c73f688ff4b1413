"""Finding actas esperadas by the CLAVE_ACTA printed on the acta, its QR label or typed."""

import re

from prep.catalogo.models import ActaEsperada

# entidad(2) sección(4) tipo(1) número(2) ext_contigua(2) tipo de acta.
_CLAVE_ACTA = re.compile(r"(\d{2})(\d{4})([A-Z])(\d{2})(\d{2})([0-9A-Z]{1,8})")


def normalizar_clave(texto: str) -> str:
    """A CLAVE_ACTA as typed or printed: no spaces, no spreadsheet quotes, upper case."""
    return re.sub(r"[\s'\"-]", "", texto or "").upper()


def actas_con_clave(clave: str, eleccion: str = "") -> list[ActaEsperada]:
    """The actas esperadas with that CLAVE_ACTA (of that election type, if given). More than
    one means the key alone is ambiguous (same tipo de acta in two elections)."""
    partes = _CLAVE_ACTA.fullmatch(normalizar_clave(clave))
    if partes is None:
        return []
    entidad, seccion, tipo, numero, ext_contigua, tipo_acta = partes.groups()
    consulta = ActaEsperada.objects.select_related("eleccion", "casilla__seccion").filter(
        casilla__seccion__entidad__clave=int(entidad),
        casilla__seccion__numero=int(seccion),
        casilla__tipo=tipo,
        casilla__numero=int(numero),
        casilla__ext_contigua=int(ext_contigua),
        tipo_acta=tipo_acta,
    )
    if eleccion:
        consulta = consulta.filter(eleccion__tipo=eleccion)
    return list(consulta.order_by("pk")[:5])
