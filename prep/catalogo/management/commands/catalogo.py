"""`prep catalogo`: import the catálogo from CSV files and show what it holds."""

import time
from pathlib import Path

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from prep.catalogo.importacion import conteos, importar
from prep.catalogo.lectura import ErrorDeImportacion
from prep.orden import Orden


class Command(Orden):
    help = _("Catálogo electoral: importar archivos CSV y mostrar su resumen.")

    def add_arguments(self, parser: CommandParser) -> None:
        subordenes = parser.add_subparsers(
            dest="suborden", required=True, metavar="SUBORDEN", title=_("subórdenes")
        )
        importar_ = subordenes.add_parser(
            "importar",
            help=_("valida e importa los archivos CSV de una carpeta"),
            description=_(
                "Valida todos los archivos CSV de DIR y los importa en una sola transacción: si"
                " hay algún error, los informa todos y no cambia nada en la base de datos. El"
                " formato de los archivos está en docs/catalogo.md."
            ),
        )
        importar_.add_argument(
            "directorio", type=Path, metavar="DIR", help=_("carpeta con los archivos CSV")
        )
        importar_.add_argument(
            "--reemplazar",
            action="store_true",
            help=_(
                "sustituye el catálogo existente; solo es posible mientras no haya actas"
                " registradas"
            ),
        )
        subordenes.add_parser(
            "resumen",
            help=_("muestra cuántos registros tiene cada tabla del catálogo"),
            description=_("Muestra cuántos registros tiene cada tabla del catálogo."),
        )

    def handle(self, *args, suborden: str, **opciones) -> None:
        if suborden == "importar":
            self._importar(opciones["directorio"], opciones["reemplazar"])
        else:
            self._tabla(_("Catálogo en la base de datos:"), conteos())

    def _importar(self, directorio: Path, reemplazar: bool) -> None:
        inicio = time.perf_counter()
        try:
            cuantos = importar(directorio, reemplazar=reemplazar)
        except ErrorDeImportacion as exc:
            lineas = [exc.mensaje, *map(str, exc.errores)]
            if exc.errores:
                total = len(exc.errores)
                total_texto = ngettext("%(n)s error en total.", "%(n)s errores en total.", total)
                lineas.append(total_texto % {"n": f"{total:,}"})
            raise CommandError("\n".join(lineas)) from exc
        self._tabla(
            _("Catálogo importado de %(directorio)s en %(segundos).1f s:")
            % {"directorio": directorio, "segundos": time.perf_counter() - inicio},
            cuantos,
        )

    def _tabla(self, titulo: str, cuantos: dict[str, int]) -> None:
        ancho = max(map(len, cuantos))
        self.stdout.write(titulo)
        for nombre, n in cuantos.items():
            self.stdout.write(f"  {nombre.ljust(ancho)}  {n:>10,}")
