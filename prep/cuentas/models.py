"""Centros (CATD, CCV), each user's role and centro, and device tokens."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prep.catalogo.models import Distrito


class Rol(models.TextChoices):
    """Roles of the Proceso Técnico Operativo."""

    ACOPIADOR = "acopiador", _("acopiador")
    DIGITALIZADOR = "digitalizador", _("digitalizador")
    CAPTURISTA = "capturista", _("capturista")
    VERIFICADOR = "verificador", _("verificador")
    COORDINADOR = "coordinador", _("coordinador de CATD/CCV")
    ADMINISTRADOR = "administrador", _("administrador")
    AUDITOR = "auditor", _("auditor de sólo lectura")


class Centro(models.Model):
    """A Centro de Acopio y Transmisión de Datos or a Centro de Captura y Verificación."""

    class Tipo(models.TextChoices):
        CATD = "CATD", _("Centro de Acopio y Transmisión de Datos")
        CCV = "CCV", _("Centro de Captura y Verificación")

    clave = models.CharField(_("clave"), max_length=20, unique=True)
    nombre = models.CharField(_("nombre"), max_length=200)
    tipo = models.CharField(_("tipo"), max_length=4, choices=Tipo.choices)
    distritos = models.ManyToManyField(
        Distrito,
        blank=True,
        related_name="centros",
        help_text=_("Distritos cuyas actas atiende; ninguno: todas las de la entidad."),
    )

    class Meta:
        verbose_name = _("centro")
        verbose_name_plural = _("centros")
        ordering = ["clave"]

    def __str__(self) -> str:
        return f"{self.clave} {self.nombre}"


class Perfil(models.Model):
    """A user's role and, for operators, the centro they work at."""

    usuario = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="perfil"
    )
    rol = models.CharField(_("rol"), max_length=14, choices=Rol.choices)
    centro = models.ForeignKey(
        Centro, on_delete=models.PROTECT, null=True, blank=True, related_name="perfiles"
    )

    class Meta:
        verbose_name = _("perfil")
        verbose_name_plural = _("perfiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rol__in=["administrador", "auditor"])
                | models.Q(centro__isnull=False),
                name="operador_con_centro",
            )
        ]

    def __str__(self) -> str:
        return f"{self.usuario} ({self.get_rol_display()})"


class Dispositivo(models.Model):
    """A phone (PREP Casilla) or a CATD scanner, with its own revocable API token.

    Only the token's SHA-256 is stored: the token itself is shown once, when issued.
    """

    class Tipo(models.TextChoices):
        TELEFONO = "TELEFONO", _("teléfono (PREP Casilla)")
        ESCANER = "ESCANER", _("escáner de CATD")

    nombre = models.CharField(_("nombre"), max_length=100, unique=True)
    tipo = models.CharField(_("tipo"), max_length=8, choices=Tipo.choices)
    centro = models.ForeignKey(Centro, on_delete=models.PROTECT, related_name="dispositivos")
    token_sha256 = models.CharField(max_length=64, unique=True)
    emitido = models.DateTimeField(_("emitido"), default=timezone.now)
    revocado = models.DateTimeField(_("revocado"), null=True, blank=True)
    revocado_por = models.CharField(_("revocado por"), max_length=150, blank=True)
    ultima_vez = models.DateTimeField(_("última solicitud"), null=True, blank=True)
    # Fixed one-minute window of the per-device rate limit (prep.cuentas.dispositivos).
    ventana = models.DateTimeField(null=True, blank=True)
    solicitudes = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("dispositivo")
        verbose_name_plural = _("dispositivos")

    def __str__(self) -> str:
        return self.nombre

    @staticmethod
    def huella(token: str) -> str:
        """The stored form of a token."""
        return hashlib.sha256(token.encode("utf-8")).hexdigest()

    @staticmethod
    def nuevo_token() -> str:
        """A fresh random token (256 bits)."""
        return secrets.token_urlsafe(32)


class Emparejamiento(models.Model):
    """A short-lived, single-use pairing code, shown as a QR code on the coordinator's page:
    the phone that presents it first becomes a device of the centro with its own token.

    Only the code's SHA-256 is stored, as for tokens.
    """

    codigo_sha256 = models.CharField(max_length=64, unique=True)
    nombre = models.CharField(_("nombre del dispositivo"), max_length=100)
    centro = models.ForeignKey(Centro, on_delete=models.PROTECT, related_name="emparejamientos")
    emitido_por = models.CharField(_("emitido por"), max_length=150)
    emitido = models.DateTimeField(_("emitido"), default=timezone.now)
    vence = models.DateTimeField(_("vence"))
    usado = models.DateTimeField(_("usado"), null=True, blank=True)
    dispositivo = models.OneToOneField(
        Dispositivo, on_delete=models.PROTECT, null=True, blank=True, related_name="emparejamiento"
    )

    class Meta:
        verbose_name = _("emparejamiento")
        verbose_name_plural = _("emparejamientos")

    def __str__(self) -> str:
        return f"{self.nombre} ({self.centro})"


class IntentoEmparejamiento(models.Model):
    """A pairing code presented that matched nothing, kept to throttle guessing by address."""

    direccion = models.GenericIPAddressField(null=True, db_index=True)
    momento = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("intento de emparejamiento fallido")
        verbose_name_plural = _("intentos de emparejamiento fallidos")

    def __str__(self) -> str:
        return f"{self.direccion} {self.momento:%Y-%m-%d %H:%M:%S}"


class IntentoAcceso(models.Model):
    """A failed login, kept to throttle guessing by user name and by address."""

    usuario = models.CharField(max_length=150, db_index=True)
    direccion = models.GenericIPAddressField(null=True, db_index=True)
    momento = models.DateTimeField(default=timezone.now, db_index=True)
    # True while its password is being checked (a failure until proven otherwise).
    pendiente = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("intento de acceso fallido")
        verbose_name_plural = _("intentos de acceso fallidos")

    def __str__(self) -> str:
        return f"{self.usuario} {self.direccion} {self.momento:%Y-%m-%d %H:%M:%S}"
