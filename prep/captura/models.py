"""Captures of an acta's figures and the claims of the capture work queue.

Only `prep.captura.servicios` and `prep.verificacion.servicios` write these tables.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prep import reloj
from prep.actas.models import Acta


class Captura(models.Model):
    """The figures one person keyed from an acta's image.

    Captures 1 and 2 are the blind double capture by two different capturistas; 3 is a
    verificador's arbitration that chose a value neither capture had. `ronda` counts the
    capture rounds of the acta: a new image (the acta back in `digitalizada`) starts a new one.
    """

    class Numero(models.IntegerChoices):
        PRIMERA = 1, _("primera captura")
        SEGUNDA = 2, _("segunda captura")
        ARBITRAJE = 3, _("captura del verificador")

    acta = models.ForeignKey(Acta, on_delete=models.PROTECT, related_name="capturas")
    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="capturas"
    )
    ronda = models.PositiveSmallIntegerField(_("ronda"), default=1)
    numero = models.PositiveSmallIntegerField(_("número"), choices=Numero.choices)
    cifras = models.JSONField(
        _("cifras"), help_text=_("Mismo formato que las cifras del acta: votos y totales.")
    )
    imagen = models.CharField(
        _("imagen capturada (SHA-256)"), max_length=64, blank=True, default=""
    )
    momento = models.DateTimeField(_("momento"), default=reloj.ahora)

    class Meta:
        verbose_name = _("captura")
        verbose_name_plural = _("capturas")
        ordering = ["acta", "ronda", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["acta", "ronda", "numero"], name="captura_unica"),
            # The blind double capture needs two different people, also in the database.
            models.UniqueConstraint(
                fields=["acta", "ronda", "usuario"],
                condition=models.Q(numero__in=[1, 2]),
                name="captura_doble_por_personas_distintas",
            ),
            models.CheckConstraint(
                condition=models.Q(numero__in=[1, 2, 3]), name="captura_numero_valido"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.acta} · {self.get_numero_display()} ({self.ronda})"


class Asignacion(models.Model):
    """A capturista's claim on an acta of the queue, until `expira`.

    At most one per acta and one per person: whoever holds an unexpired claim is the only one
    who may capture that acta; an expired claim may be taken by anyone else.
    """

    acta = models.OneToOneField(Acta, on_delete=models.CASCADE, related_name="asignacion")
    usuario = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="asignacion_captura"
    )
    expira = models.DateTimeField(_("expira"))

    class Meta:
        verbose_name = _("asignación de captura")
        verbose_name_plural = _("asignaciones de captura")

    def __str__(self) -> str:
        return f"{self.acta} → {self.usuario} hasta {self.expira:%H:%M:%S}"

    @property
    def vigente(self) -> bool:
        """True until the claim expires (real time, like every claim: see prep/reloj.py)."""
        return self.expira > timezone.now()
