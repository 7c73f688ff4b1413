"""The demo: a synthetic state election through the whole pipeline, over PREP's HTTP API.

By default a gubernatura and ayuntamientos, so a newcomer sees the real shape of a local
election (B1, B4): each municipio's own contenders (a coalition in some, a candidatura común, an
independent in a few, each with its candidate's name), voto anticipado actas per municipio and
the vote from abroad at entidad level.

A small election night (prep/simulacro/noche.py): the catálogo is imported and the night's team
set up as an administrator would; PREP is served by `prep servir` and every acta travels through
the API only: acopio at its CATD, its image uploaded by the CATD scanner or by PREP Casilla and
classified by its QR, two blind captures at the CCV (a figure misread now and then, so conflicts
occur), and the verificador resolving each conflict against the image. Meanwhile `prep publicar
--programado` publishes a corte every 20 minutes of a night that runs 60 times faster
(PREP_RELOJ), from the 20:00 start.
"""

from dataclasses import dataclass
from pathlib import Path

from prep.errores import Codigo, ErrorDeDominio
from prep.publicacion.models import Corte
from prep.simulacro.ejercicio import Ajustes, Avance
from prep.simulacro.equipo import Eleccion
from prep.simulacro.generador import EleccionSintetica
from prep.simulacro.noche import Noche, ejecutar_local

CASILLAS = 500
ELECCIONES = "GOB,AYUN"
FACTOR_RELOJ = 60  # one real second is a minute of the night: a corte every 20 s
CAPTURISTAS = 6
HILOS_SERVIDOR = 8
ERROR_DE_CAPTURA = 1 / 80  # per capture: about one acta in 40 has captures that disagree


@dataclass(frozen=True)
class ResultadoDemo:
    """What the demo produced: the cortes published under `publicacion`."""

    sintetica: EleccionSintetica
    cortes: list[Corte]
    publicacion: Path
    conflictos: int


def ejecutar(
    casillas: int,
    semilla: int,
    elecciones: tuple[str, ...],
    var: Path,
    publicacion: Path,
    avance: Avance,
) -> ResultadoDemo:
    """Run the whole demo; `avance(tarea, total)` returns a callback that advances a progress
    bar."""
    noche = Noche(
        eleccion=Eleccion(casillas, semilla, elecciones),
        prefijo="demo-",
        capturistas=CAPTURISTAS,
        verificadores=1,
        servidores=1,
        hilos=HILOS_SERVIDOR,
        factor_reloj=FACTOR_RELOJ,
    )
    resultado = ejecutar_local(
        noche, Ajustes(error_captura=ERROR_DE_CAPTURA), var, publicacion, avance
    )
    medicion = resultado.medicion
    if medicion.errores:
        # The demo shows the whole pipeline working: an operation that failed is its failure.
        raise ErrorDeDominio(
            "la demostración tuvo errores: "
            + "; ".join(f"{tipo} ({n})" for tipo, n in medicion.errores.items())
            + ". Por ejemplo: "
            + " | ".join(medicion.ejemplos[:3]),
            Codigo.DEMO_CON_ERRORES,
        )
    return ResultadoDemo(
        resultado.sintetica, resultado.cortes, publicacion, resultado.medicion.conflictos
    )
