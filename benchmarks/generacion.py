"""Time the synthetic election at national size: generar, escribir and, optionally, images.

    python benchmarks/generacion.py [--casillas 170000] [--semilla 1] [--imagenes 0]

Prints seconds, actas, actas per second and peak memory (resident set, from getrusage).
"""

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from prep.catalogo.elecciones import FEDERALES
from prep.simulacro import imagenes
from prep.simulacro.escritura import escribir
from prep.simulacro.generador import generar


def memoria_maxima_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def medir(casillas: int, semilla: int, cuantas_imagenes: int, salida: Path) -> None:
    """Run and print each phase's figures."""
    inicio = time.perf_counter()
    sintetica = generar(casillas, semilla, FEDERALES)
    generado = time.perf_counter() - inicio
    actas = len(sintetica.actas)
    print(f"casillas:  {casillas:,}  elecciones: {','.join(FEDERALES)}  actas: {actas:,}")
    print(
        f"generar:   {generado:6.2f} s  {actas / generado:10,.0f} actas/s"
        f"  memoria máxima {memoria_maxima_mb():,.0f} MB"
    )
    inicio = time.perf_counter()
    escribir(sintetica, salida)
    escrito = time.perf_counter() - inicio
    tamano = sum(p.stat().st_size for p in salida.iterdir() if p.is_file()) / 2**20
    print(
        f"escribir:  {escrito:6.2f} s  {actas / escrito:10,.0f} actas/s"
        f"  {tamano:,.0f} MB  memoria máxima {memoria_maxima_mb():,.0f} MB"
    )
    if cuantas_imagenes:
        medir_imagenes(sintetica, cuantas_imagenes, salida / "imagenes")


def medir_imagenes(sintetica, cuantas: int, carpeta: Path) -> None:
    """Images per second, one process and every CPU."""
    indices = imagenes.seleccionar(sintetica, cuantas)
    inicio = time.perf_counter()
    for i in indices:
        acta = sintetica.actas[i]
        imagenes.dibujar_acta(acta, i)
    serie = time.perf_counter() - inicio
    inicio = time.perf_counter()
    total = imagenes.escribir_imagenes(sintetica, indices, carpeta)
    paralelo = time.perf_counter() - inicio
    print(
        f"imágenes:  {len(indices)} en {serie:.1f} s ({len(indices) / serie:.1f}/s, un proceso);"
        f" {len(indices) / paralelo:.1f}/s en paralelo; {total / len(indices) / 1024:.0f} KB c/u"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Mide la generación de un simulacro nacional.")
    parser.add_argument("--casillas", type=int, default=170_000)
    parser.add_argument("--semilla", type=int, default=1)
    parser.add_argument("--imagenes", type=int, default=0, help="imágenes a dibujar y medir")
    parser.add_argument("--salida", type=Path, help="carpeta (por omisión, una temporal)")
    args = parser.parse_args(argv)
    if args.salida:
        medir(args.casillas, args.semilla, args.imagenes, args.salida)
        return
    with tempfile.TemporaryDirectory() as carpeta:
        medir(args.casillas, args.semilla, args.imagenes, Path(carpeta))


if __name__ == "__main__":
    sys.exit(main())
