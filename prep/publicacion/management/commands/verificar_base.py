"""`prep verificar-base ARCHIVO`: check a results database (INE/OPL layout) with the rule
engine; ARCHIVO is its CSV, or a ZIP as institutes publish them (each results CSV inside is
checked in turn). Exit code 0 when every header agrees with its rows, 1 when one does not, 2
when the file cannot be read or is not in the layout.

The last two lines are always `filas no verificables: K` and `filas en desacuerdo: N de M` (with
a ZIP, of all its databases)."""

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from prep.orden import Orden
from prep.publicacion.base_ine.lectura import (
    BaseResultados,
    ErrorFormato,
    bases_del_zip,
    leer_base,
    listado,
)
from prep.publicacion.base_ine.verificacion import Diferencia, Verificacion, verificar
from prep.reglas.acta import Registro


@dataclass(frozen=True, slots=True)
class _Cuenta:
    """What the summary lines need of one checked database."""

    ruta: Path
    no_verificables: int
    desacuerdo: int
    filas: int
    coincide: bool

    @classmethod
    def de(cls, ruta: Path, resultado: Verificacion) -> "_Cuenta":
        return cls(
            ruta,
            len(resultado.filas_no_verificables),
            len(resultado.filas_en_desacuerdo),
            len(resultado.revisiones),
            resultado.encabezado_coincide,
        )


def _bases(archivo: Path) -> Iterator[tuple[Path, BaseResultados]]:
    """The databases of ARCHIVO, read one at a time: its own, or each in the ZIP."""
    if zipfile.is_zipfile(archivo):
        for nombre, base in bases_del_zip(archivo):
            yield archivo / nombre, base
            del base  # each frame that held one lets it go before the next is read
    else:
        yield archivo, leer_base(archivo)


