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
    destino = models.CharField(
        _("destino"),
        max_length=300,
        help_text=_("sftp://usuario@servidor:puerto/bandeja o s3://bucket/prefijo?endpoint=…"),
    )
    llave_servidor = models.TextField(
        _("llave del servidor SFTP"),
        blank=True,
        help_text=_("la llave pública del servidor (línea de known_hosts sin el nombre), fijada"),
    )
    # Monitoring (docs/difusion.md, D6–D8): consecutive failed periods, and the notice the site
    # shows once the difusor was cut off.
    fallos = models.PositiveSmallIntegerField(_("periodos fallidos seguidos"), default=0)
    aviso = models.CharField(_("aviso publicado"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("difusor oficial")
        verbose_name_plural = _("difusores oficiales")
        ordering = ["orden", "nombre"]

    def __str__(self) -> str:
        return self.nombre


class Envio(models.Model):
    """One attempt to push a corte to a difusor (docs/difusion.md, D6: the package was
    delivered)."""

    difusor = models.ForeignKey(Difusor, on_delete=models.PROTECT, related_name="envios")
    corte = models.PositiveIntegerField(_("corte"))
    carpeta = models.CharField(_("carpeta del corte"), max_length=40)
    intento = models.PositiveSmallIntegerField(_("intento"))
    inicio = models.DateTimeField(_("inicio"))
    fin = models.DateTimeField(_("fin"))
    entregado = models.BooleanField(_("entregado"))
    detalle = models.TextField(_("detalle"))
    bytes = models.BigIntegerField(_("bytes enviados"), default=0)
    archivos = models.PositiveIntegerField(_("archivos enviados"), default=0)

    class Meta:
        verbose_name = _("envío a un difusor")
        verbose_name_plural = _("envíos a difusores")
        ordering = ["inicio"]
        indexes = [models.Index(fields=["difusor", "corte"])]

    def __str__(self) -> str:
        return f"corte {self.corte} a {self.difusor_id}, intento {self.intento}"


class Periodo(models.Model):
    """One monitoring period of a difusor: whether its public site served the newest corte."""

    difusor = models.ForeignKey(Difusor, on_delete=models.PROTECT, related_name="periodos")
    momento = models.DateTimeField(_("momento"))
    corte = models.PositiveIntegerField(_("corte esperado"))
    servido = models.PositiveIntegerField(_("corte servido"), null=True)
    correcto = models.BooleanField(_("correcto"))
    motivo = models.CharField(_("motivo"), max_length=300)
    fallos = models.PositiveSmallIntegerField(_("periodos fallidos seguidos"))

    class Meta:
        verbose_name = _("periodo de vigilancia")
        verbose_name_plural = _("periodos de vigilancia")
        ordering = ["momento"]

    def __str__(self) -> str:
        return f"periodo de {self.difusor_id} (corte {self.corte}): {self.motivo}"


def publicados() -> list[dict]:
    """The difusores the results site lists: active ones with their link, suspended ones with
    their link disabled and, when monitoring cut them off, the notice; those dado de baja are
    gone."""
    return [
        {
            "nombre": d.nombre,
            "url": d.url,
            "logo": d.logo,
            "activo": d.estado == d.Estado.ACTIVO,
            **({"aviso": d.aviso} if d.aviso else {}),
        }
        for d in Difusor.objects.exclude(estado=Difusor.Estado.BAJA)
    ]
