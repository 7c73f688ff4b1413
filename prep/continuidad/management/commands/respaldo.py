"""`prep respaldo crear|restaurar`: back up the whole installation into one file, or restore one
into an empty system."""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from prep.continuidad.creacion import crear
from prep.continuidad.formato import ErrorDeRespaldo
from prep.continuidad.restauracion import restaurar
from prep.cuentas.consola import actor_de_consola
from prep.huella import huella_software
from prep.orden import Orden


class Command(Orden):
    help = _(
        "Respaldos: «crear» escribe en un solo archivo la base de datos, las imágenes de las"
        " actas, los cortes publicados y la llave pública de firma (nunca la privada), sin"
        " detener el sistema; «restaurar» lo verifica completo y lo restaura en un sistema vacío."
    )

    def necesita_base(self, opciones: dict) -> bool:
        # `restaurar` fills an empty system, even one never migrated, and checks it itself.
        return opciones["accion"] != "restaurar"

    def add_arguments(self, parser):
        acciones = parser.add_subparsers(dest="accion", required=True, metavar="ACCIÓN")
        crear_ = acciones.add_parser(
            "crear",
            help=_("escribe un respaldo"),
            description=_(
                "Escribe ARCHIVO (un tar) con una copia consistente de la base de datos, cada"
                " imagen que la base conoce (verificada contra su SHA-256), cada corte publicado,"
                " la llave pública y el manifiesto respaldo.json. El archivo aparece sólo"
                " completo; nunca se escribe encima de uno existente. La bitácora lo registra."
            ),
        )
        crear_.add_argument("archivo", metavar="ARCHIVO", help=_("archivo del respaldo"))
        restaurar_ = acciones.add_parser(
            "restaurar",
            help=_("restaura un respaldo"),
            description=_(
                "Verifica cada miembro de ARCHIVO contra el manifiesto antes de tocar nada;"
                " luego restaura la base de datos, las imágenes (al almacén configurado), los"
                " cortes (a PREP_PUBLICACION_DIR) y la llave pública, y comprueba la bitácora y"
                " los conteos. La llave privada de firma se restaura aparte (PREP_LLAVE_FIRMA)."
                " Detenga antes los servicios de PREP que usen esta base."
            ),
        )
        restaurar_.add_argument("archivo", metavar="ARCHIVO", help=_("archivo del respaldo"))
        restaurar_.add_argument(
            "--forzar",
            action="store_true",
            help=_(
                "restaurar aunque la base ya tenga datos o la publicación ya tenga cortes (los"
                " cortes que había se apartan en una carpeta, no se borran)"
            ),
        )

    def handle(self, *args, accion: str, archivo: str, forzar: bool = False, **opciones):
        try:
            if accion == "crear":
                self._crear(Path(archivo))
            else:
                self._restaurar(Path(archivo), forzar)
        except ErrorDeRespaldo as exc:
            raise CommandError(str(exc)) from exc

    def _crear(self, archivo: Path) -> None:
        creado = crear(archivo, actor_de_consola())
        datos = creado.manifiesto
        self.stdout.write(
            _(
                "respaldo escrito en %(a)s: %(b)s bytes, SHA-256 %(s)s, en %(t).1f s\n"
                "  %(c)s\n  bitácora hasta la entrada %(n)s (hash %(h)s)\n"
                "  huella del software: %(w)s"
            )
            % {
                "a": creado.archivo,
                "b": f"{creado.bytes:,}",
                "s": creado.sha256,
                "t": creado.segundos,
                "c": _conteos(datos["conteos"]),
                "n": datos["bitacora"]["numero"],
                "h": datos["bitacora"]["hash"],
                "w": datos["huella_software"],
            }
        )

    def _restaurar(self, archivo: Path, forzar: bool) -> None:
        hecho = restaurar(archivo, actor_de_consola(), forzar)
        self.stdout.write(
            _(
                "respaldo %(a)s restaurado en %(t).1f s (%(b)s bytes, SHA-256 %(s)s)\n  %(c)s\n"
                "  bitácora íntegra; conteos iguales a los del respaldo; cortes verificados\n"
                "  %(l)s"
            )
            % {
                "a": archivo,
                "t": hecho.segundos,
                "b": f"{hecho.bytes:,}",
                "s": hecho.sha256,
                "c": _conteos(hecho.conteos),
                "l": hecho.llave,
            }
        )
        propia = huella_software()
        if hecho.huella_software not in (None, propia):
            self.stdout.write(
                _(
                    "  el respaldo lo hizo otro software (huella %(r)s); el que restauró tiene"
                    " la huella %(p)s"
                )
                % {"r": hecho.huella_software, "p": propia}
            )
        if hecho.apartados is not None:
            self.stdout.write(
                _("  los cortes que había se apartaron en %(c)s") % {"c": hecho.apartados}
            )
        if hecho.pendientes:
            self.stdout.write(
                _(
                    "  esta versión tiene migraciones más nuevas que el respaldo (%(a)s):"
                    " ejecute «prep django migrate»"
                )
                % {"a": ", ".join(hecho.pendientes)}
            )


def _conteos(conteos: dict[str, int]) -> str:
    return _(
        "%(actas)s actas, %(imagenes)s imágenes, %(cortes)s cortes, %(bitacora)s entradas de"
        " bitácora"
    ) % {clave: f"{valor:,}" for clave, valor in conteos.items()}