class Command(Orden):
    help = _(
        "Comprueba una base de datos de resultados (formato INE) con el motor de reglas.\n\n"
        "Recalcula el encabezado a partir de las filas y, en cada fila, TOTAL_VOTOS_CALCULADO,"
        " CONTABILIZADA y OBSERVACIONES a partir de sus cifras. Nombra por su clave las filas que"
        " no se pueden verificar y las que no coinciden, y, si el encabezado no coincide, las que"
        " explican la diferencia. Las dos últimas líneas son «filas no verificables: K» y «filas"
        " en desacuerdo: N de M». ARCHIVO es el CSV o el ZIP en que se publica; de un ZIP se"
        " revisa cada base que trae, y las dos últimas líneas las suman. Sale con 0 si el"
        " encabezado coincide, 1 si no coincide y 2 si el archivo no se puede leer o no tiene el"
        " formato."
    )
    requiere_base = False  # works on a results file alone

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "archivo", type=Path, metavar="ARCHIVO", help=_("archivo CSV, o el ZIP publicado")
        )
        parser.add_argument(
            "--max-diferencias",
            type=int,
            default=50,
            metavar="N",
            help=_(
                "cuántas diferencias de filas mostrar como máximo (50); el resumen las cuenta todas"
            ),
        )

    def handle(self, *args, archivo: Path, max_diferencias: int, **opciones) -> None:
        # One database at a time: a national one takes hundreds of MB; only its counts are kept.
        revisadas: list[_Cuenta] = []
        try:
            for ruta, base in _bases(archivo):
                resultado = verificar(base)
                if revisadas:
                    self._escribir()
                self._descripcion(ruta, resultado)
                self._encabezado(resultado)
                self._filas(resultado, max(max_diferencias, 0))
                revisadas.append(_Cuenta.de(ruta, resultado))
                del base, resultado  # before the next one is read, not after
        except OSError as exc:
            raise CommandError(
                _("no se puede leer %(archivo)s: %(causa)s")
                % {"archivo": archivo, "causa": exc.strerror or exc},
                returncode=2,
            ) from exc
        except ErrorFormato as exc:
            raise CommandError(
                _("%(archivo)s no es una base de datos de resultados en formato INE: %(causa)s")
                % {"archivo": archivo, "causa": exc},
                returncode=2,
            ) from exc
        if len(revisadas) > 1:
            self._escribir()
            self._escribir(_("En las %d bases del ZIP:") % len(revisadas))
        self._escribir(_("filas no verificables: %d") % sum(c.no_verificables for c in revisadas))
        self._escribir(
            _("filas en desacuerdo: %(n)d de %(m)d")
            % {"n": sum(c.desacuerdo for c in revisadas), "m": sum(c.filas for c in revisadas)}
        )
        discrepan = [str(c.ruta) for c in revisadas if not c.coincide]
        if discrepan:
            raise CommandError(
                _("el encabezado no coincide con las filas")
                if len(revisadas) == 1
                else _("el encabezado no coincide con las filas en %s") % ", ".join(discrepan),
                returncode=1,
            )

    def _escribir(self, texto: str = "") -> None:
        self.stdout.write(texto)

    def _lista(self, titulo: str, lineas: list[str] | tuple[str, ...]) -> None:
        if lineas:
            self._escribir(titulo)
            for linea in lineas:
                self._escribir(f"  - {linea}")

    def _descripcion(self, archivo: Path, resultado: Verificacion) -> None:
        base = resultado.base
        fuera = sum(f.acta.registro is Registro.FUERA_CATALOGO for f in base.filas)
        self._escribir(_("Archivo: %s") % archivo)
        self._escribir(_("Elección: %s") % base.eleccion)
        self._escribir(_("Corte: %s") % base.corte)
        self._escribir(
            _(
                "Filas de datos: %(filas)d (%(catalogo)d del catálogo, %(fuera)d fuera de"
                " catálogo); %(votos)d columnas de votos"
            )
            % {
                "filas": len(base.filas),
                "catalogo": len(base.filas) - fuera,
                "fuera": fuera,
                "votos": len(base.columnas_voto),
            }
        )
        self._lista(_("Convenciones detectadas:"), resultado.convenciones.descripcion())
        self._lista(_("Notas:"), resultado.notas)
        self._lista(_("Avisos (errores del archivo que no impiden verificarlo):"), resultado.avisos)

    def _encabezado(self, resultado: Verificacion) -> None:
        if not resultado.diferencias_encabezado:
            self._escribir(_("Encabezado: coincide con las filas"))
            return
        if resultado.encabezado_coincide:
            self._escribir(_("Encabezado: coincide con las filas, con diferencias explicadas:"))
        else:
            self._escribir(_("Encabezado: NO coincide con las filas"))
        self._tabla(
            (_("campo"), _("publicado"), _("recalculado")),
            [(d.campo, d.publicado, d.esperado) for d in resultado.diferencias_encabezado],
        )
        for linea in (*resultado.explicacion, *resultado.causas):
            self._escribir(f"  {linea}")

    def _filas(self, resultado: Verificacion, maximo: int) -> None:
        diferencias: list[tuple[str, Diferencia]] = [
            (r.fila.acta.clave, d) for r in resultado.filas_en_desacuerdo for d in r.diferencias
        ]
        if diferencias:
            self._escribir(_("Diferencias en filas:"))
            self._tabla(
                ("CLAVE_ACTA", _("columna"), _("publicado"), _("esperado")),
                [(clave, d.campo, d.publicado, d.esperado) for clave, d in diferencias[:maximo]],
            )
            if len(diferencias) > maximo:
                self._escribir(
                    _("  … y %(n)d diferencias más (--max-diferencias)")
                    % {"n": len(diferencias) - maximo}
                )
        totales = resultado.totales_distintos
        if totales:
            self._escribir(
                _("Filas cuyo TOTAL_VOTOS_CALCULADO no es la suma de sus celdas: %d") % len(totales)
            )
            for revision, d in totales[:maximo]:
                self._escribir(
                    _("  - %(clave)s: publicado %(publicado)s, suma de las celdas %(suma)s")
                    % {
                        "clave": revision.fila.acta.clave,
                        "publicado": d.publicado,
                        "suma": d.esperado,
                    }
                )
            if len(totales) > maximo:
                self._escribir(
                    _("  … y %(n)d filas más (--max-diferencias)") % {"n": len(totales) - maximo}
                )
        no_verificables = resultado.no_verificables
        if no_verificables:
            self._escribir(_("Filas no verificables, por motivo:"))
            for motivo, cuantas in no_verificables.most_common():
                claves = [
                    r.fila.acta.clave
                    for r in resultado.filas_no_verificables
                    if r.no_verificable == motivo
                ]
                self._escribir(f"  - {cuantas}: {motivo}")
                self._escribir(f"    {listado(claves)}")

    def _tabla(self, titulos: tuple[str, ...], renglones: list[tuple[str, ...]]) -> None:
        anchos = [len(t) for t in titulos]
        for renglon in renglones:
            anchos = [max(a, len(x)) for a, x in zip(anchos, renglon, strict=True)]
        for renglon in (titulos, *renglones):
            celdas = (x.ljust(ancho) for x, ancho in zip(renglon, anchos, strict=True))
            self._escribir("  " + "  ".join(celdas).rstrip())
