"""The scrub of the image store (`prep imagenes verificar`): every image the database knows is
read from every copy and its bytes hashed against its name; with `reparar`, a missing or
corrupt copy is written again from a good one (`reponer`: an atomic replace of a local file, a
PUT with its SHA-256 checksum to S3).

The images are streamed in batches by primary key (a national election has ~500k of them: none
is held beyond its batch) and each batch is checked by a pool of threads, since the work is
reading files and objects. The result goes to the bitácora, one entry per run.
"""

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import Enum

from django.db import transaction

from prep.bitacora.servicios import registrar
from prep.cuentas.identidad import Actor
from prep.digitalizacion.almacen import (
    Almacen,
    AlmacenReplicado,
    Copia,
    ImagenCorrupta,
    ImagenFaltante,
    almacen,
    explicar,
)
from prep.digitalizacion.models import Imagen

logger = logging.getLogger(__name__)

LOTE = 1000  # images per database query
HILOS = 16  # images checked at once
MUESTRA = 100  # digests of unrecoverable images kept in the result and the bitácora


class Estado(Enum):
    """What one copy of one image was found to be."""

    BUENA = "buena"
    FALTANTE = "faltante"
    CORRUPTA = "corrupta"
    ERROR = "error"  # the backend did not answer: the copy's state is unknown


@dataclass
class CuentaCopia:
    """The scrub's counts for one backend."""

    copia: str
    revisadas: int = 0
    faltantes: int = 0
    corruptas: int = 0
    con_error: int = 0
    reparadas: int = 0
    irrecuperables: int = 0  # bad here, and no good copy anywhere to repair it from


@dataclass
class Verificacion:
    """The result of a scrub."""

    requeridas: int
    reparar: bool
    copias: list[CuentaCopia]
    imagenes: int = 0
    insuficientes: int = 0  # images left with fewer good copies than required
    sin_copia_buena: int = 0  # images with no good copy at all
    muestra_sin_copia: list[str] = field(default_factory=list)
    segundos: float = 0.0

    @property
    def correcta(self) -> bool:
        """True when every image ends with at least its required good copies."""
        return self.insuficientes == 0

    def resumen(self) -> dict:
        """The result as the bitácora keeps it."""
        return {
            "imagenes": self.imagenes,
            "requeridas": self.requeridas,
            "reparar": self.reparar,
            "insuficientes": self.insuficientes,
            "sin_copia_buena": self.sin_copia_buena,
            "muestra_sin_copia": self.muestra_sin_copia,
            "segundos": round(self.segundos, 3),
            "copias": [vars(cuenta) for cuenta in self.copias],
        }


@dataclass(frozen=True)
class _Revision:
    """One image across the copies: each copy's state as found, and whether it was repaired."""

    sha256: str
    estados: tuple[Estado, ...]
    reparadas: tuple[bool, ...]


def copias_de(tienda: Almacen) -> tuple[list[Copia], int]:
    """A store's backends and how many copies an image needs (a single backend: 1)."""
    if isinstance(tienda, AlmacenReplicado):
        return tienda.copias, tienda.requeridas
    return [tienda], 1


def _digestos(lote: int) -> Iterator[list[str]]:
    """The digests of every Imagen, in batches, by primary key (no open cursor between
    batches, so images received meanwhile are checked too when their key comes)."""
    ultimo = 0
    while True:
        filas = list(
            Imagen.objects.filter(pk__gt=ultimo).order_by("pk").values_list("pk", "sha256")[:lote]
        )
        if not filas:
            return
        yield [sha256 for _pk, sha256 in filas]
        ultimo = filas[-1][0]


def _leer(copia: Copia, sha256: str) -> tuple[Estado, bytes | None]:
    try:
        return Estado.BUENA, copia.leer(sha256)
    except ImagenFaltante:
        return Estado.FALTANTE, None
    except ImagenCorrupta:
        return Estado.CORRUPTA, None
    except Exception as exc:
        # Counted in the report; a backend that is down would otherwise log every image.
        logger.debug("copia %s: no se pudo leer %s: %s", copia.descripcion, sha256, explicar(exc))
        return Estado.ERROR, None


def revisar(sha256: str, copias: Sequence[Copia], reparar: bool) -> _Revision:
    """Check one image in every copy and, with `reparar`, rewrite the missing or corrupt ones
    from the first good one."""
    estados, buenos = [], None
    for copia in copias:
        estado, datos = _leer(copia, sha256)
        estados.append(estado)
        if buenos is None:
            # Only the first good copy's bytes are kept (images reach 15 MB; 16 at once).
            buenos = datos
    reparadas = []
    for copia, estado in zip(copias, estados, strict=True):
        reparada = False
        if reparar and buenos is not None and estado in {Estado.FALTANTE, Estado.CORRUPTA}:
            try:
                copia.reponer(buenos)
                reparada = True
            except Exception as exc:
                logger.warning(
                    "copia %s: no se pudo reponer %s: %s",
                    copia.descripcion,
                    sha256,
                    explicar(exc),
                )
        reparadas.append(reparada)
    return _Revision(sha256, tuple(estados), tuple(reparadas))


def _sumar(resultado: Verificacion, revision: _Revision) -> None:
    resultado.imagenes += 1
    buenas = 0
    hay_buena = Estado.BUENA in revision.estados
    for cuenta, estado, reparada in zip(
        resultado.copias, revision.estados, revision.reparadas, strict=True
    ):
        cuenta.revisadas += 1
        if estado is Estado.FALTANTE:
            cuenta.faltantes += 1
        elif estado is Estado.CORRUPTA:
            cuenta.corruptas += 1
        elif estado is Estado.ERROR:
            cuenta.con_error += 1
        if reparada:
            cuenta.reparadas += 1
        elif estado in {Estado.FALTANTE, Estado.CORRUPTA} and not hay_buena:
            cuenta.irrecuperables += 1
        if estado is Estado.BUENA or reparada:
            buenas += 1
    if buenas < resultado.requeridas:
        resultado.insuficientes += 1
    if not hay_buena:
        resultado.sin_copia_buena += 1
        if len(resultado.muestra_sin_copia) < MUESTRA:
            resultado.muestra_sin_copia.append(revision.sha256)


def verificar(
    actor: Actor,
    reparar: bool = False,
    tienda: Almacen | None = None,
    hilos: int = HILOS,
    lote: int = LOTE,
    al_avanzar: Callable[[Verificacion], None] = lambda resultado: None,
) -> Verificacion:
    """Scrub every image the database knows in every copy of `tienda` (default: the configured
    store), repairing when asked; record the result in the bitácora as `actor` and return it.
    `al_avanzar` is called after each batch (progress)."""
    copias, requeridas = copias_de(tienda or almacen())
    resultado = Verificacion(requeridas, reparar, [CuentaCopia(c.descripcion) for c in copias])
    inicio = time.monotonic()
    with ThreadPoolExecutor(hilos, thread_name_prefix="verificar") as trabajadores:
        for digestos in _digestos(lote):
            for revision in trabajadores.map(lambda s: revisar(s, copias, reparar), digestos):
                _sumar(resultado, revision)
            al_avanzar(resultado)
    resultado.segundos = time.monotonic() - inicio
    with transaction.atomic():
        registrar(
            actor.nombre,
            "digitalizacion.verificar_almacen",
            "almacen:imagenes",
            None,
            resultado.resumen(),
        )
    return resultado
