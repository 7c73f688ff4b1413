"""A whole election night on this machine: the synthetic election imported, its team formed,
PREP served by `prep servir` processes with `prep publicar --programado` beside them on a
compressed clock, and the drill (prep/simulacro/ejercicio.py) playing the night over HTTP.
The demo is such a night, small; `prep simulacro ejecutar` without --url is one of any size."""

import resource
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, connections

from prep.publicacion.models import Corte
from prep.servidor.servidor import cpu_de
from prep.simulacro.ejercicio import Ajustes, Avance, correr
from prep.simulacro.equipo import Eleccion, Equipo
from prep.simulacro.generador import EleccionSintetica
from prep.simulacro.medicion import Medicion
from prep.simulacro.preparacion import (
    cortes_finales,
    fijar_noche,
    formar_equipo,
    noche_simulada,
    preparar_base_de_datos,
    preparar_eleccion,
    preparar_publicacion,
    servir_noche,
)


@dataclass(frozen=True)
class Noche:
    """Who works the night and what serves it."""

    eleccion: Eleccion
    prefijo: str  # of the team's names: "demo-", "simulacro-"
    capturistas: int
    verificadores: int
    servidores: int  # `prep servir` processes; clients are spread over them
    hilos: int  # threads of each
    factor_reloj: float  # how much faster than real time the night's clock runs


@dataclass(frozen=True)
class ResultadoLocal:
    """What the night produced and what the drill measured."""

    sintetica: EleccionSintetica
    equipo: Equipo
    medicion: Medicion
    cortes: list[Corte]


def _cpu() -> tuple[float, float]:
    """CPU seconds of this process and of its ended children."""
    propio = resource.getrusage(resource.RUSAGE_SELF)
    hijos = resource.getrusage(resource.RUSAGE_CHILDREN)
    return propio.ru_utime + propio.ru_stime, hijos.ru_utime + hijos.ru_stime


def cpu_postgresql() -> float | None:
    """CPU seconds of a PostgreSQL server on this machine so far (its live processes and the
    backends that ended, which count as the postmaster's children); None when none runs here
    or the system has no /proc."""
    leidos = (cpu_de(ruta.name, con_hijos=True) for ruta in Path("/proc").glob("[0-9]*"))
    segundos = [leido[1] for leido in leidos if leido is not None and leido[0] == "postgres"]
    return sum(segundos) if segundos else None


def _resta(despues: float | None, antes: float | None) -> float | None:
    return None if despues is None or antes is None else round(despues - antes, 1)


def ejecutar_local(
    noche: Noche, ajustes: Ajustes, var: Path, publicacion: Path, avance: Avance
) -> ResultadoLocal:
    """Prepare the night on this database and play it; at least two cortes are published."""
    preparar_base_de_datos()
    preparar_publicacion(publicacion)
    carpeta = var / noche.prefijo.rstrip("-")
    sintetica = preparar_eleccion(noche.eleccion, carpeta / "catalogo")
    equipo = formar_equipo(sintetica, noche.prefijo, noche.capturistas, noche.verificadores)
    ventana = fijar_noche()
    with noche_simulada(ventana.inicio.tzinfo, noche.factor_reloj):
        with servir_noche(carpeta, noche.servidores, noche.hilos) as servicios:
            propio, hijos = _cpu()
            # Only a PostgreSQL server that holds this night's database.
            local = connection.vendor == "postgresql"
            postgresql = cpu_postgresql() if local else None
            servidores = servicios.cpu_s()
            medicion = correr(servicios.urls, equipo, sintetica, ajustes, avance, publicacion)
            ahora_propio, ahora_hijos = _cpu()
            # The drawing processes have ended (and been waited for): they are the children's.
            medicion.cpu_s = {
                **{k: _resta(v, servidores[k]) for k, v in servicios.cpu_s().items()},
                "simulacro": round(ahora_propio - propio, 1),
                "dibujantes": round(ahora_hijos - hijos, 1),
                **({"postgresql": _resta(cpu_postgresql(), postgresql)} if local else {}),
            }
        connections.close_all()
        cortes_finales(ventana)
    cortes = list(Corte.objects.order_by("numero"))
    return ResultadoLocal(sintetica, equipo, medicion, cortes)
