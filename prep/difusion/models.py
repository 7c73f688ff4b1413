"""The registry of difusores oficiales: who republishes the cortes, where the public sees them,
how they receive packages, and whether they are still allowed to (the three-strike cut-off)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Difusor(models.Model):
    """An official mirror. Its credentials are never stored here: `credencial` names where they
    are (a key file's path or an environment variable)."""

    class Canal(models.TextChoices):
        SFTP = "SFTP", "SFTP"
        S3 = "S3", "S3"

    class Estado(models.TextChoices):
        ACTIVO = "activo", _("activo")
        SUSPENDIDO = "suspendido", _("suspendido")
        BAJA = "baja", _("dado de baja")

    nombre = models.CharField(_("nombre"), max_length=100, unique=True)
    url = models.URLField(_("dirección pública"), max_length=300)
    logo = models.CharField(_("logo"), max_length=300, blank=True)
    canal = models.CharField(_("canal"), max_length=4, choices=Canal.choices)
    credencial = models.CharField(
        _("referencia a la credencial"),
        max_length=300,
        help_text=_("ruta de un archivo de llave o nombre de una variable de entorno"),
    )
    estado = models.CharField(
        _("estado"), max_length=10, choices=Estado.choices, default=Estado.ACTIVO
    )
    orden = models.PositiveSmallIntegerField(_("orden"), default=0)

    class Meta:
        verbose_name = _("difusor oficial")
        verbose_name_plural = _("difusores oficiales")
        ordering = ["orden", "nombre"]

    def __str__(self) -> str:
        return self.nombre


def publicados() -> list[dict]:
    """The difusores the results site lists: active ones with their link, suspended ones with
    their link disabled; those dado de baja are gone."""
    return [
        {"nombre": d.nombre, "url": d.url, "logo": d.logo, "activo": d.estado == d.Estado.ACTIVO}
        for d in Difusor.objects.exclude(estado=Difusor.Estado.BAJA)
    ]
