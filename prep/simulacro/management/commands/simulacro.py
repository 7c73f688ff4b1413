"""`prep simulacro`: synthetic elections at any scale, written as a catálogo, actas and images."""

import errno
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rich.console import Console
from rich.table import Table

from prep.orden import Orden
from prep.simulacro import imagenes, ordenes
from prep.simulacro.escritura import archivos, escribir
from prep.simulacro.generador import (
    CASOS,
    EleccionSintetica,
    Proporciones,
    generar,
)
from prep.simulacro.opciones import (
    agregar_opciones_eleccion,
    barra_de_progreso,
    entero,
    validar_eleccion,
)

MAX_SUMA_PROPORCIONES = 0.5
ETIQUETAS_CASOS = {
    "sin_acta": gettext_lazy("Sin Acta"),
    "fuera_catalogo": gettext_lazy("fuera de catálogo"),
    "ilegible": gettext_lazy("con campos ilegibles"),
    "sin_dato": gettext_lazy("con campos sin dato"),
    "todos_ilegibles": gettext_lazy("todos los campos ilegibles"),
    "todos_vacios": gettext_lazy("todos los campos vacíos"),
    "excede": gettext_lazy("excede lista nominal"),
    "pendiente": gettext_lazy("pendientes"),
}


@dataclass(frozen=True)
class Pedido:
    """The validated arguments of `prep simulacro generar`."""

    casillas: int
    semilla: int
    elecciones: tuple[str, ...]
    salida: Path
    imagenes: int | None  # None: every acta with an image
    proporciones: Proporciones


class Command(Orden):
    help = _(
        "Simulacros: generar elecciones sintéticas a cualquier escala.\n"
        "Escribe el catálogo en CSV (listo para prep catalogo importar), las actas en JSON y,"
        " si se piden, imágenes de actas."
    )
    # `generar` writes files; `preparar` and `ejecutar` prepare their database themselves
    # (migrations included), or drive a remote one by --url.
    requiere_base = False

    def add_arguments(self, parser):
        acciones = parser.add_subparsers(dest="accion", required=True, metavar="ACCIÓN")
        generar_ = acciones.add_parser(
            "generar",
            help=_("generar una elección sintética y escribirla en una carpeta"),
            description=_(
                "Genera una elección sintética determinista (misma semilla, mismos archivos)"
                " con sus inconsistencias inyectadas."
            ),
        )
        agregar_opciones_eleccion(generar_)
        generar_.add_argument(
            "--salida",
            default=None,
            help=_("carpeta de salida (VAR/simulacro, p. ej. ./var/simulacro)"),
        )
        generar_.add_argument(
            "--imagenes",
            default="0",
            help=_("imágenes de actas a dibujar en SALIDA/imagenes/: un número o 'todas' (0)"),
        )
        generar_.add_argument(
            "--proporciones",
            default="",
            help=_("proporciones de cada caso, p. ej. ilegible=0.05,excede=0.01; casos: %(casos)s")
            % {"casos": ", ".join(CASOS)},
        )

        preparar_ = acciones.add_parser(
            "preparar",
            help=_("preparar en esta base un simulacro que otra máquina ejecutará por HTTP"),
            description=_(
                "Importa la elección sintética, forma el equipo (CATD, capturistas,"
                " verificadores, dispositivos) y escribe el archivo del equipo para"
                " «prep simulacro ejecutar --url»."
            ),
        )
        ordenes.opciones_preparar(preparar_)
        ejecutar_ = acciones.add_parser(
            "ejecutar",
            help=_("simulacro de la noche por la API HTTP real, con informe de tiempos"),
            description=_(
                "Operadores y dispositivos simulados, muchos a la vez, llevan cada acta por"
                " acopio, digitalización, doble captura y verificación a través de la API,"
                " mientras «prep publicar --programado» hace los cortes. Sin --url prepara y"
                " sirve la noche aquí mismo; con --url ejercita un despliegue remoto."
            ),
        )
        ordenes.opciones_ejecutar(ejecutar_)

    def handle(self, *args, accion: str, **opciones):
        # Piped to a file or a log, the report's tables keep a readable width.
        consola = Console(file=self.stdout, width=None if self.stdout.isatty() else 120)
        if accion == "preparar":
            ordenes.preparar(opciones, consola)
            return
        if accion == "ejecutar":
            if ordenes.ejecutar(opciones, consola):
                raise CommandError(_("el simulacro terminó con errores"), returncode=1)
            return
        pedido = validar(opciones)
        inicio = time.perf_counter()
        with barra_de_progreso(consola) as progreso:
            tarea = progreso.add_task(_("Generando la elección sintética"), total=1)
            sintetica = generar(
                pedido.casillas, pedido.semilla, pedido.elecciones, pedido.proporciones
            )
            progreso.advance(tarea)
            tarea = progreso.add_task(_("Escribiendo catálogo y actas"), total=1)
            escribir(sintetica, pedido.salida)
            progreso.advance(tarea)
            indices = imagenes.seleccionar(sintetica, pedido.imagenes)
            if indices:
                tarea = progreso.add_task(_("Dibujando actas"), total=len(indices))
                imagenes.escribir_imagenes(
                    sintetica,
                    indices,
                    pedido.salida / "imagenes",
                    lambda n: progreso.advance(tarea, n),
                )
        _resumen(consola, sintetica, pedido, len(indices), time.perf_counter() - inicio)


