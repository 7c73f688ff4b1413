"""`prep bitacora verificar|exportar`: check the audit log's hash chain, or export a copy."""

import json
from collections.abc import Iterator
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from prep.archivos import escribir_atomico
from prep.bitacora.cadena import Resultado, Verificador
from prep.bitacora.models import Entrada
from prep.bitacora.servicios import como_dict, verificar_base
from prep.orden import Orden


class Command(Orden):
    help = _(
        "Bitácora: verificar la cadena de hashes (en la base o en una copia) o exportar una copia."
        "\n\nSale con código 0 sólo si la cadena está íntegra; cada falla nombra la entrada."
    )

    def necesita_base(self, opciones: dict) -> bool:
        # `verificar --archivo` checks an exported copy, perhaps on another machine.
        return not (opciones["accion"] == "verificar" and opciones.get("archivo"))

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
        elif archivo:
            ruta = Path(archivo)
            verificador = Verificador()
            for entrada in self._leer(ruta):
                verificador.revisar(entrada)
            self._informar(verificador.terminar(), str(ruta))
        else:
            self._informar(verificar_base(), _("la base de datos"))

    def _exportar(self, destino: Path) -> None:
        # Atomic: an interrupted export never leaves a truncated copy under the final name.
        n = 0
        try:
            with escribir_atomico(destino) as salida:
                for entrada in Entrada.objects.order_by("numero").iterator(chunk_size=2000):
                    linea = json.dumps(como_dict(entrada), ensure_ascii=False) + "\n"
                    salida.write(linea.encode("utf-8"))
                    n += 1
        except OSError as exc:
            raise CommandError(
                _("no se pudo escribir %(ruta)s: %(error)s")
                % {"ruta": destino, "error": exc.strerror}
            ) from exc
        self.stdout.write(_("%(n)d entradas exportadas a %(ruta)s") % {"n": n, "ruta": destino})

    def _informar(self, resultado: Resultado, origen: str) -> None:
        for falla in resultado.fallas:
            self.stdout.write(str(falla))
        if not resultado.integra:
            raise CommandError(
                _("bitácora alterada en %(origen)s: %(n)d fallas en %(total)d entradas")
                % {"origen": origen, "n": len(resultado.fallas), "total": resultado.total}
            )
        self.stdout.write(
            _(
                "bitácora íntegra: %(total)d entradas en %(origen)s;"
                " última: %(numero)d, hash %(hash)s"
            )
            % {
                "total": resultado.total,
                "origen": origen,
                "numero": resultado.ultimo_numero,
                "hash": resultado.ultimo_hash,
            }
        )

    def _leer(self, archivo: Path) -> Iterator:
        try:
            with archivo.open(encoding="utf-8") as entrada:
                for numero, linea in enumerate(entrada, start=1):
                    if not linea.strip():
                        continue
                    try:
                        yield json.loads(linea)
                    except json.JSONDecodeError as exc:
                        raise CommandError(
                            _("%(ruta)s:%(linea)d: no es JSON válido (%(error)s)")
                            % {"ruta": archivo, "linea": numero, "error": exc.msg}
                        ) from exc
        except (OSError, UnicodeDecodeError) as exc:
            motivo = getattr(exc, "strerror", None) or _("no es texto UTF-8")
            raise CommandError(
                _("no se pudo leer %(ruta)s: %(error)s") % {"ruta": archivo, "error": motivo}
            ) from exc
