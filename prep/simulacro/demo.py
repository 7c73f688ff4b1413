"""The demo: a synthetic state election through the pipeline, from catálogo to results databases.

Everything is derived from the seed (times included), so two runs write byte-identical files.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.db import transaction

from prep.actas import servicios
from prep.actas.models import Acta
from prep.catalogo.importacion import importar
from prep.catalogo.models import ActaEsperada, Eleccion, ProcesoElectoral
from prep.publicacion.base_datos import BasePublicada, escribir_bases
from prep.reglas.acta import Registro
from prep.simulacro.escritura import escribir
from prep.simulacro.generador import ActaSintetica, EleccionSintetica, generar

ZONA = ZoneInfo("America/Mexico_City")
INICIO_PUBLICACION = datetime(2027, 6, 6, 20, 0, tzinfo=ZONA)
DURACION_OPERACION = timedelta(hours=16)
LOTE = 500  # actas per transaction batch while recording


@dataclass(frozen=True)
class ResultadoDemo:
    """What the demo produced."""

    sintetica: EleccionSintetica
    bases: list[BasePublicada]
    directorio: Path
    corte: datetime


def preparar_base_de_datos() -> None:
    """Create or update the schema, and remove a previous demo's data (never anyone else's)."""
    call_command("migrate", verbosity=0, interactive=False)
    procesos = list(ProcesoElectoral.objects.all())
    if any(not p.nombre.startswith("Simulacro") for p in procesos):
        raise servicios.ErrorDeDominio(
            "la base de datos ya contiene un proceso electoral que no es de demostración; "
            "use otra base (PREP_DATABASE_URL) para la demostración"
        )
    if procesos:
        from prep.catalogo.importacion import vaciar_catalogo

        vaciar_catalogo()


def _momentos(indice: int, total: int) -> tuple[datetime, datetime, datetime]:
    """Acopio, captura and verificación of the i-th acta, spread over election night."""
    acopio = INICIO_PUBLICACION - timedelta(hours=1) + DURACION_OPERACION * indice / max(total, 1)
    acopio = acopio.replace(microsecond=0)
    return acopio, acopio + timedelta(minutes=4), acopio + timedelta(minutes=9)


def registrar_actas(
    sintetica: EleccionSintetica, avanzar: Callable[[int], None] = lambda n: None
) -> datetime:
    """Record every synthetic acta through the domain services; return the last verification."""
    elecciones = {e.tipo: e for e in Eleccion.objects.all()}
    esperadas = {
        (a.eleccion.tipo, a.clave): a
        for a in ActaEsperada.objects.select_related("eleccion", "casilla__seccion__entidad")
    }
    columnas = {tipo: list(cols) for tipo, cols in sintetica.columnas.items()}
    ultima = INICIO_PUBLICACION
    actas = sintetica.actas
    for inicio in range(0, len(actas), LOTE):
        lote = actas[inicio : inicio + LOTE]
        with transaction.atomic():
            for i, acta in enumerate(lote, start=inicio):
                momento = _registrar(acta, i, len(actas), elecciones, esperadas, columnas)
                ultima = max(ultima, momento)
        avanzar(len(lote))
    return ultima


def _registrar(
    acta: ActaSintetica, indice: int, total: int, elecciones, esperadas, columnas
) -> datetime:
    acopio, captura, verificacion = _momentos(indice, total)
    if acta.registro is Registro.PENDIENTE:
        return acopio
    if acta.registro is Registro.FUERA_CATALOGO:
        servicios.registrar_fuera_de_catalogo(
            elecciones[acta.eleccion], acta.identificacion, momento=acopio
        )
        return acopio
    esperada = esperadas[(acta.eleccion, acta.clave_acta)]
    if acta.registro is Registro.SIN_ACTA:
        servicios.registrar_sin_acta(esperada, acta.causa_sin_acta, momento=verificacion)
        return verificacion
    cols = columnas[acta.eleccion]
    # One acta in five arrives by PREP Casilla (a phone at the casilla), the rest by CATD scanner.
    desde_casilla = indice % 5 == 0
    servicios.registrar_resultado(
        esperada,
        servicios.CifrasActa(dict(zip(cols, acta.votos, strict=True)), acta.otras),
        columnas=cols,
        momento=verificacion,
        acopio=acopio,
        captura=captura,
        origen=Acta.Origen.CASILLA if desde_casilla else Acta.Origen.CATD,
        digitalizacion=Acta.Digitalizacion.MOVIL if desde_casilla else Acta.Digitalizacion.ESCANER,
    )
    return verificacion


def hora_de_corte(ultima: datetime) -> datetime:
    """The first 20-minute boundary after the last verification (RE 339: ≥ 3 cortes per hour)."""
    ultima = ultima.astimezone(ZONA)
    base = ultima.replace(minute=0, second=0, microsecond=0)
    minutos = (ultima - base).total_seconds() / 60
    return base + timedelta(minutes=20 * (int(minutos // 20) + 1))


def ejecutar(
    casillas: int,
    semilla: int,
    elecciones: tuple[str, ...],
    var: Path,
    publicacion: Path,
    avance: Callable[[str, int], Callable[[int], None]],
) -> ResultadoDemo:
    """Run the whole demo.

    `avance(tarea, total)` returns a callback that advances a progress bar.
    """
    preparar_base_de_datos()
    sintetica = generar(casillas, semilla, elecciones)
    catalogo = var / "demo" / "catalogo"
    escribir(sintetica, catalogo)
    importar(catalogo)
    ultima = registrar_actas(sintetica, avance("Registrando actas", len(sintetica.actas)))
    corte = hora_de_corte(ultima)
    directorio = publicacion / f"{corte:%Y%m%d_%H%M}_PREP"
    bases = escribir_bases(directorio, corte)
    return ResultadoDemo(sintetica, bases, directorio, corte)
