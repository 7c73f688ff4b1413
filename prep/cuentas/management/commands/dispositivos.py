"""`prep dispositivos emitir|revocar|emparejar`: API tokens of PREP Casilla phones and CATD
scanners, and a pairing code (with its QR code on the console) for a phone."""

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from prep.cuentas.consola import actor_de_consola
from prep.cuentas.emparejamiento import emitir_emparejamiento, mostrar_codigo
from prep.cuentas.invitacion import direccion_en_la_red, enlace, qr_en_terminal
from prep.cuentas.models import Centro, Dispositivo
from prep.cuentas.servicios import emitir_dispositivo, revocar_dispositivo
from prep.errores import ErrorDeDominio
from prep.orden import Orden


class Command(Orden):
    help = _(
        "Dispositivos: emitir el token de un teléfono o escáner, revocarlo, o dar un código de"
        " emparejamiento para un teléfono de PREP Casilla."
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
        emparejar = acciones.add_parser(
            "emparejar",
            help=_("código de un solo uso para emparejar un teléfono de PREP Casilla, con su QR"),
        )
        emparejar.add_argument(
            "nombre", nargs="?", default="", help=_("nombre del teléfono (uno libre si se omite)")
        )
        emparejar.add_argument("--centro", required=True, help=_("clave del CATD del teléfono"))
        emparejar.add_argument(
            "--url",
            help=_(
                "dirección del servidor que verá el teléfono, p. ej. https://prep.ejemplo.mx"
                " (por omisión, esta máquina en la red local, puerto 8000)"
            ),
        )
        emparejar.add_argument(
            "--minutos",
            type=int,
            default=settings.PREP_EMPAREJAMIENTO_MINUTOS,
            help=_("minutos que vale el código"),
        )

    def handle(self, *args, accion: str, nombre: str, **opciones):
        actor = actor_de_consola()
        try:
            if accion == "emparejar":
                self._emparejar(actor, nombre, opciones)
            elif accion == "emitir":
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

    def _emparejar(self, actor, nombre: str, opciones: dict) -> None:
        if not 1 <= opciones["minutos"] <= 24 * 60:
            raise CommandError(_("--minutos debe estar entre 1 y 1440"))
        centro = Centro.objects.filter(clave=opciones["centro"].strip()).first()
        if centro is None:
            raise CommandError(_("no existe el centro «%(c)s»") % {"c": opciones["centro"]})
        base = opciones["url"] or f"http://{direccion_en_la_red()}:8000"
        if not base.startswith(("http://", "https://")):
            raise CommandError(_("--url debe empezar con https:// (o http://)"))
        registro, codigo = emitir_emparejamiento(actor, centro, nombre, opciones["minutos"])
        direccion = enlace(base, codigo)
        qr_en_terminal(direccion, self.stdout)
        vence = timezone.localtime(registro.vence)
        datos = {"n": registro.nombre, "c": centro.clave, "h": f"{vence:%H:%M}"}
        self.stdout.write(
            _("Teléfono %(n)s de %(c)s: código %(codigo)s, un solo uso, vence a las %(h)s.")
            % {**datos, "codigo": mostrar_codigo(codigo)}
        )
        self.stdout.write(_("En el teléfono: %(d)s") % {"d": direccion})
