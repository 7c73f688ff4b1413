"""What a capturista is shown of an assigned acta: the fields its boleta prints, in acta order,
and its images (every shot, the one in use marked). Blind: never the other capture, nor whether
there is one."""

from django.urls import reverse

from prep.actas.models import Acta
from prep.captura.acceso import CON_CASILLA
from prep.captura.cifras import campos, etiquetas
from prep.captura.models import Asignacion
from prep.catalogo.consultas import columnas_de_acta, demarcacion_de


def imagen_url(sha256: str) -> str:
    """Where the acta image is served (digitalización), or "" while the acta has none."""
    return reverse("digitalizacion:imagen", args=[sha256]) if sha256 else ""


def tomas_de(acta: Acta) -> list[dict]:
    """Every image classified to the acta (phone shots, retakes, CATD scans), in one query, in
    order of arrival, so a new shot is always the last one and «Toma 2» stays toma 2. Each
    says where it came from, who sent it (the device, else the person), when the phone took it
    (None for a scan) and when it arrived, and whether it is the one the acta uses."""
    # Through the acta's manager each image knows its acta: `usada` (the rule of which image is
    # in use) reads it without another query.
    imagenes = acta.imagenes.select_related("dispositivo").order_by("momento", "pk")
    return [
        {
            "sha256": imagen.sha256,
            "url": imagen_url(imagen.sha256),
            "origen": imagen.origen,
            "digitalizacion": imagen.digitalizacion,
            "enviada_por": imagen.dispositivo.nombre if imagen.dispositivo else imagen.subida_por,
            "tomada": imagen.tomada,
            "momento": imagen.momento,
            "en_uso": imagen.usada,
        }
        for imagen in imagenes
    ]


def para_capturar(acta: Acta) -> dict:
    """What the capture page and API show of an acta: its key, its fields (exactly those its
    boleta prints, in its order: a field of another ámbito's acta is neither shown nor
    accepted), the image in use and every shot of it."""
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
        "imagenes": tomas_de(acta),
    }


def asignada(asignacion: Asignacion) -> dict:
    """The claim as the API answers it: the acta to capture and until when it is held."""
    acta = Acta.objects.select_related(*CON_CASILLA).get(pk=asignacion.acta_id)
    return {**para_capturar(acta), "expira": asignacion.expira}
