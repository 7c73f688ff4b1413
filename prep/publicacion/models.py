"""Publication state: the calendar the consejo approved, each corte made, and the lease that lets
one generator at a time make them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from prep.catalogo.models import ProcesoElectoral


class Calendario(models.Model):
    """RE 339/353: when publication starts, how often data and databases are updated, and the
    last update; `cerrado` once publication closed (at the last update or at 100 %)."""

    proceso = models.OneToOneField(
        ProcesoElectoral, on_delete=models.CASCADE, related_name="calendario"
    )
    inicio = models.DateTimeField(_("inicio de la publicación"))
    fin = models.DateTimeField(_("última actualización"))
    cortes_por_hora = models.PositiveSmallIntegerField(
        _("actualizaciones por hora de datos e imágenes"), default=3
    )
    bases_por_hora = models.PositiveSmallIntegerField(
        _("actualizaciones por hora de las bases de datos"), default=3
    )
    cerrado = models.DateTimeField(_("cierre"), null=True, blank=True)
    motivo_cierre = models.CharField(_("motivo del cierre"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendario de publicación")
        verbose_name_plural = _("calendarios de publicación")

    def __str__(self) -> str:
        return f"{self.proceso}: {self.inicio:%d/%m/%Y %H:%M} – {self.fin:%d/%m/%Y %H:%M}"


class Corte(models.Model):
    """One published corte: its folder under PREP_PUBLICACION_DIR, its manifest's hash and the
    previous one's (the chain), and what writing it cost."""

    numero = models.PositiveIntegerField(_("número"), unique=True)
    momento = models.DateTimeField(_("hora del corte"), unique=True)
    carpeta = models.CharField(_("carpeta"), max_length=100, unique=True)
    final = models.BooleanField(_("corte final"), default=False)
    con_bases = models.BooleanField(_("con bases de datos nuevas"), default=True)
    manifiesto_sha256 = models.CharField(max_length=64)
    anterior_sha256 = models.CharField(max_length=64, blank=True)
    archivos = models.PositiveIntegerField(default=0)
    bytes_totales = models.BigIntegerField(default=0)
    bytes_escritos = models.BigIntegerField(default=0)
    segundos = models.FloatField(default=0)
    creado = models.DateTimeField(_("creado"), auto_now_add=True)

    class Meta:
        verbose_name = _("corte")
        verbose_name_plural = _("cortes")
        ordering = ["numero"]

    def __str__(self) -> str:
        return f"corte {self.numero} ({self.carpeta})"


class Turno(models.Model):
    """The generator's lease (a single row): who makes cortes now and until when. A generator
    that dies leaves it to expire, so another app server takes over."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    titular = models.CharField(max_length=200, blank=True)
    hasta = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("turno del generador de cortes")

    def __str__(self) -> str:
        return self.titular or "libre"
