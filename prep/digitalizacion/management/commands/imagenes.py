"""`prep imagenes estado|verificar`: the replicated image store, as configured
(PREP_IMAGENES_URL, PREP_IMAGENES_COPIAS): which copies it has and whether they answer, and
the scrub of every copy of every image against its SHA-256 (prep.digitalizacion.replicas)."""

from dataclasses import astuple

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from prep.cuentas.consola import actor_de_consola
from prep.digitalizacion import replicas
from prep.digitalizacion.almacen import almacen, explicar
from prep.digitalizacion.models import Imagen
from prep.orden import Orden

AVANCE = 10_000  # images between progress lines


class Command(Orden):
    help = _(
        "Almacén de imágenes: sus copias configuradas, y la verificación de cada copia de cada"
        " imagen contra su SHA-256 (con --reparar, reescribe las copias faltantes o dañadas"
        " desde una buena).\n\n«verificar» sale con código 0 sólo si cada imagen termina con"
        " las copias buenas que se requieren; con 1 si no; con 2 si la configuración no es"
        " válida."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        acciones = parser.add_subparsers(dest="accion", required=True, metavar="ACCIÓN")
        acciones.add_parser("estado", help=_("mostrar las copias configuradas y si responden"))
        verificar = acciones.add_parser(
            "verificar", help=_("revisar cada copia de cada imagen contra su SHA-256")
        )
        verificar.add_argument(
            "--reparar",
            action="store_true",
            help=_("reescribir cada copia faltante o dañada desde una copia buena"),
        )
        verificar.add_argument(
            "--hilos",
            type=int,
            default=replicas.HILOS,
            help=_("imágenes revisadas a la vez (%(d)s)") % {"d": replicas.HILOS},
        )

    def handle(self, *args, accion: str, **opciones) -> None:
        try:
            tienda = almacen()
        except ValueError as exc:
            raise CommandError(
                _("configuración del almacén no válida: %(e)s") % {"e": exc}, returncode=2
            ) from exc
        if accion == "estado":
            self._estado(tienda)
        else:
            if opciones["hilos"] < 1:
                raise CommandError(_("--hilos debe ser 1 o más"), returncode=2)
            self._verificar(tienda, opciones["reparar"], opciones["hilos"])

    def _estado(self, tienda) -> None:
        copias, requeridas = replicas.copias_de(tienda)
        self.stdout.write(
            _(
                "Copias del almacén: %(n)s (una imagen se acepta cuando %(r)s la guardan)."
                " Imágenes registradas: %(i)s."
            )
            % {"n": len(copias), "r": requeridas, "i": Imagen.objects.count()}
        )
        sin_respuesta = 0
        for copia in copias:
            try:
                copia.existe("0" * 64)  # any digest: only whether the backend answers
            except Exception as exc:
                sin_respuesta += 1
                self.stdout.write(
                    _("  %(c)s: NO RESPONDE (%(e)s)") % {"c": copia.descripcion, "e": explicar(exc)}
                )
            else:
                self.stdout.write(_("  %(c)s: responde") % {"c": copia.descripcion})
        if sin_respuesta:
            raise CommandError(_("%(n)s copias no responden") % {"n": sin_respuesta}, returncode=1)

    def _verificar(self, tienda, reparar: bool, hilos: int) -> None:
        siguiente = AVANCE

        def avanzar(parcial: replicas.Verificacion) -> None:
            nonlocal siguiente
            if parcial.imagenes >= siguiente:
                self.stdout.write(_("… %(n)s imágenes revisadas") % {"n": parcial.imagenes})
                siguiente = parcial.imagenes + AVANCE

        resultado = replicas.verificar(
            actor_de_consola(), reparar, tienda, hilos=hilos, al_avanzar=avanzar
        )
        self._informar(resultado)
        if not resultado.correcta:
            raise CommandError(
                _("%(n)s imágenes tienen menos de %(r)s copias buenas")
                % {"n": resultado.insuficientes, "r": resultado.requeridas},
                returncode=1,
            )

    def _informar(self, resultado: replicas.Verificacion) -> None:
        self.stdout.write(
            _(
                "Verificación del almacén de imágenes%(modo)s: %(i)s imágenes en %(n)s copias"
                " (se requieren %(r)s)."
            )
            % {
                "modo": _(" con reparación") if resultado.reparar else "",
                "i": resultado.imagenes,
                "n": len(resultado.copias),
                "r": resultado.requeridas,
            }
        )
        encabezados = [
            _("copia"),
            _("revisadas"),
            _("faltantes"),
            _("dañadas"),
            _("con error"),
            _("reparadas"),
            _("irrecuperables"),
        ]
        # A CuentaCopia's fields are in the order of the headers.
        filas = [astuple(cuenta) for cuenta in resultado.copias]
        anchos = [
            max(len(str(f[i])) for f in [encabezados, *filas]) for i in range(len(encabezados))
        ]
        for fila in [encabezados, *filas]:
            celdas = [str(fila[0]).ljust(anchos[0])]
            celdas += [str(v).rjust(a) for v, a in zip(fila[1:], anchos[1:], strict=True)]
            self.stdout.write("  ".join(celdas))
        ritmo = resultado.imagenes / resultado.segundos if resultado.segundos else 0
        self.stdout.write(
            _("%(s).1f s (%(v).0f imágenes/s).") % {"s": resultado.segundos, "v": ritmo}
        )
        if resultado.sin_copia_buena:
            self.stdout.write(
                _("Sin ninguna copia buena (irrecuperables): %(n)s imágenes; p. ej.:")
                % {"n": resultado.sin_copia_buena}
            )
            for sha256 in resultado.muestra_sin_copia[:20]:
                self.stdout.write(f"  {sha256}")
        if resultado.correcta:
            self.stdout.write(
                _("Cada imagen tiene las copias buenas que se requieren (%(r)s).")
                % {"r": resultado.requeridas}
            )
