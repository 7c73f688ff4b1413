"""`prep difusor memoria`: the subcommand's arguments and its execution.

The `difusor` command adds it to its subcommands with `agregar_subcomando(subparsers)` and, when
the subcommand is `memoria`, calls `ejecutar(opciones, self.stdout)` with its parsed options.
"""

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.management.base import CommandError

from prep.difusion.memoria import formato, html, pdf
from prep.difusion.memoria.estadisticas import calcular
from prep.difusion.memoria.incidentes import leer_incidentes
from prep.difusion.memoria.informe import construir

NOMBRE = "memoria"
ZONA = "America/Mexico_City"
ARCHIVO = "memoria-tecnica"  # DIR/memoria-tecnica.html and DIR/memoria-tecnica.pdf
FECHA = "'AAAA-MM-DD HH:MM'"


def agregar_subcomando(subparsers) -> None:
    """Add `memoria` and its options to the subparsers of an argparse (or Django) parser."""
    memoria = subparsers.add_parser(
        NOMBRE,
        help="escribe la memoria técnica (HTML y PDF) a partir de las bitácoras de acceso",
        description=(
            "Lee las bitácoras de acceso del servidor web (formato «combined» de nginx o Apache,"
            " sin comprimir o en gzip; las líneas ilegibles se cuentan y se omiten) y escribe en"
            f" DIR la memoria técnica, {ARCHIVO}.html y {ARCHIVO}.pdf: visitas, páginas y hits"
            " por hora del periodo de la elección contra la hora promedio de un periodo"
            " ordinario, gráficas, páginas más consultadas, códigos de respuesta, bytes servidos"
            " y los incidentes de la bitácora de monitoreo o de recepción. Los periodos son de"
            " horas completas en hora local: de DESDE (incluida) a HASTA (excluida), como"
            " 'AAAA-MM-DD' o 'AAAA-MM-DD HH:00'."
        ),
    )
    memoria.add_argument(
        "bitacoras",
        nargs="+",
        type=Path,
        metavar="BITÁCORA",
        help="bitácoras de acceso, sin comprimir o .gz",
    )
    memoria.add_argument(
        "--salida",
        required=True,
        type=Path,
        metavar="DIR",
        help="carpeta donde se escribe la memoria (se crea si no existe)",
    )
    memoria.add_argument(
        "--eleccion",
        nargs=2,
        metavar=("DESDE", "HASTA"),
        help="periodo de la elección (por omisión, todo lo que cubren las bitácoras)",
    )
    memoria.add_argument(
        "--ordinario",
        nargs=2,
        metavar=("DESDE", "HASTA"),
        help="periodo ordinario cuya hora promedio es la referencia (sin él, no hay comparación)",
    )
    memoria.add_argument(
        "--incidentes",
        action="append",
        type=Path,
        metavar="ARCHIVO.jsonl",
        help=(
            "bitácora de incidentes o de recepción en JSON Lines, como DESTINO/.prep-difusor.jsonl"
            " (puede repetirse)"
        ),
    )
    memoria.add_argument("--difusor", metavar="NOMBRE", help="nombre del difusor oficial")
    memoria.add_argument(
        "--zona",
        default=ZONA,
        metavar="ZONA",
        help=f"zona horaria de las horas del informe (por omisión {ZONA})",
    )
    memoria.add_argument(
        "--fecha",
        metavar=FECHA,
        help="fecha de elaboración que muestra la memoria (por omisión, ahora)",
    )


def ejecutar(opciones: Mapping, stdout: TextIO) -> None:
    """Write the memoria técnica the options ask for and report what was read on `stdout`.
    Raises CommandError, in Spanish, for a bad option or a missing file."""
    zona = _zona(opciones["zona"])
    eleccion = _periodo(opciones.get("eleccion"), "--eleccion", zona)
    ordinario = _periodo(opciones.get("ordinario"), "--ordinario", zona)
    fecha = (
        _fecha(opciones["fecha"], "--fecha", zona) if opciones.get("fecha") else datetime.now(zona)
    )
    bitacoras = [_archivo(ruta) for ruta in opciones["bitacoras"]]
    rutas_incidentes = [_archivo(ruta) for ruta in opciones.get("incidentes") or []]
    try:
        resultado = calcular(bitacoras, zona, eleccion, ordinario)
    except ValueError as exc:
        raise CommandError(
            f"{exc}: no se puede deducir el periodo de la elección; indíquelo con"
            " --eleccion DESDE HASTA"
        ) from exc
    incidentes = leer_incidentes(rutas_incidentes, zona) if rutas_incidentes else None
    informe = construir(
        resultado, incidentes, zona=zona, fecha=fecha, difusor=opciones.get("difusor")
    )
    salida: Path = opciones["salida"]
    salida.mkdir(parents=True, exist_ok=True)
    destino_html, destino_pdf = salida / f"{ARCHIVO}.html", salida / f"{ARCHIVO}.pdf"
    destino_html.write_text(html.documento(informe), encoding="utf-8")
    pdf.escribir(informe, destino_pdf)

    lineas = sum(lectura.lineas for lectura in resultado.lecturas)
    ilegibles = sum(lectura.ilegibles for lectura in resultado.lecturas)
    stdout.write(
        f"Bitácoras: {len(resultado.lecturas)}; líneas: {formato.entero(lineas)};"
        f" ilegibles: {formato.entero(ilegibles)}.\n"
    )
    for lectura in resultado.lecturas:
        if lectura.error:
            stdout.write(f"Aviso: {lectura.archivo}: {lectura.error}.\n")
    eleccion_resumen = resultado.eleccion
    stdout.write(
        f"Periodo de la elección: {formato.entero(eleccion_resumen.total('visitas'))} visitas,"
        f" {formato.entero(eleccion_resumen.total('paginas'))} páginas,"
        f" {formato.entero(eleccion_resumen.total('hits'))} hits.\n"
    )
    stdout.write(f"Memoria técnica escrita en {destino_html} y {destino_pdf}.\n")


def _zona(nombre: str) -> ZoneInfo:
    try:
        return ZoneInfo(nombre)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CommandError(f"--zona: zona horaria desconocida: «{nombre}»") from exc


def _fecha(texto: str, opcion: str, zona: ZoneInfo) -> datetime:
    """A local date or date and time (ISO 8601; without offset it is in `zona`)."""
    try:
        momento = datetime.fromisoformat(texto)
    except ValueError as exc:
        raise CommandError(
            f"{opcion}: «{texto}» no es una fecha; use 'AAAA-MM-DD' o {FECHA}"
        ) from exc
    return momento.replace(tzinfo=zona) if momento.tzinfo is None else momento.astimezone(zona)


def _periodo(
    limites: list[str] | None, opcion: str, zona: ZoneInfo
) -> tuple[datetime, datetime] | None:
    if not limites:
        return None
    desde, hasta = (_fecha(texto, opcion, zona) for texto in limites)
    for momento, texto in ((desde, limites[0]), (hasta, limites[1])):
        if (momento.minute, momento.second, momento.microsecond) != (0, 0, 0):
            raise CommandError(
                f"{opcion}: los periodos son de horas completas; «{texto}» no es una hora en punto"
            )
    if hasta <= desde:
        raise CommandError(f"{opcion}: HASTA debe ser posterior a DESDE")
    return desde, hasta


def _archivo(ruta: Path) -> Path:
    if not ruta.is_file():
        raise CommandError(f"no existe el archivo «{ruta}»")
    return ruta
