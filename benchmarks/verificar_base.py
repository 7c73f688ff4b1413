"""Time `prep verificar-base` on national-size databases: reading and checking every row.

    python benchmarks/verificar_base.py [--casillas 170000] [--semilla 1]

Each federal election of the national synthetic one (PRES, SEN, DIP_FED: ≈ 170,000 rows each)
is written as its published CSV by the project's own writer, then read (`leer_base`) and checked
(`verificar`) as the order does; only those two steps are timed, not the generation. The
checker recomputes the header and every row: every file must come out in agreement.
"""

import io
import resource
import time
from datetime import datetime

from comun import FEDERALES, argumentos

from prep.publicacion.base_ine.escritura import FilaActa, escribir_base
from prep.publicacion.base_ine.lectura import leer_texto
from prep.publicacion.base_ine.verificacion import verificar
from prep.reglas.agregacion import agregar
from prep.simulacro.generador import generar
from prep.simulacro.motor import actas_del_motor

COLUMNAS = ("CLAVE_CASILLA", "CLAVE_ACTA", "ID_ENTIDAD", "ID_DISTRITO_FEDERAL", "SECCION")
COLUMNAS_ESCRITOR = (*COLUMNAS, "TIPO_CASILLA")
CORTE = datetime.fromisoformat("2027-06-06T23:40:00-06:00")


def _texto(actas: list, columnas_voto: tuple[str, ...]) -> str:
    resultados = agregar(actas, len(columnas_voto))
    filas = []
    for acta in actas:
        u = acta.ubicacion
        identificacion = (
            f"'{u.casilla}'",
            f"'{acta.clave}'",
            *("-" if x is None else str(x) for x in (u.entidad, u.distrito, u.seccion)),
            acta.tipo_casilla,
        )
        filas.append(FilaActa(identificacion, acta))
    destino = io.StringIO()
    escribir_base(
        destino,
        nombre_eleccion="Presidencia",
        corte=CORTE,
        totales=resultados.total,
        corte_final=False,
        columnas_identificacion=COLUMNAS_ESCRITOR,
        columnas_voto=columnas_voto,
        filas=filas,
        evaluaciones=resultados.evaluaciones,
    )
    return destino.getvalue()


def medir(casillas: int, semilla: int) -> None:
    """Print, per election, the rows and the seconds to read and to check; then the process's
    peak memory (generation included)."""
    sintetica = generar(casillas, semilla, FEDERALES)
    total_filas, total_segundos = 0, 0.0
    for eleccion in FEDERALES:
        columnas = tuple(sintetica.columnas[eleccion])
        texto = _texto(actas_del_motor(sintetica, eleccion), columnas)
        inicio = time.perf_counter()
        base = leer_texto(texto)
        leido = time.perf_counter() - inicio
        resultado = verificar(base)
        total = time.perf_counter() - inicio
        desacuerdo = len(resultado.filas_en_desacuerdo)
        assert resultado.encabezado_coincide and desacuerdo == 0, eleccion
        filas = len(base.filas)
        total_filas += filas
        total_segundos += total
        print(
            f"{eleccion:8} {filas:9,} filas ({len(texto) / 1e6:5.1f} MB)  leer {leido:5.2f} s"
            f"  verificar {total - leido:5.2f} s  total {total:5.2f} s"
            f"  {filas / total:8,.0f} filas/s"
        )
    pico = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"en total {total_filas:,} filas en {total_segundos:.1f} s"
        f" ({total_filas / total_segundos:,.0f} filas/s); memoria pico del proceso {pico:,.0f} MiB"
    )


def main() -> None:
    """Parse the arguments and measure."""
    opciones = argumentos(__doc__.splitlines()[0])
    medir(opciones.casillas, opciones.semilla)


if __name__ == "__main__":
    main()
