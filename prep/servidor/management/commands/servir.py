"""`prep servir`: serve PREP (pages, API, static files) with cheroot."""

import signal
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from prep.orden import Orden
from prep.servidor.servidor import crear


def _direccion(texto: str) -> tuple[str, int]:
    host, _sep, puerto = texto.rpartition(":")
    if not host or not puerto.isdigit() or not 0 < int(puerto) < 65536:
        raise CommandError(
            _("--direccion debe ser HOST:PUERTO, p. ej. 127.0.0.1:8000; se recibió «%(d)s»")
            % {"d": texto}
        )
    return host.strip("[]"), int(puerto)


class Command(Orden):
    help = _("Sirve PREP por HTTP (páginas, API y archivos estáticos) con un servidor de hilos.")

    # It starts even with the database away: /salud/listo says "not ready" until it answers.
    requiere_base = False
    requires_system_checks = "__all__"  # a misconfigured server must not start
    anota_si_puede = True

    def add_arguments(self, parser):
        parser.add_argument(
            "--direccion", default="127.0.0.1:8000", help=_("HOST:PUERTO donde escuchar")
        )
        parser.add_argument(
            "--hilos", type=int, default=16, help=_("peticiones atendidas a la vez (1 a 256)")
        )
        parser.add_argument(
            "--certificado",
            type=Path,
            help=_(
                "certificado TLS (PEM) para servir por HTTPS, p. ej. a los teléfonos de PREP"
                " Casilla en la red del centro: la cámara y el modo sin conexión lo exigen"
            ),
        )
        parser.add_argument("--llave", type=Path, help=_("llave privada (PEM) del certificado"))

    def handle(self, *args, **opciones):
        host, puerto = _direccion(opciones["direccion"])
        if not 1 <= opciones["hilos"] <= 256:
            raise CommandError(_("--hilos debe estar entre 1 y 256"))
        certificado, llave = opciones["certificado"], opciones["llave"]
        if (certificado is None) != (llave is None):
            raise CommandError(_("--certificado y --llave van juntos"))
        for archivo in (certificado, llave):
            if archivo is not None and not archivo.is_file():
                raise CommandError(_("no existe el archivo %(a)s") % {"a": archivo})
        try:
            servidor = crear(host, puerto, opciones["hilos"], certificado, llave)
        except (OSError, ValueError) as exc:
            raise CommandError(
                _("no se pudo usar el certificado y la llave: %(e)s") % {"e": exc}
            ) from exc
        esquema = "https" if certificado else "http"

        # SIGTERM (systemd, a supervisor, a parent process) stops as Ctrl-C does: requests in
        # flight finish; every answered one is already committed.
        def detener(_signum, _frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, detener)
        try:
            servidor.prepare()
        except OSError as exc:
            raise CommandError(
                _("no se puede escuchar en %(h)s:%(p)s: %(e)s") % {"h": host, "p": puerto, "e": exc}
            ) from exc
        self.stdout.write(
            _("Sirviendo PREP en %(e)s://%(h)s:%(p)s/") % {"e": esquema, "h": host, "p": puerto}
        )
        self.stdout.flush()
        try:
            servidor.serve()
        except KeyboardInterrupt:
            pass
        finally:
            servidor.stop()