def validar(opciones: dict) -> Pedido:
    """The arguments as a Pedido, or CommandError with the reason in Spanish."""
    casillas, semilla, elecciones = validar_eleccion(opciones)
    return Pedido(
        casillas=casillas,
        semilla=semilla,
        elecciones=elecciones,
        salida=_carpeta(opciones["salida"]),
        imagenes=_imagenes(opciones["imagenes"]),
        proporciones=_proporciones(opciones["proporciones"]),
    )


def _imagenes(texto: str) -> int | None:
    if texto.strip().lower() == "todas":
        return None
    cuantas = entero(texto, "--imagenes")
    if cuantas < 0:
        raise CommandError(_("--imagenes debe ser 0 o más, o 'todas'"))
    return cuantas


def _proporciones(texto: str) -> Proporciones:
    """Parse `clave=valor,...` over the defaults."""
    valores: dict[str, float] = {}
    for par in filter(None, (p.strip() for p in texto.split(","))):
        clave, signo, valor = par.partition("=")
        clave = clave.strip()
        if not signo or clave not in CASOS:
            raise CommandError(
                _("--proporciones: %(par)r no es clave=valor con una clave de: %(casos)s")
                % {"par": par, "casos": ", ".join(CASOS)}
            )
        try:
            valores[clave] = float(valor)
        except ValueError:
            raise CommandError(
                _("--proporciones: el valor de %(clave)s no es un número: %(valor)r")
                % {"clave": clave, "valor": valor}
            ) from None
    proporciones = Proporciones(**valores)
    try:
        proporciones.validar(MAX_SUMA_PROPORCIONES)
    except ValueError as exc:
        raise CommandError(f"--proporciones: {exc}") from exc
    return proporciones


def _carpeta(texto: str | None) -> Path:
    """The output folder, created; CommandError if it cannot be written."""
    carpeta = Path(texto) if texto else Path(settings.VAR_DIR) / "simulacro"
    try:
        carpeta.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=carpeta):
            pass
    except OSError as exc:
        raise CommandError(
            _("no se puede escribir en la carpeta %(carpeta)s: %(error)s")
            % {"carpeta": carpeta, "error": _CAUSAS_ERROR.get(exc.errno, exc.strerror or exc)}
        ) from exc
    return carpeta


# The usual reasons a folder cannot be written, in Spanish (the system's text is in English).
_CAUSAS_ERROR = {
    errno.EACCES: _("permiso denegado"),
    errno.EPERM: _("operación no permitida"),
    errno.ENOTDIR: _("una parte de la ruta es un archivo, no una carpeta"),
    errno.EEXIST: _("ya existe un archivo con ese nombre"),
    errno.EROFS: _("el sistema de archivos es de solo lectura"),
    errno.ENOSPC: _("no queda espacio en el disco"),
}


def _resumen(
    consola: Console, sintetica: EleccionSintetica, pedido: Pedido, dibujadas: int, segundos: float
) -> None:
    """What was generated, in Spanish: actas and injected cases per election, files, time."""
    titulo = _("Simulacro: %(casillas)s casillas, semilla %(semilla)s") % {
        "casillas": f"{sintetica.casillas:,}",
        "semilla": sintetica.semilla,
    }
    tabla = Table(title=titulo)
    tabla.add_column("")
    for eleccion in sintetica.elecciones:
        tabla.add_column(eleccion, justify="right")
    actas = Counter(a.eleccion for a in sintetica.actas)
    tabla.add_row(_("actas"), *(f"{actas[e]:,}" for e in sintetica.elecciones))
    for caso in CASOS:
        fila = (f"{sintetica.casos[e][caso]:,}" for e in sintetica.elecciones)
        tabla.add_row(str(ETIQUETAS_CASOS[caso]), *fila)
    consola.print(tabla)
    consola.print(
        _("Archivos en %(carpeta)s: %(archivos)s")
        % {"carpeta": pedido.salida, "archivos": ", ".join(archivos())}
    )
    if dibujadas:
        consola.print(
            _("Imágenes de actas: %(n)s en %(carpeta)s")
            % {"n": f"{dibujadas:,}", "carpeta": pedido.salida / "imagenes"}
        )
    consola.print(_("Listo en %(segundos).1f s.") % {"segundos": segundos})
