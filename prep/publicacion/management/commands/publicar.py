"""`prep publicar`: one corte now, or (`--programado`) every corte of the calendar."""

import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from prep.actas.servicios import ErrorDeDominio
from prep.publicacion.corte import publicar, seguir_calendario
from prep.publicacion.models import Corte


class Command(BaseCommand):
    help = _(
        "Publica un corte (sitio, datos, bases de datos, imágenes y manifiesto firmado); con"
        " --programado, cada corte del calendario hasta el cierre."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--programado",
            action="store_true",
            help=_("seguir el calendario: un corte en cada hora programada hasta el cierre"),
        )

    def handle(self, *args, **opciones):
        if not opciones["programado"]:
            try:
                corte = publicar()
            except ErrorDeDominio as exc:
                raise CommandError(str(exc)) from exc
            self._informar(corte)
            return
        self._programado()

    def _informar(self, corte: Corte) -> None:
        momento = timezone.localtime(corte.momento)
        self.stdout.write(
            _(
                "corte %(n)s de las %(h)s publicado en %(c)s: %(a)s archivos, %(t)s bytes"
                " (%(e)s escritos) en %(s).1f s%(f)s"
            )
            % {
                "n": corte.numero,
                "h": f"{momento:%d/%m/%Y %H:%M}",
                "c": corte.carpeta,
                "a": f"{corte.archivos:,}",
                "t": f"{corte.bytes_totales:,}",
                "e": f"{corte.bytes_escritos:,}",
                "s": corte.segundos,
                "f": _("; corte final") if corte.final else "",
            }
        )
        self.stdout.flush()

    def _programado(self) -> None:
        detener = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_a: detener.set())
        try:
            seguir_calendario(detener, self._informar, lambda texto: self.stderr.write(texto))
        except ErrorDeDominio as exc:
            raise CommandError(str(exc)) from exc
