"""`prep publicar`: one corte now, or (`--programado`) every corte of the calendar.

It lives in difusion, above publicacion: each corte lists the difusores and is pushed to them.
"""

import signal
import threading

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from prep.difusion import monitoreo
from prep.difusion.envio.empuje import enviar_corte, limite_del_periodo
from prep.difusion.models import publicados
from prep.errores import ErrorDeDominio
from prep.orden import Orden
from prep.publicacion.corte import publicar, seguir_calendario
from prep.publicacion.models import Corte


class Command(Orden):
    help = _(
        "Publica un corte (sitio, datos, bases de datos, imágenes y manifiesto firmado); con"
        " --programado, cada corte del calendario hasta el cierre. Cada corte se envía a los"
        " difusores activos y, con --programado, al terminar cada periodo se revisa que cada"
        " uno lo publique (tres periodos fallidos seguidos lo cortan)."
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
                corte = publicar(difusores=publicados)
            except ErrorDeDominio as exc:
                raise CommandError(str(exc)) from exc
            self._informar(corte)
            self._enviar(corte, threading.Event())
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

    def _enviar(self, corte: Corte, detener: threading.Event) -> None:
        for entrega in enviar_corte(corte, limite=limite_del_periodo(corte), detener=detener):
            texto = (
                _("corte %(n)s entregado a «%(d)s» (%(i)s intentos): %(t)s")
                if entrega.entregado
                else _("corte %(n)s NO entregado a «%(d)s» tras %(i)s intentos: %(t)s")
            ) % {
                "n": corte.numero,
                "d": entrega.difusor,
                "i": entrega.intentos,
                "t": entrega.detalle,
            }
            (self.stdout if entrega.entregado else self.stderr).write(texto)

    def _vigilar(self) -> None:
        for revision in monitoreo.vigilar():
            if revision.correcto:
                continue
            self.stderr.write(
                _("difusor «%(d)s»: periodo fallido %(f)s de 3: %(m)s")
                % {"d": revision.difusor, "f": revision.fallos, "m": revision.motivo}
            )
            if revision.cortado:
                self.stderr.write(
                    _("difusor «%(d)s» CORTADO: ya no recibe cortes y su enlace queda suspendido")
                    % {"d": revision.difusor}
                )

    def _programado(self) -> None:
        detener = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_a: detener.set())

        def tras_el_corte(corte: Corte) -> None:
            self._informar(corte)
            self._enviar(corte, detener)

        try:
            seguir_calendario(
                detener,
                tras_el_corte,
                lambda texto: self.stderr.write(texto),
                antes_de_cortar=self._vigilar,
                difusores=publicados,
            )
        except ErrorDeDominio as exc:
            raise CommandError(str(exc)) from exc
