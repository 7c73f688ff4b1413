"""`prep dispositivos emitir|revocar`: API tokens of PREP Casilla phones and CATD scanners."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from prep.cuentas.consola import actor_de_consola
from prep.cuentas.models import Dispositivo
from prep.cuentas.servicios import emitir_dispositivo, revocar_dispositivo
from prep.errores import ErrorDeDominio


class Command(BaseCommand):
    help = _(
        "Dispositivos: emitir el token de un teléfono o escáner, o revocarlo."
        "\n\nEl token se muestra una sola vez, al emitirlo; sólo se guarda su SHA-256. Un token"
        " revocado deja de valer en ese momento."
    )

    def add_arguments(self, parser):
        acciones = parser.add_subparsers(dest="accion", required=True, metavar="ACCIÓN")
        emitir = acciones.add_parser("emitir", help=_("registrar un dispositivo y emitir su token"))
        emitir.add_argument("nombre", help=_("nombre único del dispositivo, p. ej. tel-0001"))
        emitir.add_argument(
            "--tipo", required=True, choices=Dispositivo.Tipo.values, help=_("tipo de dispositivo")
        )
        emitir.add_argument("--centro", required=True, help=_("clave del centro al que pertenece"))
        revocar = acciones.add_parser("revocar", help=_("revocar el token de un dispositivo"))
        revocar.add_argument("nombre", help=_("nombre del dispositivo"))

    def handle(self, *args, accion: str, nombre: str, **opciones):
        actor = actor_de_consola()
        try:
            if accion == "emitir":
                dispositivo, token = emitir_dispositivo(
                    actor, nombre, opciones["tipo"], opciones["centro"]
                )
                self.stderr.write(
                    _(
                        "Dispositivo %(n)s (%(t)s) emitido para %(c)s. Su token, que no volverá"
                        " a mostrarse:"
                    )
                    % {
                        "n": dispositivo.nombre,
                        "t": dispositivo.tipo,
                        "c": dispositivo.centro.clave,
                    }
                )
                # Alone on standard output, so that a script can capture it.
                self.stdout.write(token)
            else:
                dispositivo, ahora = revocar_dispositivo(actor, nombre)
                mensaje = (
                    _("token de %(n)s revocado")
                    if ahora
                    else _("el token de %(n)s ya estaba revocado; no cambió nada")
                )
                self.stdout.write(mensaje % {"n": dispositivo.nombre})
        except ErrorDeDominio as exc:
            raise CommandError(str(exc)) from exc
