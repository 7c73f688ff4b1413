"""`prep centros crear|importar`: register CATDs and CCVs with the distritos they serve."""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from prep.cuentas.consola import actor_de_consola, validar_filas
from prep.cuentas.models import Centro
from prep.cuentas.servicios import crear_centros, validar_centro
from prep.orden import Orden

COLUMNAS = ("clave", "nombre", "tipo", "distritos")


class Command(Orden):
    help = _(
        "Centros: registrar un CATD o CCV, o importarlos desde CSV (clave,nombre,tipo,distritos)."
        "\n\nLos distritos que atiende un centro se escriben F3 (federal) o L5 (local),"
        " separados por espacios o punto y coma; con varias entidades en el catálogo, 04-F3."
        " Un centro sin distritos atiende todas las actas."
    )

    def add_arguments(self, parser):
        acciones = parser.add_subparsers(dest="accion", required=True, metavar="ACCIÓN")
        crear = acciones.add_parser("crear", help=_("registrar un centro"))
        crear.add_argument("clave", help=_("clave del centro, p. ej. CATD-05"))
        crear.add_argument("--nombre", required=True, help=_("nombre del centro"))
        crear.add_argument("--tipo", required=True, choices=Centro.Tipo.values, help=_("tipo"))
        crear.add_argument(
            "--distritos", default="", help=_('distritos que atiende, p. ej. "F3 F4" o "L5"')
        )
        importar = acciones.add_parser("importar", help=_("registrar centros desde un CSV"))
        importar.add_argument("archivo", help=_("CSV con columnas clave,nombre,tipo,distritos"))

    def handle(self, *args, accion: str, **opciones):
        tomadas = set(Centro.objects.values_list("clave", flat=True))
        if accion == "crear":
            datos = {c: opciones.get(c) or "" for c in COLUMNAS}
            nuevo, problemas = validar_centro(datos, tomadas)
            if problemas:
                raise CommandError(problemas.texto())
            nuevos = [nuevo]
        else:
            nuevos = validar_filas(
                Path(opciones["archivo"]),
                COLUMNAS,
                lambda valores: validar_centro(valores, tomadas),
                self.stderr.write,
            )
        crear_centros(actor_de_consola(), nuevos)
        for n in nuevos:
            alcance = " ".join(f"{d.tipo[0]}{d.numero}" for d in n.distritos) or _("todas")
            self.stdout.write(
                _("centro %(c)s (%(t)s) registrado; distritos: %(d)s")
                % {"c": n.clave, "t": n.tipo, "d": alcance}
            )
