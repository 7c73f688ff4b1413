"""The arrival of each paper acta (or of its paquete without it) at a CATD."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from prep.actas.models import Acta
from prep.cuentas.models import Centro


class Acopio(models.Model):
    """One acta's acopio: where, when, by whom and how it was identified.

    At most one per acta: a repeated acopio answers with this record. `con_acta` is False for a
    paquete that arrived without the Acta PREP (R6, the cause is on the acta).
    """

    class Metodo(models.TextChoices):
        QR = "QR", _("código QR")
        CLAVE = "CLAVE", _("clave tecleada dos veces")

    acta = models.OneToOneField(Acta, on_delete=models.PROTECT, related_name="acopio")
    centro = models.ForeignKey(Centro, on_delete=models.PROTECT, related_name="acopios")
    registrado_por = models.CharField(_("registrado por"), max_length=200)
    momento = models.DateTimeField(_("momento del acopio"))
    metodo = models.CharField(_("identificada por"), max_length=5, choices=Metodo.choices)
    con_acta = models.BooleanField(_("llegó el acta"), default=True)
    requiere_cotejo = models.BooleanField(
        _("requiere cotejo"),
        default=False,
        help_text=_("El acta ya tenía imagen de PREP Casilla cuando llegó el papel."),
    )

    class Meta:
        verbose_name = _("acopio")
        verbose_name_plural = _("acopios")
        indexes = [models.Index(fields=["centro", "momento"])]

    def __str__(self) -> str:
        return f"{self.acta} {self.momento:%Y-%m-%d %H:%M:%S}"
