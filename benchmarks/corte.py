"""Corte generation for the national synthetic election: a full corte, then an incremental one
after 10,000 more actas; seconds and bytes written each time.

    python benchmarks/corte.py [--casillas 170000] [--semilla 1] [--incremento 10000]

Fresh SQLite in a temporary folder (or the empty PostgreSQL database named by
PREP_DATABASE_URL). The actas are loaded verified, with their figures, by the direct load in
bulk (`transiciones.crear_en_bloque`, one bitácora entry each) because this measures
publication, not capture; they carry no image, so the corte has none (an image is written
once, then hard-linked by every later corte).
"""

import argparse
import os
import time
from datetime import datetime, timedelta

import comun


def cortes_nacionales(casillas: int, semilla: int, incremento: int) -> list:
    """Build the national election on a fresh database and publish a full corte, then an
    incremental one after `incremento` more actas; the two Corte rows (printing the figures)."""
    temporal = comun.base_nueva()
    os.environ.setdefault("PREP_PUBLICACION_DIR", str(temporal / "publicacion"))
    from django.conf import settings

    settings.PREP_PUBLICACION_DIR = temporal / "publicacion"
    settings.PREP_LLAVE_FIRMA = temporal / "llave.pem"

    from prep.catalogo.importacion import importar
    from prep.catalogo.models import ActaEsperada, Eleccion, ProcesoElectoral
    from prep.cuentas.identidad import SISTEMA
    from prep.difusion.models import publicados
    from prep.publicacion import llaves, programacion
    from prep.publicacion.corte import publicar
    from prep.reglas.acta import Registro
    from prep.simulacro.escritura import escribir
    from prep.simulacro.generador import generar

    inicio = time.perf_counter()
    sintetica = generar(casillas, semilla, comun.FEDERALES)
    escribir(sintetica, temporal / "catalogo")
    importar(temporal / "catalogo")
    print(f"catálogo: {len(sintetica.actas):,} actas en {time.perf_counter() - inicio:.1f} s")

    proceso = ProcesoElectoral.objects.get()
    elecciones = {e.tipo: e.pk for e in Eleccion.objects.all()}
    apertura = datetime(2027, 6, 6, 20, 0, tzinfo=programacion.zona_de(proceso))
    programacion.fijar_calendario(SISTEMA, proceso, apertura, apertura + timedelta(hours=20))
    llaves.generar()
    ids = {
        (tipo, clave): pk
        for pk, tipo, clave in (
            (e.pk, e.eleccion.tipo, e.clave)
            for e in ActaEsperada.objects.select_related("eleccion", "casilla__seccion__entidad")
        )
    }
    capturadas = [a for a in sintetica.actas if a.registro is Registro.CAPTURADA]
    hora = apertura - timedelta(minutes=30)

    def cargar(actas) -> None:
        """Record verified actas in bulk."""
        comun.cargar_verificadas(comun.acta_verificada(a, elecciones, ids, hora) for a in actas)

    inicio = time.perf_counter()
    cargar(capturadas[:-incremento])
    cargadas = len(capturadas) - incremento
    print(f"{cargadas:,} actas verificadas cargadas en {time.perf_counter() - inicio:.1f} s")

    cortes = []
    for n, (momento, cuantas) in enumerate(
        ((apertura, None), (apertura + timedelta(minutes=20), incremento))
    ):
        if cuantas:
            cargar(capturadas[-cuantas:])
        inicio = time.perf_counter()
        corte = publicar(momento, difusores=publicados)
        segundos = time.perf_counter() - inicio
        tipo = "completo" if n == 0 else f"incremental (+{cuantas:,} actas)"
        print(
            f"corte {corte.numero} {tipo}: {segundos:.1f} s, {corte.archivos:,} archivos,"
            f" {corte.bytes_totales / 1e6:,.1f} MB en total,"
            f" {corte.bytes_escritos / 1e6:,.1f} MB escritos"
        )
        cortes.append(corte)
    return cortes


def argumentos(parser: argparse.ArgumentParser) -> None:
    """--casillas, --semilla and --incremento (also used by benchmarks/difusion.py)."""
    parser.add_argument("--casillas", type=int, default=170_000)
    parser.add_argument("--semilla", type=int, default=1)
    parser.add_argument("--incremento", type=int, default=10_000)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    argumentos(parser)
    args = parser.parse_args()
    cortes_nacionales(args.casillas, args.semilla, args.incremento)
