"""What a capturista is shown of an assigned acta: the fields its boleta prints, in acta order,
and its image. Blind: never the other capture, nor whether there is one."""

from django.urls import reverse

from prep.actas.models import Acta
from prep.captura.acceso import CON_CASILLA
from prep.captura.cifras import campos, etiquetas
from prep.captura.models import Asignacion
from prep.catalogo.consultas import columnas_de_acta, demarcacion_de


def imagen_url(sha256: str) -> str:
    """Where the acta image is served (digitalización), or "" while the acta has none."""
    return reverse("digitalizacion:imagen", args=[sha256]) if sha256 else ""


def para_capturar(acta: Acta) -> dict:
    """What the capture page and API show of an acta: its key, its fields (exactly those its
    boleta prints, in its order: a field of another ámbito's acta is neither shown nor
    accepted), its image."""
    esperada = acta.acta_esperada
    nombres = etiquetas(esperada)
    impresos = campos(columnas_de_acta(esperada))
    return {
        "acta_id": acta.pk,
        "clave": esperada.clave,
        "eleccion": acta.eleccion.nombre,
        "demarcacion": demarcacion_de(acta.eleccion, esperada.casilla),
        "campos": [{"clave": c, "etiqueta": nombres[c]} for c in impresos],
        "imagen_sha256": acta.codigo_integridad,
        "imagen_url": imagen_url(acta.codigo_integridad),
    }


def asignada(asignacion: Asignacion) -> dict:
    """The claim as the API answers it: the acta to capture and until when it is held."""
    acta = Acta.objects.select_related(*CON_CASILLA).get(pk=asignacion.acta_id)
    return {**para_capturar(acta), "expira": asignacion.expira}
