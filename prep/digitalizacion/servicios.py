"""Digitalización: receiving acta images, classifying them by their QR code or by hand, and
choosing which image each acta uses.

Every entry point (API, WebDAV, watched folder, pages) goes through `recibir_imagen` and
`clasificar`; they are the only writers of `Imagen` and change actas only through `aplicar`.

Which image an acta uses (its `codigo_integridad`, the digest published with it):
1. the first image classified to it; the acta becomes `digitalizada` (from esperada, acopiada or
   sin_acta), with that image's origen and method;
2. a later image is kept as a retake and changes no state; it replaces the one in use only when
   it is a scanner image and the one in use is a phone photo (R-DIG3: a clearer CATD scan), or
   when the acta has no image in use. The bitácora keeps both digests (`antes`/`despues`);
3. a CATD image of an acta whose image came from the casilla marks it `cotejada` (R-DIG1).

Crash safety: the bytes are in the store (fsynced) before the row that names them is committed,
and the row is committed before anyone is told the upload was accepted.
"""

import logging
from datetime import datetime
from pathlib import PurePath
from typing import NamedTuple

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from prep.actas.models import Acta
from prep.actas.servicios import acta_bloqueada
from prep.actas.transiciones import aplicar
from prep.bitacora.servicios import registrar
from prep.catalogo.claves import normalizar_clave
from prep.catalogo.consultas import actas_con_clave
from prep.catalogo.models import ActaEsperada
from prep.cuentas.acceso import exigir, exigir_alcance
from prep.cuentas.alcance import en_alcance
from prep.cuentas.identidad import Actor
from prep.cuentas.models import Dispositivo
from prep.cuentas.permisos import Permiso
from prep.digitalizacion.almacen import CopiasInsuficientes, almacen, digesto
from prep.digitalizacion.lectura import comprobar_tamano, decodificar, interpretar, leer_qr
from prep.digitalizacion.models import Imagen
from prep.errores import Codigo, ErrorDeDominio

logger = logging.getLogger(__name__)


class AlmacenNoDisponible(ErrorDeDominio):
    """The image store could not keep the required copies: nothing was recorded, and the same
    upload may be sent again (a transient failure, not a refused file)."""


E = Acta.Estado
# CLAVE_ACTA: entidad(2) sección(4) tipo(1) número(2) ext_contigua(2) + tipo de acta.
# Digitalization without an image yet: the image makes the acta `digitalizada`.
_SIN_IMAGEN = frozenset({E.ESPERADA, E.ACOPIADA, E.SIN_ACTA})
# How a device digitizes, by its type: origen and method when the upload does not say.
_PROCEDENCIA = {
    Dispositivo.Tipo.TELEFONO: (Acta.Origen.CASILLA, Acta.Digitalizacion.MOVIL),
    Dispositivo.Tipo.ESCANER: (Acta.Origen.CATD, Acta.Digitalizacion.ESCANER),
}


class Recepcion(NamedTuple):
    """The record of an upload, and whether this call created it (False: the same bytes had
    been received before)."""

    imagen: Imagen
    creada: bool


def _procedencia(actor: Actor, origen: str | None, digitalizacion: str | None) -> tuple[str, str]:
    """Origen and method of an upload: as given, else by the device's type (people: CATD
    scanner)."""
    por_omision = (Acta.Origen.CATD, Acta.Digitalizacion.ESCANER)
    if actor.dispositivo_id is not None:
        tipo = Dispositivo.objects.values_list("tipo", flat=True).get(pk=actor.dispositivo_id)
        por_omision = _PROCEDENCIA[tipo]
    origen = origen or por_omision[0]
    digitalizacion = digitalizacion or por_omision[1]
    if origen not in Acta.Origen.values:
        raise ErrorDeDominio(
            _("origen no válido: «%(valor)s» (use CASILLA o CATD)") % {"valor": origen},
            Codigo.ORIGEN_INVALIDO,
        )
    if digitalizacion not in Acta.Digitalizacion.values:
        raise ErrorDeDominio(
            _("método de digitalización no válido: «%(valor)s» (use Móvil o Escáner)")
            % {"valor": digitalizacion},
            Codigo.DIGITALIZACION_INVALIDA,
        )
    return origen, digitalizacion


class ClaveTecleada(NamedTuple):
    """The acta's key typed twice on the phone when it could not read the QR code (and the
    election, when the key alone names actas of several)."""

    clave: str
    eleccion: str = ""


