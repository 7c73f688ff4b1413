"""Command-line options shared by `prep simulacro generar` and `prep demo`."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from prep.simulacro.generador import ELECCIONES, normalizar_elecciones

MAX_CASILLAS = 200_000


def agregar_opciones_eleccion(
    parser, elecciones: str = "GOB,DIP_LOC", casillas: int = 2000
) -> None:
    """Add --casillas, --semilla and --elecciones to a command's parser."""
    parser.add_argument(
        "--casillas",
        default=str(casillas),
        help=_("número de casillas, de 1 a 200,000 (%(n)s)") % {"n": casillas},
    )
    parser.add_argument("--semilla", default="2027", help=_("semilla, entero ≥ 0 (2027)"))
    parser.add_argument(
        "--elecciones",
        default=elecciones,
        help=_("elecciones separadas por comas, de: %(claves)s (%(omision)s)")
        % {"claves": ", ".join(ELECCIONES), "omision": elecciones},
    )


def validar_eleccion(opciones: dict) -> tuple[int, int, tuple[str, ...]]:
    """Casillas, semilla and elecciones, or CommandError with the reason in Spanish."""
    casillas = entero(opciones["casillas"], "--casillas")
    if not 1 <= casillas <= MAX_CASILLAS:
        raise CommandError(_("--casillas debe estar entre 1 y 200,000; se recibió %s") % casillas)
    semilla = entero(opciones["semilla"], "--semilla")
    if semilla < 0:
        raise CommandError(_("--semilla debe ser un entero mayor o igual que 0"))
    try:
        elecciones = normalizar_elecciones(str(opciones["elecciones"]).split(","))
    except ValueError as exc:
        raise CommandError(f"--elecciones: {exc}") from exc
    return casillas, semilla, elecciones


def entero(texto: object, opcion: str) -> int:
    """An integer option (thousands separators allowed), or CommandError in Spanish."""
    try:
        return int(str(texto).replace(",", "").replace("_", ""))
    except ValueError:
        raise CommandError(
            _("%(opcion)s debe ser un número entero; se recibió %(texto)r")
            % {"opcion": opcion, "texto": texto}
        ) from None


def barra_de_progreso(consola: Console) -> Progress:
    """The progress bar every long command shows."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=consola,
    )
