"""`prep digitalizacion vigilar|webdav`: receive acta images from a watched folder (scanners)
or over WebDAV (PREP Casilla phones)."""

import signal
import threading
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from prep.digitalizacion.carpeta import DispositivoNoValido, Resultado, Vigilante
from prep.orden import Orden


class Command(Orden):
    help = _(
        "Digitalización: vigilar una carpeta donde un escáner deja imágenes, o recibirlas por"
        " WebDAV."
    )

    def add_arguments(self, parser):
        acciones = parser.add_subparsers(dest="accion", required=True, metavar="ACCIÓN")
        vigilar = acciones.add_parser(
            "vigilar", help=_("recibir los archivos que un escáner deja en una carpeta")
        )
        vigilar.add_argument("carpeta", help=_("carpeta vigilada"))
        vigilar.add_argument(
            "--dispositivo", required=True, help=_("nombre del dispositivo (escáner) que sube")
        )
        vigilar.add_argument(
            "--espera",
            type=float,
            default=2.0,
            help=_("segundos sin cambios tras los que un archivo se da por completo (2)"),
        )
        vigilar.add_argument(
            "--una-vez",
            action="store_true",
            help=_("procesar los archivos presentes y terminar"),
        )
        webdav = acciones.add_parser("webdav", help=_("servir la recepción por WebDAV"))
        webdav.add_argument("--puerto", type=int, default=8081, help=_("puerto (8081)"))
        webdav.add_argument(
            "--anfitrion", default="127.0.0.1", help=_("dirección donde escuchar (127.0.0.1)")
        )
        webdav.add_argument("--hilos", type=int, default=8, help=_("hilos del servidor (8)"))

    def handle(self, *args, accion: str, **opciones):
        detener = threading.Event()
        if accion == "vigilar":
            self._vigilar(detener, **opciones)
        else:
            self._webdav(detener, **opciones)

    def _informar(self, resultado: Resultado) -> None:
        if resultado.aceptado:
            self.stdout.write(f"{_('procesada')}  {resultado.nombre}: {resultado.mensaje}")
        else:
            self.stderr.write(f"{_('rechazada')}  {resultado.nombre}: {resultado.mensaje}")

    def _vigilar(self, detener, carpeta, dispositivo, espera, una_vez, **_opciones) -> None:
        carpeta = Path(carpeta)
        if not carpeta.is_dir():
            raise CommandError(_("no existe la carpeta %(ruta)s") % {"ruta": carpeta})
        signal.signal(signal.SIGTERM, lambda *_: detener.set())
        vigilante = Vigilante(carpeta, dispositivo, espera, self._informar)
        if not una_vez:
            self.stdout.write(
                _("Vigilando %(ruta)s (Ctrl+C para terminar)") % {"ruta": vigilante.carpeta}
            )
        try:
            vigilante.correr(detener, una_vez)
        except DispositivoNoValido as exc:
            raise CommandError(str(exc)) from None
        except KeyboardInterrupt:
            detener.set()

    def _webdav(self, detener, puerto, anfitrion, hilos, **_opciones) -> None:
        from prep.digitalizacion.webdav import servidor

        instancia = servidor(anfitrion, puerto, hilos)
        try:
            instancia.prepare()
        except OSError as exc:
            raise CommandError(
                _("no se pudo escuchar en %(anfitrion)s:%(puerto)d: %(error)s")
                % {"anfitrion": anfitrion, "puerto": puerto, "error": exc.strerror or exc}
            ) from None
        # The server runs in a thread; this one waits for Ctrl+C or SIGTERM and then stops it
        # (never from inside a signal handler, which may interrupt the server mid-operation).
        hilo = threading.Thread(target=instancia.serve, daemon=True)
        hilo.start()
        signal.signal(signal.SIGTERM, lambda *_: detener.set())
        self.stdout.write(
            _("WebDAV de imágenes en http://%(anfitrion)s:%(puerto)d/ (Ctrl+C para terminar)")
            % {"anfitrion": anfitrion, "puerto": puerto}
        )
        try:
            while hilo.is_alive() and not detener.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            instancia.stop()
            hilo.join(10)