def clave_tecleada(clave: str, confirmacion: str, eleccion: str = "") -> ClaveTecleada | None:
    """The typed key of an upload, checked like a manual classification's: both copies must
    match. None when none was typed."""
    clave, confirmacion = normalizar_clave(clave or ""), normalizar_clave(confirmacion or "")
    if not clave and not confirmacion:
        return None
    if not clave or len(clave) > Imagen._meta.get_field("clave_tecleada").max_length:
        raise ErrorDeDominio(_("la clave tecleada no es válida"), Codigo.CLAVE_INVALIDA)
    if clave != confirmacion:
        raise ErrorDeDominio(
            _("las dos capturas de la clave no coinciden"), Codigo.CLAVES_DISTINTAS
        )
    return ClaveTecleada(clave, (eleccion or "").strip().upper())


def _destino(
    textos: list[str], actor: Actor, tecleada: ClaveTecleada | None = None
) -> tuple[ActaEsperada | None, str]:
    """The acta esperada the QR codes identify (or, when none can be read, the key typed on the
    phone) and the actor may serve, or why the image must wait for manual classification. The
    QR code printed on the acta prevails over a typed key."""
    lectura = interpretar(textos)
    clave, eleccion = lectura.clave, lectura.eleccion
    if lectura.problema:
        if tecleada is None:
            return None, lectura.problema
        clave, eleccion = tecleada
    actas = actas_con_clave(clave, eleccion)
    if not actas:
        if not eleccion:
            return None, _("la clave %(clave)s no está en el catálogo") % {"clave": clave}
        return None, _("la clave %(clave)s de %(eleccion)s no está en el catálogo") % {
            "clave": clave,
            "eleccion": eleccion,
        }
    if len(actas) > 1:
        return None, _("la clave %(clave)s corresponde a varias actas esperadas") % {"clave": clave}
    esperada = actas[0]
    if not en_alcance(actor.centro, esperada.casilla):
        # Not linked: a device may only feed its centro's actas. The image waits, visible, in
        # its centro's queue; a person decides what it is.
        return None, _("el acta %(clave)s no corresponde al centro %(centro)s") % {
            "clave": esperada.clave,
            "centro": actor.centro.clave,
        }
    return esperada, ""


def resumen(imagen: Imagen) -> dict:
    """The image's record as the bitácora and the API show it."""
    esperada = imagen.acta.acta_esperada if imagen.acta_id else None
    return {
        "sha256": imagen.sha256,
        "tamano": imagen.tamano,
        "tipo": imagen.tipo,
        "ancho": imagen.ancho,
        "alto": imagen.alto,
        "nombre": imagen.nombre,
        "origen": imagen.origen,
        "digitalizacion": imagen.digitalizacion,
        "estado": imagen.estado,
        "acta": esperada.clave if esperada else None,
        "eleccion": esperada.eleccion.tipo if esperada else None,
        "motivo": imagen.motivo,
        "qr_leido": imagen.qr_leido,
        "subida_por": imagen.subida_por,
        "dispositivo": imagen.subida_por if imagen.dispositivo_id else "",
        "clave_tecleada": imagen.clave_tecleada,
        "tomada": imagen.tomada.isoformat() if imagen.tomada else None,
        "clasificada_por": imagen.clasificada_por,
        "momento": imagen.momento.isoformat(),
    }


def _usar_imagen(acta: Acta, imagen: Imagen, actor: Actor) -> None:
    """Apply the rule of the image in use (module docstring) to a newly classified image."""
    propia = {
        "codigo_integridad": imagen.sha256,
        "origen": imagen.origen,
        "digitalizacion": imagen.digitalizacion,
    }
    if acta.estado in _SIN_IMAGEN:
        campos = {**propia, "fecha_hora_acopio": acta.fecha_hora_acopio or imagen.momento}
        if acta.estado == E.SIN_ACTA:
            # A copy of the acta turned up (R6): it is captured like any other.
            campos |= {
                "causa_sin_acta": "",
                "cifras": {},
                "fecha_hora_captura": None,
                "fecha_hora_verificacion": None,
            }
        aplicar(acta, actor, "digitalizacion.digitalizar", E.DIGITALIZADA, **campos)
        return
    campos = {}
    if imagen.origen == Acta.Origen.CATD and acta.origen == Acta.Origen.CASILLA:
        campos["cotejada"] = True
    if not acta.codigo_integridad or (
        imagen.digitalizacion == Acta.Digitalizacion.ESCANER
        and acta.digitalizacion == Acta.Digitalizacion.MOVIL
    ):
        campos |= propia
    campos = {k: v for k, v in campos.items() if getattr(acta, k) != v}
    if campos:
        aplicar(acta, actor, "digitalizacion.retoma", detalle={"imagen": imagen.sha256}, **campos)


