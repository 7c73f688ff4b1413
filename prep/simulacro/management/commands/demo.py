"""`prep demo`: a demo election through the pipeline on the embedded default."""

import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from prep.cuentas.consola import actor_de_consola
from prep.cuentas.emparejamiento import emitir_emparejamiento, mostrar_codigo
from prep.cuentas.invitacion import direccion_en_la_red, enlace
from prep.cuentas.models import Centro
from prep.errores import ErrorDeDominio
from prep.orden import Orden
from prep.publicacion.manifiesto import ULTIMO
from prep.servidor.certificado import autofirmado
from prep.simulacro import demo
from prep.simulacro.opciones import agregar_opciones_eleccion, barra_de_progreso, validar_eleccion

# PREP Casilla after the demo: where to serve for phones, and how long the printed code lives.
PUERTO_TELEFONOS = 8443
MINUTOS_CODIGO = 60


class Command(Orden):
    help = _(
        "Demostración: una elección sintética de un estado por todas las fases, a través de la"
        " API HTTP, del catálogo a las bases de datos de resultados."
    )
    requiere_base = False  # prepares its own database (migrations included)

    def add_arguments(self, parser):
        # Every acta crosses the HTTP API with its image: 500 casillas keep the demo near a
        # minute on two cores (BENCHMARKS.md); --casillas 2000 is a mid-size state.
        agregar_opciones_eleccion(parser, demo.ELECCIONES, demo.CASILLAS)

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
        self._casilla(consola)

    def _resumen(self, consola: Console, resultado: demo.ResultadoDemo, segundos: float) -> None:
        ultimo = resultado.publicacion / ULTIMO
        corte = json.loads((ultimo / "datos" / "corte.json").read_text(encoding="utf-8"))
        tabla = Table(
            title=_("Corte %(n)s, %(hora)s") % {"n": corte["corte"], "hora": corte["texto"]}
        )
        for columna in (_("elección"), _("esperadas"), _("capturadas"), _("contabilizadas"),
                        _("participación")):  # fmt: skip
            tabla.add_column(columna, justify="right" if tabla.columns else "left")
        punteros = []
        for eleccion in corte["elecciones"]:
            resumen = json.loads((ultimo / eleccion["resumen"]).read_text(encoding="utf-8"))
            t = resumen["totales"]
            tabla.add_row(
                eleccion["nombre"],
                str(t["actas_esperadas"]),
                str(t["actas_capturadas"]),
                f"{t['actas_contabilizadas']} ({t['porcentaje_actas_contabilizadas']} %)",
                f"{t['porcentaje_participacion_ciudadana']} %",
            )
            # null: the option ran nowhere in the election (docs/publicacion.md).
            votos = {
                c["corto"]: v
                for c, v in zip(eleccion["columnas"], t["votos"], strict=True)
                if v is not None
            }
            primeros = sorted(votos, key=lambda c: -votos[c])[:3]
            punteros.append(
                f"{eleccion['nombre']}: " + ", ".join(f"{c} {votos[c]:,}" for c in primeros)
            )
        consola.print(tabla)
        for linea in punteros:
            consola.print(linea)
        consola.print(
            _("Conflictos entre capturas resueltos por el verificador: %(n)s")
            % {"n": resultado.conflictos}
        )
        for c in resultado.cortes:
            consola.print(
                _("corte %(n)s  %(carpeta)s  %(a)s archivos, %(e)s bytes escritos")
                % {
                    "n": c.numero,
                    "carpeta": c.carpeta,
                    "a": f"{c.archivos:,}",
                    "e": f"{c.bytes_escritos:,}",
                },
                soft_wrap=True,
            )
        bases = corte["bases"]
        consola.print(f"{bases['archivo']}  sha256 {bases['sha256']}", soft_wrap=True)
        texto = _(
            "Publicado en %(carpeta)s (el más reciente en %(ultimo)s); compruébelo con"
            " «prep verificar %(ultimo)s»"
        )
        consola.print(texto % {"carpeta": resultado.publicacion, "ultimo": ultimo}, soft_wrap=True)
        consola.print(
            _("Listo: %(actas)s actas en %(segundos).1f s.")
            % {"actas": f"{len(resultado.sintetica.actas):,}", "segundos": segundos}
        )

    def _casilla(self, consola: Console) -> None:
        """How to try PREP Casilla with one's own phone on this network: a certificate for
        this machine's address (phones need HTTPS for the camera), the command that serves PREP
        there, and a pairing code for a phone of the first CATD."""
        centro = Centro.objects.filter(tipo=Centro.Tipo.CATD).order_by("clave").first()
        if centro is None:
            return
        direccion = direccion_en_la_red()
        certificado, llave = autofirmado(Path(settings.VAR_DIR) / "tls", [direccion])
        base = f"https://{direccion}:{PUERTO_TELEFONOS}"
        registro, codigo = emitir_emparejamiento(actor_de_consola(), centro, minutos=MINUTOS_CODIGO)
        consola.print(
            _(
                "\nPREP Casilla con su teléfono (en esta misma red): sirva PREP con\n"
                "  PREP_ALLOWED_HOSTS=%(ip)s prep servir --direccion 0.0.0.0:%(p)s"
                " --certificado %(c)s --llave %(l)s\n"
                "y abra en el teléfono %(url)s\n"
                "(código %(codigo)s para %(n)s de %(centro)s; un solo uso; vence a las %(h)s)."
                " El certificado es de prueba: Chrome pedirá confirmar la excepción."
                " Vea docs/casilla.md."
            )
            % {
                "ip": direccion,
                "p": PUERTO_TELEFONOS,
                "c": certificado,
                "l": llave,
                "url": enlace(base, codigo),
                "codigo": mostrar_codigo(codigo),
                "n": registro.nombre,
                "centro": centro.clave,
                "h": f"{timezone.localtime(registro.vence):%H:%M}",
            },
            soft_wrap=True,
            highlight=False,
        )
