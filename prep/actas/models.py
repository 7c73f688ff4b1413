"""The acta record. Only `prep.actas.transiciones` writes its state (creation and every change,
each with its bitácora entry); the phases' services call it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from prep.catalogo.models import ActaEsperada, Eleccion
from prep.reglas.acta import CausaSinActa


class Acta(models.Model):
    """What the system has recorded of one acta: an acta esperada, or one fuera de catálogo."""

    class Estado(models.TextChoices):
        ESPERADA = "esperada", _("esperada")
        ACOPIADA = "acopiada", _("acopiada")
        DIGITALIZADA = "digitalizada", _("digitalizada")
        CAPTURADA_1 = "capturada_1", _("capturada una vez")
        CAPTURADA_2 = "capturada_2", _("capturada dos veces")
        EN_CONFLICTO = "en_conflicto", _("en conflicto")
        # Also once a corte has published it: publication is the corte's fact, not a state.
        VERIFICADA = "verificada", _("verificada")
        SIN_ACTA = "sin_acta", _("sin acta")
        FUERA_DE_CATALOGO = "fuera_de_catalogo", _("fuera de catálogo")

    class Origen(models.TextChoices):
        CASILLA = "CASILLA", _("PREP Casilla")
        CATD = "CATD", _("CATD")

    class Digitalizacion(models.TextChoices):
        MOVIL = "Móvil", _("móvil")
        ESCANER = "Escáner", _("escáner")

    eleccion = models.ForeignKey(Eleccion, on_delete=models.PROTECT, related_name="actas")
    acta_esperada = models.OneToOneField(
        ActaEsperada, on_delete=models.PROTECT, null=True, blank=True, related_name="acta"
    )
    estado = models.CharField(
        _("estado"), max_length=24, choices=Estado.choices, default=Estado.ESPERADA
    )
    identificacion = models.CharField(
        _("identificación leída"),
        max_length=100,
        blank=True,
        default="",
        help_text=_("Lo que se leyó del acta cuando no corresponde a ninguna acta esperada."),
    )
    cifras = models.JSONField(_("cifras"), default=dict, blank=True)
    causa_sin_acta = models.CharField(
        _("causa de Sin Acta"),
        max_length=60,
        blank=True,
        default="",
        choices=[("", "")] + [(c.value, c.value) for c in CausaSinActa],
    )
    fecha_hora_acopio = models.DateTimeField(_("fecha y hora de acopio"), null=True, blank=True)
    fecha_hora_captura = models.DateTimeField(_("fecha y hora de captura"), null=True, blank=True)
    fecha_hora_verificacion = models.DateTimeField(
        _("fecha y hora de verificación"), null=True, blank=True
    )
    origen = models.CharField(_("origen"), max_length=7, choices=Origen.choices, blank=True)
    digitalizacion = models.CharField(
        _("digitalización"), max_length=8, choices=Digitalizacion.choices, blank=True
    )
    tipo_documento = models.CharField(_("tipo de documento"), max_length=30, default="Acta PREP")
    codigo_integridad = models.CharField(
        _("código de integridad (SHA-256)"), max_length=64, blank=True
    )
    cotejada = models.BooleanField(_("cotejada"), default=False)
    actualizada = models.DateTimeField(_("actualizada"), auto_now=True)

    class Meta:
        verbose_name = _("acta")
        verbose_name_plural = _("actas")
        # The second index serves the capture queue: actas in a state, oldest change first.
        indexes = [
            models.Index(fields=["eleccion", "estado"]),
            models.Index(fields=["estado", "actualizada"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(acta_esperada__isnull=False)
                | models.Q(estado="fuera_de_catalogo"),
                name="solo_fuera_de_catalogo_sin_acta_esperada",
            ),
            # One record per key read, even when two centros register it at the same instant.
            models.UniqueConstraint(
                fields=["eleccion", "identificacion"],
                condition=models.Q(acta_esperada__isnull=True),
                name="fuera_de_catalogo_unica",
            ),
        ]

    def __str__(self) -> str:
        return self.identificacion or str(self.acta_esperada)