def recibir_imagen(
    datos: bytes,
    nombre: str,
    actor: Actor,
    origen: str | None = None,
    digitalizacion: str | None = None,
    tomada: datetime | None = None,
    tecleada: ClaveTecleada | None = None,
) -> Recepcion:
    """Receive an uploaded file: check it, store it by its SHA-256 and classify it by its QR
    code, else by the key typed on the phone (or leave it pending for manual classification).
    Idempotent: the same bytes again answer with the existing record and write nothing.

    `origen`/`digitalizacion` default to the device's type (phone: CASILLA/Móvil; scanner and
    people: CATD/Escáner); `tomada` is when the phone took the photo. Raises ErrorDeDominio
    (ImagenRechazada) for a file not accepted.
    """
    exigir(actor, Permiso.DIGITALIZACION)
    origen, digitalizacion = _procedencia(actor, origen, digitalizacion)
    sha256 = digesto(datos)
    existente = Imagen.objects.filter(sha256=sha256).first()
    if existente is not None:
        return Recepcion(existente, False)
    decodificada = decodificar(
        datos, settings.PREP_IMAGEN_MAX_BYTES, settings.PREP_IMAGEN_MAX_PIXELES
    )
    textos = leer_qr(decodificada.imagen)
    esperada, motivo = _destino(textos, actor, tecleada)
    # Durable before the row that names it is committed: an accepted upload is never a row
    # without its bytes.
    try:
        almacen().guardar(datos)
    except CopiasInsuficientes as exc:
        # Which copies failed is for the operators' log, not for the device.
        logger.error("subida no aceptada: %s", exc)
        raise AlmacenNoDisponible(
            _(
                "el almacén de imágenes no pudo guardar la imagen en las copias requeridas"
                " (%(g)s de %(r)s); no se registró: envíela de nuevo en unos momentos"
            )
            % {"g": exc.guardadas, "r": exc.requeridas},
            Codigo.ALMACEN_NO_DISPONIBLE,
        ) from exc
    try:
        with transaction.atomic():
            acta = acta_bloqueada(esperada) if esperada else None
            imagen = Imagen.objects.create(
                sha256=sha256,
                tamano=len(datos),
                tipo=decodificada.tipo,
                ancho=decodificada.ancho,
                alto=decodificada.alto,
                nombre=PurePath(nombre or "").name[:255],
                origen=origen,
                digitalizacion=digitalizacion,
                acta=acta,
                estado=Imagen.Estado.CLASIFICADA if acta else Imagen.Estado.PENDIENTE,
                motivo=motivo[:300],
                qr_leido="\n".join(textos),
                centro=actor.centro,
                subida_por=actor.nombre,
                dispositivo_id=actor.dispositivo_id,
                clave_tecleada=tecleada.clave if tecleada else "",
                tomada=tomada,
                clasificada_por=actor.nombre if acta else "",
            )
            registrar(
                actor.nombre, "digitalizacion.recibir", f"imagen:{sha256}", None, resumen(imagen)
            )
            if acta:
                _usar_imagen(acta, imagen, actor)
    except IntegrityError:
        # The same bytes, received at the same moment by another request, won the insert.
        existente = Imagen.objects.filter(sha256=sha256).first()
        if existente is None:
            raise
        return Recepcion(existente, False)
    return Recepcion(imagen, True)


def recibir_archivo(
    archivo: UploadedFile,
    actor: Actor,
    origen: str | None = None,
    digitalizacion: str | None = None,
    tomada: datetime | None = None,
    tecleada: ClaveTecleada | None = None,
) -> Recepcion:
    """`recibir_imagen` of an uploaded file (API, page), its size checked before reading it."""
    comprobar_tamano(archivo.size, settings.PREP_IMAGEN_MAX_BYTES)
    return recibir_imagen(
        archivo.read(), archivo.name or "", actor, origen, digitalizacion, tomada, tecleada
    )


def _en_cola_del_actor(imagen: Imagen, actor: Actor) -> bool:
    return actor.centro is None or imagen.centro_id == actor.centro.pk


