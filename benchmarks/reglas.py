"""Time the rule engine at national size: evaluation and aggregation of ≈500,000 actas.

    python benchmarks/reglas.py [--casillas 170000] [--semilla 1]

The actas are the national synthetic election (PRES, SEN, DIP_FED); only the rule engine is
timed, not the generation.
"""

import time

from comun import FEDERALES, argumentos

from prep.reglas.agregacion import Nivel, agregar
from prep.reglas.evaluacion import evaluar
from prep.simulacro.generador import generar
from prep.simulacro.motor import actas_del_motor


def medir(casillas: int, semilla: int) -> None:
    """Print evaluation and aggregation figures for every election and in total."""
    sintetica = generar(casillas, semilla, FEDERALES)
    por_eleccion = {e: actas_del_motor(sintetica, e) for e in FEDERALES}
    total = sum(len(a) for a in por_eleccion.values())
    print(f"casillas: {casillas:,}  actas: {total:,}")

    inicio = time.perf_counter()
    for actas in por_eleccion.values():
        for acta in actas:
            evaluar(acta)
    evaluado = time.perf_counter() - inicio
    print(f"evaluar:           {evaluado:6.2f} s  {total / evaluado:10,.0f} actas/s")

    inicio = time.perf_counter()
    nodos = 0
    for eleccion, actas in por_eleccion.items():
        resultados = agregar(actas, len(sintetica.columnas[eleccion]))
        nodos += sum(len(resultados.niveles[n]) for n in Nivel)
    agregado = time.perf_counter() - inicio
    print(
        f"evaluar + agregar: {agregado:6.2f} s  {total / agregado:10,.0f} actas/s"
        f"  ({nodos:,} nodos en 5 niveles)"
    )


def main() -> None:
    """Parse the arguments and measure."""
    opciones = argumentos(__doc__.splitlines()[0])
    medir(opciones.casillas, opciones.semilla)


if __name__ == "__main__":
    main()
