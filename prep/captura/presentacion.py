"""What a capturista is shown of an assigned acta: its fields in acta order and its image.
Blind: never the other capture, nor whether there is one."""

from django.urls import reverse

from prep.actas.models import Acta
from prep.captura.cifras import campos, etiquetas
from prep.captura.models import Asignacion
from prep.catalogo.consultas import columnas_de


def imagen_url(sha256: str) -> str:
    """Where the acta image is served (digitalización), or "" while the acta has none."""
    return reverse("digitalizacion:imagen", args=[sha256]) if sha256 else ""


def para_capturar(acta: Acta) -> dict:
    """What the capture page and API show of an acta: its key, its fields, its image."""
    nombres = etiquetas(acta.eleccion)
    return {
        "acta_id": acta.pk,
        "clave": acta.acta_esperada.clave,
        "eleccion": acta.eleccion.nombre,
        "campos": [
            {"clave": c, "etiqueta": nombres[c]} for c in campos(columnas_de(acta.eleccion))
        ],
        "imagen_sha256": acta.codigo_integridad,
        "imagen_url": imagen_url(acta.codigo_integridad),
    }


def asignada(asignacion: Asignacion) -> dict:
    """The claim as the API answers it: the acta to capture and until when it is held."""
    acta = Acta.objects.select_related("eleccion", "acta_esperada__casilla__seccion__entidad").get(
        pk=asignacion.acta_id
    )
    return {**para_capturar(acta), "expira": asignacion.expira}
