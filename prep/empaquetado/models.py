"""The packaging of paper actas for delivery to their consejo (the last phase of the PTO)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from prep.actas.models import Acta
from prep.cuentas.models import Centro


class Empaquetado(models.Model):
    """One acta put in a paquete for its consejo: which paquete, where, when and by whom."""

    acta = models.OneToOneField(Acta, on_delete=models.PROTECT, related_name="empaquetado")
    paquete = models.CharField(_("paquete"), max_length=40, db_index=True)
    centro = models.ForeignKey(Centro, on_delete=models.PROTECT, related_name="empaquetados")
    registrado_por = models.CharField(_("registrado por"), max_length=200)
    momento = models.DateTimeField(_("momento"))

    class Meta:
        verbose_name = _("acta empaquetada")
        verbose_name_plural = _("actas empaquetadas")
        indexes = [models.Index(fields=["centro", "momento"])]

    def __str__(self) -> str:
        return f"{self.paquete}: {self.acta}"
