"""Acta images: every file received, kept by its SHA-256 (the bytes live in the image store).

An acta may have several images (retakes, a CATD scan after a PREP Casilla photo); the one the
acta uses is the one whose digest is in `Acta.codigo_integridad` (rule in `servicios.py`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from prep import reloj
from prep.actas.models import Acta
from prep.cuentas.models import Centro, Dispositivo


class Imagen(models.Model):
    """One received file (JPEG, PNG or PDF), classified to an acta or waiting in the queue."""

    class Tipo(models.TextChoices):
        JPEG = "image/jpeg", "JPEG"
        PNG = "image/png", "PNG"
        PDF = "application/pdf", "PDF"

    class Estado(models.TextChoices):
        CLASIFICADA = "clasificada", _("clasificada")
        PENDIENTE = "pendiente_clasificacion", _("pendiente de clasificación")

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    tamano = models.PositiveIntegerField(_("tamaño (bytes)"))
    tipo = models.CharField(_("tipo"), max_length=15, choices=Tipo.choices)
    ancho = models.PositiveIntegerField(_("ancho (píxeles)"))
    alto = models.PositiveIntegerField(_("alto (píxeles)"))
    nombre = models.CharField(_("nombre del archivo"), max_length=255, blank=True)
    origen = models.CharField(_("origen"), max_length=7, choices=Acta.Origen.choices)
    digitalizacion = models.CharField(
        _("digitalización"), max_length=8, choices=Acta.Digitalizacion.choices
    )
    acta = models.ForeignKey(
        Acta, on_delete=models.PROTECT, null=True, blank=True, related_name="imagenes"
    )
    estado = models.CharField(_("estado"), max_length=23, choices=Estado.choices)
    motivo = models.CharField(
        _("motivo"),
        max_length=300,
        blank=True,
        help_text=_("Por qué la imagen espera clasificación manual."),
    )
    qr_leido = models.TextField(_("QR leído"), blank=True)
    centro = models.ForeignKey(
        Centro,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="imagenes",
        help_text=_("Centro de quien la subió: su cola de clasificación manual."),
    )
    subida_por = models.CharField(_("subida por"), max_length=150)
    dispositivo = models.ForeignKey(
        Dispositivo,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="imagenes",
        help_text=_("El teléfono o escáner que la envió (vacío: una persona desde su página)."),
    )
    clasificada_por = models.CharField(_("clasificada por"), max_length=150, blank=True)
    clave_tecleada = models.CharField(
        _("clave tecleada"),
        max_length=40,
        blank=True,
        help_text=_("La clave que se tecleó dos veces en el teléfono al no leerse el QR."),
    )
    tomada = models.DateTimeField(
        _("tomada"), null=True, blank=True, help_text=_("Cuándo tomó la foto el teléfono.")
    )
    momento = models.DateTimeField(_("recibida"), default=reloj.ahora)

    class Meta:
        verbose_name = _("imagen")
        verbose_name_plural = _("imágenes")
        ordering = ["momento", "pk"]
        indexes = [models.Index(fields=["estado", "centro", "momento"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(estado="clasificada", acta__isnull=False)
                | models.Q(estado="pendiente_clasificacion", acta__isnull=True),
                name="imagen_clasificada_con_acta",
            )
        ]

    def __str__(self) -> str:
        return self.sha256

    @property
    def usada(self) -> bool:
        """True when this is the image the acta uses (its código de integridad)."""
        return self.acta is not None and self.acta.codigo_integridad == self.sha256


class ArchivoVacio(models.Model):
    """A name a device created empty over WebDAV, before writing its content (the pattern of
    ready-made scanning apps): it lists and reads as an empty file until the content arrives."""

    subida_por = models.CharField(max_length=150)
    nombre = models.CharField(max_length=255)
    momento = models.DateTimeField(default=reloj.ahora)

    class Meta:
        verbose_name = _("archivo vacío de WebDAV")
        verbose_name_plural = _("archivos vacíos de WebDAV")
        constraints = [
            models.UniqueConstraint(fields=["subida_por", "nombre"], name="archivo_vacio_unico")
        ]

    def __str__(self) -> str:
        return f"{self.subida_por}/{self.nombre}"


class OtroNombre(models.Model):
    """Another name under which a device sent over WebDAV the bytes of an image already received
    (under a first name, or from another device). Images are kept once, by digest; the name
    still reads back as that image, or the client (a mapped drive checking what it copied)
    would find nothing where it just wrote."""

    subida_por = models.CharField(max_length=150)
    nombre = models.CharField(max_length=255)
    imagen = models.ForeignKey(Imagen, on_delete=models.PROTECT, related_name="otros_nombres")
    momento = models.DateTimeField(default=reloj.ahora)

    class Meta:
        verbose_name = _("otro nombre de una imagen en WebDAV")
        verbose_name_plural = _("otros nombres de imágenes en WebDAV")
        constraints = [
            models.UniqueConstraint(fields=["subida_por", "nombre"], name="otro_nombre_unico")
        ]

    def __str__(self) -> str:
        return f"{self.subida_por}/{self.nombre} → {self.imagen.sha256}"
