"""`prep demo`: a demo election through the pipeline on the embedded default."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from prep.actas.servicios import ErrorDeDominio
from prep.publicacion.base_ine.columnas import ENCABEZADO
from prep.publicacion.base_ine.escritura import valores_encabezado
from prep.simulacro import demo
from prep.simulacro.opciones import agregar_opciones_eleccion, barra_de_progreso, validar_eleccion


class Command(BaseCommand):
    help = _(
        "Demostración: una elección sintética de un estado por todas las fases, a través de la"
        " API HTTP, del catálogo a las bases de datos de resultados."
    )

    def add_arguments(self, parser):
        # Every acta crosses the HTTP API with its image: 500 casillas keep the demo near a
        # minute on two cores (BENCHMARKS.md); --casillas 2000 is a mid-size state.
        agregar_opciones_eleccion(parser, casillas=demo.CASILLAS)

    def handle(self, *args, **opciones):
        casillas, semilla, elecciones = validar_eleccion(opciones)
        consola = Console()
        inicio = time.perf_counter()
        with barra_de_progreso(consola) as progreso:

            def avance(tarea: str, total: int):
                id_tarea = progreso.add_task(tarea, total=total)
                return lambda n: progreso.advance(id_tarea, n)

            try:
                resultado = demo.ejecutar(
                    casillas,
                    semilla,
                    elecciones,
                    settings.VAR_DIR,
                    Path(settings.PREP_PUBLICACION_DIR),
                    avance,
                )
            except (ErrorDeDominio, ValueError) as exc:
                raise CommandError(str(exc)) from exc
        self._resumen(consola, resultado, time.perf_counter() - inicio)

    def _resumen(self, consola: Console, resultado: demo.ResultadoDemo, segundos: float) -> None:
        tabla = Table(title=_("Corte del %(hora)s") % {"hora": f"{resultado.corte:%d/%m/%Y %H:%M}"})
        for columna in (_("elección"), _("esperadas"), _("capturadas"), _("contabilizadas"),
                        _("participación")):  # fmt: skip
            tabla.add_column(columna, justify="right" if tabla.columns else "left")
        punteros = []
        for base in resultado.bases:
            t = base.resultados.total
            valores = dict(
                zip(ENCABEZADO, valores_encabezado(t, corte_final=base.corte_final), strict=True)
            )
            tabla.add_row(
                base.eleccion.nombre,
                valores["ACTAS_ESPERADAS"],
                valores["ACTAS_CAPTURADAS"],
                f"{valores['ACTAS_CONTABILIZADAS']}"
                f" ({valores['PORCENTAJE_ACTAS_CONTABILIZADAS']} %)",
                f"{valores['PORCENTAJE_PARTICIPACION_CIUDADANA']} %",
            )
            votos = dict(zip(base.columnas_voto, t.votos, strict=True))
            primeros = sorted(votos, key=lambda c: -votos[c])[:3]
            punteros.append(
                f"{base.eleccion.nombre}: " + ", ".join(f"{c} {votos[c]:,}" for c in primeros)
            )
        consola.print(tabla)
        consola.print(
            _("Conflictos entre capturas resueltos por el verificador: %(n)s")
            % {"n": resultado.conflictos}
        )
        for linea in punteros:
            consola.print(linea)
        for base in resultado.bases:
            consola.print(f"{base.archivo.name}  sha256 {base.sha256}", soft_wrap=True)
        consola.print(
            _("Publicado en %(carpeta)s") % {"carpeta": resultado.directorio}, soft_wrap=True
        )
        consola.print(
            _("Listo: %(actas)s actas en %(segundos).1f s.")
            % {"actas": f"{len(resultado.sintetica.actas):,}", "segundos": segundos}
        )
