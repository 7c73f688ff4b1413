"""`prep bitacora verificar|exportar`: check the audit log's hash chain, or export a copy."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from prep.bitacora.cadena import verificar_cadena
from prep.bitacora.models import Entrada
from prep.bitacora.servicios import como_dict


class Command(BaseCommand):
    help = _(
        "Bitácora: verificar la cadena de hashes (en la base o en una copia) o exportar una copia."
    )

    def add_arguments(self, parser):
        acciones = parser.add_subparsers(dest="accion", required=True, metavar="ACCIÓN")
        verificar = acciones.add_parser("verificar", help=_("verificar la cadena de la bitácora"))
        verificar.add_argument(
            "--archivo", help=_("verificar una copia exportada (JSONL) en lugar de la base")
        )
        exportar = acciones.add_parser(
            "exportar", help=_("exportar la bitácora a un archivo JSONL")
        )
        exportar.add_argument("archivo", help=_("archivo de destino"))

    def handle(self, *args, accion: str, archivo: str | None = None, **opciones):
        if accion == "exportar":
            self._exportar(Path(archivo))
        else:
            self._verificar(Path(archivo) if archivo else None)

    def _exportar(self, destino: Path) -> None:
        temporal = destino.with_name(destino.name + ".tmp")
        try:
            with temporal.open("w", encoding="utf-8") as salida:
                n = 0
                for entrada in Entrada.objects.order_by("numero").iterator(chunk_size=2000):
                    salida.write(json.dumps(como_dict(entrada), ensure_ascii=False) + "\n")
                    n += 1
            temporal.replace(destino)
        except OSError as exc:
            raise CommandError(
                _("no se pudo escribir %(ruta)s: %(error)s")
                % {"ruta": destino, "error": exc.strerror}
            ) from exc
        self.stdout.write(_("%(n)d entradas exportadas a %(ruta)s") % {"n": n, "ruta": destino})

    def _verificar(self, archivo: Path | None) -> None:
        if archivo:
            entradas = self._leer(archivo)
        else:
            consulta = Entrada.objects.order_by("numero").iterator(chunk_size=2000)
            entradas = (como_dict(e) for e in consulta)
        fallas, total = verificar_cadena(entradas)
        origen = str(archivo) if archivo else _("la base de datos")
        for falla in fallas:
            self.stdout.write(str(falla))
        if fallas:
            raise CommandError(
                _("bitácora alterada en %(origen)s: %(n)d fallas en %(total)d entradas")
                % {"origen": origen, "n": len(fallas), "total": total}
            )
        self.stdout.write(
            _("bitácora íntegra: %(total)d entradas en %(origen)s")
            % {"total": total, "origen": origen}
        )

    def _leer(self, archivo: Path):
        try:
            lineas = archivo.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise CommandError(
                _("no se pudo leer %(ruta)s: %(error)s") % {"ruta": archivo, "error": exc.strerror}
            ) from exc
        for numero, linea in enumerate(lineas, start=1):
            if not linea.strip():
                continue
            try:
                yield json.loads(linea)
            except json.JSONDecodeError as exc:
                raise CommandError(
                    _("%(ruta)s:%(linea)d: no es JSON válido (%(error)s)")
                    % {"ruta": archivo, "linea": numero, "error": exc.msg}
                ) from exc
