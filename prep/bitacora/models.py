"""The audit log. Entries are only ever appended: each carries the hash of the one before, so an
edited, deleted or reordered entry breaks the chain (`prep bitacora verificar`).

On PostgreSQL an entry's `numero`, `hash_anterior` and `hash` are empty until its transaction
commits (see `servicios.registrar`); nobody else ever sees them empty."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Entrada(models.Model):
    """One state change: who did what to which object, with the state before and after."""

    numero = models.PositiveBigIntegerField(_("número"), unique=True, null=True)
    momento = models.DateTimeField(_("momento"))
    actor = models.CharField(_("actor"), max_length=200)
    accion = models.CharField(_("acción"), max_length=60)
    objeto = models.CharField(_("objeto"), max_length=200)
    antes = models.JSONField(_("antes"), null=True, blank=True)
    despues = models.JSONField(_("después"), null=True, blank=True)
    huella = models.CharField(_("huella"), max_length=64)
    # NULL, not "", until chained: "" twice would break the unique index of concurrent commits.
    hash_anterior = models.CharField(_("hash anterior"), max_length=64, null=True)  # noqa: DJ001
    hash = models.CharField(_("hash"), max_length=64, unique=True, null=True)  # noqa: DJ001

    class Meta:
        verbose_name = _("entrada de bitácora")
        verbose_name_plural = _("bitácora")
        ordering = ["numero"]
        indexes = [models.Index(fields=["objeto", "numero"])]

    def __str__(self) -> str:
        return f"{self.numero} {self.accion} {self.objeto}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("la bitácora sólo admite entradas nuevas")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("la bitácora no admite borrar entradas")


class Cabeza(models.Model):
    """The last entry's number and hash, in one row that every writer locks: appends are
    chained one after another on PostgreSQL (SELECT … FOR UPDATE, while committing) as they are
    on SQLite (one writer)."""

    numero = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("cabeza de la bitácora")

    def __str__(self) -> str:
        return f"{self.numero} {self.hash}"