def pendientes(actor: Actor) -> QuerySet[Imagen]:
    """The manual classification queue of the actor's centro, oldest first."""
    exigir(actor, Permiso.CLASIFICACION)
    cola = Imagen.objects.filter(estado=Imagen.Estado.PENDIENTE)
    if actor.centro is not None:
        cola = cola.filter(centro=actor.centro)
    return cola.order_by("momento", "pk")


def clasificar(
    imagen: Imagen, clave: str, confirmacion: str, actor: Actor, eleccion: str = ""
) -> Imagen:
    """Classify a pending image by its CLAVE_ACTA, typed twice (both must match). `eleccion`
    (type, e.g. GOB) is needed only when the key alone matches actas of several elections.

    Idempotent: classifying it again to the same acta changes nothing.
    """
    exigir(actor, Permiso.CLASIFICACION)
    if not _en_cola_del_actor(imagen, actor):
        raise ErrorDeDominio(
            _("la imagen está en la cola de otro centro"), Codigo.IMAGEN_DE_OTRO_CENTRO
        )
    clave, confirmacion = normalizar_clave(clave), normalizar_clave(confirmacion)
    if not clave:
        raise ErrorDeDominio(_("escriba la clave del acta"), Codigo.CLAVE_FALTANTE)
    if clave != confirmacion:
        raise ErrorDeDominio(
            _("las dos capturas de la clave no coinciden"), Codigo.CLAVES_DISTINTAS
        )
    actas = actas_con_clave(clave, eleccion)
    if not actas:
        raise ErrorDeDominio(
            _("la clave %(clave)s no está en el catálogo") % {"clave": clave},
            Codigo.CLAVE_DESCONOCIDA,
        )
    if len(actas) > 1:
        raise ErrorDeDominio(
            _("la clave %(clave)s corresponde a actas de varias elecciones; indique la elección")
            % {"clave": clave},
            Codigo.ELECCION_REQUERIDA,
        )
    esperada = actas[0]
    exigir_alcance(actor, esperada.casilla, _("el acta %(c)s") % {"c": esperada.clave})
    with transaction.atomic():
        imagen = Imagen.objects.select_for_update().get(pk=imagen.pk)
        if imagen.estado == Imagen.Estado.CLASIFICADA:
            if imagen.acta.acta_esperada_id == esperada.pk:
                return imagen
            raise ErrorDeDominio(
                _("la imagen ya fue clasificada al acta %(clave)s")
                % {"clave": imagen.acta.acta_esperada.clave},
                Codigo.YA_CLASIFICADA,
            )
        acta = acta_bloqueada(esperada)
        antes = {"estado": imagen.estado, "acta": None, "motivo": imagen.motivo}
        imagen.acta, imagen.estado = acta, Imagen.Estado.CLASIFICADA
        imagen.motivo, imagen.clasificada_por = "", actor.nombre
        imagen.save(update_fields=["acta", "estado", "motivo", "clasificada_por"])
        registrar(
            actor.nombre,
            "digitalizacion.clasificar",
            f"imagen:{imagen.sha256}",
            antes,
            {"estado": imagen.estado, "acta": esperada.clave, "eleccion": esperada.eleccion.tipo},
        )
        _usar_imagen(acta, imagen, actor)
    return imagen


def puede_ver(actor: Actor, imagen: Imagen) -> bool:
    """Least privilege on images: the actor that uploaded it, or a role that works from images
    within its centro's scope (a pending image: the centro whose queue holds it)."""
    if imagen.subida_por == actor.nombre:
        return True
    if not actor.puede(Permiso.IMAGENES):
        return False
    if imagen.acta_id is None:
        return _en_cola_del_actor(imagen, actor)
    return en_alcance(actor.centro, imagen.acta.acta_esperada.casilla)


def imagen_visible(sha256: str, actor: Actor) -> Imagen:
    """The image with that digest if the actor may see it. SinPermiso for a role that sees no
    images; 404 for one outside the actor's scope, as for an unknown digest (indistinguishable).
    A device sees only what it uploaded."""
    if actor.dispositivo_id is None:
        exigir(actor, Permiso.IMAGENES)
    imagen = (
        Imagen.objects.select_related("acta__acta_esperada__casilla__seccion__entidad")
        .filter(sha256=sha256.lower())
        .first()
    )
    if imagen is None or not puede_ver(actor, imagen):
        raise ErrorDeDominio(
            _("no hay una imagen con ese SHA-256 a su alcance"), Codigo.IMAGEN_INEXISTENTE
        )
    return imagen
