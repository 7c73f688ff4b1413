"""Time the coordinator's tablero on a national catálogo with every acta recorded.

    python benchmarks/tablero.py [--casillas 170000]

Imports the national synthetic catálogo (≈ 510,000 actas esperadas), records an acta for each
in a spread of states with acopio and verificación times (through `transiciones`, in bulk),
registers one CATD per distrito federal plus CCVs, and times the tablero of an administrador
(every centro) and of one CATD's coordinador. Uses a fresh SQLite database in a temporary
folder, or the empty PostgreSQL database named by PREP_DATABASE_URL.
"""

import statistics
import time
from datetime import UTC, datetime, timedelta

from comun import argumentos, base_nueva, importar_catalogo_nacional

ESTADOS = (
    ["verificada"] * 7
    + ["acopiada", "digitalizada", "capturada_1", "capturada_2", "en_conflicto"]
    + ["sin_acta"]
)
INICIO = datetime(2027, 6, 6, 20, 0, tzinfo=UTC)


def _filas(esperadas: list[tuple[int, int]]):
    for acta_id, eleccion_id in esperadas:
        estado = ESTADOS[acta_id % len(ESTADOS)]
        acopio = INICIO + timedelta(seconds=acta_id % 36_000)
        verificada = estado == "verificada"
        verificacion = acopio + timedelta(seconds=60 + acta_id % 1_800) if verificada else None
        yield (
            estado,
            {
                "eleccion_id": eleccion_id,
                "acta_esperada_id": acta_id,
                "fecha_hora_acopio": acopio,
                "fecha_hora_verificacion": verificacion,
                "origen": "CATD",
                "digitalizacion": "Escáner",
            },
        )


def registrar_actas() -> int:
    """One acta record per acta esperada, each taken to its state along the life cycle, in bulk
    (`transiciones.crear_en_bloque`: one bitácora entry per acta)."""
    from prep.actas.transiciones import crear_en_bloque
    from prep.catalogo.models import ActaEsperada
    from prep.cuentas.identidad import SISTEMA

    esperadas = list(ActaEsperada.objects.values_list("pk", "eleccion_id"))
    return crear_en_bloque(SISTEMA, "medicion.registro", _filas(esperadas))


def centros() -> int:
    """One CATD per distrito federal and ten CCVs splitting the distritos; how many centros."""
    from prep.catalogo.models import Distrito
    from prep.cuentas.models import Centro

    federales = list(Distrito.objects.filter(tipo=Distrito.Tipo.FEDERAL).order_by("pk"))
    for distrito in federales:
        centro = Centro.objects.create(
            clave=f"CATD-{distrito.pk}", nombre=str(distrito), tipo=Centro.Tipo.CATD
        )
        centro.distritos.set([distrito])
    for n in range(10):
        centro = Centro.objects.create(clave=f"CCV-{n}", nombre=f"CCV {n}", tipo=Centro.Tipo.CCV)
        centro.distritos.set(federales[n::10])
    return Centro.objects.count()


def _medir(actor, veces: int = 3) -> tuple[float, object]:
    from prep.tablero.consultas import tablero

    tiempos, resultado = [], None
    for _ in range(veces):
        inicio = time.perf_counter()
        resultado = tablero(actor)
        tiempos.append(time.perf_counter() - inicio)
    return statistics.median(tiempos), resultado


def medir(casillas: int, semilla: int) -> None:
    """Build the national database and time the tablero."""
    temporal = base_nueva()
    from django.db import connection

    from prep.cuentas.identidad import Actor
    from prep.cuentas.models import Centro, Rol

    importar_catalogo_nacional(temporal, casillas, semilla)
    inicio = time.perf_counter()
    actas = registrar_actas()
    print(
        f"{actas:,} actas registradas en {time.perf_counter() - inicio:.1f} s; {centros()} centros"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    todos, t = _medir(Actor("usuario:admin", Rol.ADMINISTRADOR, None, 1))
    print(
        f"tablero del administrador ({connection.vendor}): {todos:.2f} s  "
        f"{t.total:,} actas, {len(t.por_centro)} centros, mediana {t.tiempos.mediana},"
        f" p90 {t.tiempos.p90}"
    )
    centro = Centro.objects.filter(tipo=Centro.Tipo.CATD).first()
    uno, t = _medir(Actor("usuario:coord", Rol.COORDINADOR, centro, 2))
    print(
        f"tablero de un coordinador de CATD ({connection.vendor}): {uno:.2f} s  {t.total:,} actas"
    )


def main() -> None:
    """Parse the arguments and measure."""
    opciones = argumentos(__doc__.splitlines()[0])
    medir(opciones.casillas, opciones.semilla)


if __name__ == "__main__":
    main()
