"""Time a Prometheus scrape of /metricas on a national catálogo with every acta recorded.

    python benchmarks/monitoreo.py [--casillas 170000] [--semilla 1]

Imports the national synthetic catálogo (≈ 510,000 actas esperadas), records an acta for each
in a spread of states and registers the centros (as benchmarks/tablero.py does), then gives
every acta its acopio (1 % waiting for cotejo) and every acta past digitalización its image
(0.5 % waiting for manual classification). Reads /metricas seven times as a Prometheus on the
same machine would, and prints the median, fastest and slowest scrape, how many queries a
scrape makes and the slowest three. Uses a fresh SQLite database in a temporary folder, or the
empty PostgreSQL database named by PREP_DATABASE_URL.
"""

import statistics
import time

import tablero
from comun import argumentos, base_nueva, importar_catalogo_nacional

LECTURAS = 7
MAS_LENTAS = 3
# A distinct SHA-256-shaped value per image, from the acta's id: each database pads hex its way.
HEXADECIMAL = {"sqlite": "printf('%%064x', id)", "postgresql": "lpad(to_hex(id), 64, '0')"}


def _acopios_e_imagenes() -> None:
    """An acopio per recorded acta (without the paper for the sin_acta ones) and an image per
    acta past digitalización, written without the ORM (as the actas). Every 100th acopio
    waits for cotejo; every 200th image waits for manual classification, so has no acta."""
    from django.db import connection, transaction

    from prep.actas.models import Acta
    from prep.cuentas.models import Centro
    from prep.digitalizacion.models import Imagen

    centro = Centro.objects.order_by("pk").values_list("pk", flat=True).first()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO acopio_acopio (acta_id, centro_id, registrado_por, momento, metodo,"
            " con_acta, requiere_cotejo) SELECT id, %s, 'usuario:acopiador', fecha_hora_acopio,"
            " 'QR', estado <> %s, id %% 100 = 0 FROM actas_acta",
            [centro, Acta.Estado.SIN_ACTA],
        )
        cursor.execute(
            "INSERT INTO digitalizacion_imagen (sha256, tamano, tipo, ancho, alto, nombre, origen,"
            " digitalizacion, acta_id, estado, motivo, qr_leido, centro_id, subida_por,"
            " clasificada_por, momento)"
            f" SELECT {HEXADECIMAL[connection.vendor]}, 1, 'image/jpeg', 1, 1, '', 'CATD',"
            " 'Escáner', CASE WHEN id %% 200 = 0 THEN NULL ELSE id END,"
            " CASE WHEN id %% 200 = 0 THEN %s ELSE %s END, '', '', %s, 'usuario:digitalizador',"
            " '', fecha_hora_acopio FROM actas_acta WHERE estado NOT IN (%s, %s)",
            [
                Imagen.Estado.PENDIENTE,
                Imagen.Estado.CLASIFICADA,
                centro,
                Acta.Estado.ACOPIADA,
                Acta.Estado.SIN_ACTA,
            ],
        )


def medir(casillas: int, semilla: int) -> None:
    """Build the national database and time the scrapes of /metricas."""
    temporal = base_nueva()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from prep.acopio.models import Acopio
    from prep.digitalizacion.models import Imagen

    importar_catalogo_nacional(temporal, casillas, semilla)
    actas = tablero.registrar_actas()
    centros = tablero.centros()
    _acopios_e_imagenes()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"{actas:,} actas, {Acopio.objects.count():,} acopios,"
        f" {Imagen.objects.count():,} imágenes, {centros} centros"
    )

    # As Prometheus on this machine: from loopback, with the bearer token if one is set.
    token = settings.PREP_METRICAS_TOKEN
    cliente = Client(
        HTTP_HOST="127.0.0.1", headers={"authorization": f"Bearer {token}"} if token else None
    )
    tiempos = []
    for _ in range(LECTURAS):
        with CaptureQueriesContext(connection) as consultas:
            inicio = time.perf_counter()
            respuesta = cliente.get("/metricas")
            tiempos.append(time.perf_counter() - inicio)
        # The scrape answers 200 even when the database fails: that gauge says whether it read.
        if b"prep_metricas_consulta_correcta 1" not in respuesta.content:
            raise SystemExit(
                f"/metricas no leyó la base de datos ({respuesta.status_code}):\n"
                f"{respuesta.content.decode()}"
            )
    print(
        f"/metricas ({connection.vendor}), {LECTURAS} lecturas: mediana"
        f" {statistics.median(tiempos):.3f} s, mínimo {min(tiempos):.3f} s,"
        f" máximo {max(tiempos):.3f} s; {len(consultas)} consultas por lectura"
    )
    print(f"las {MAS_LENTAS} consultas más lentas de la última lectura:")
    lentas = sorted(consultas.captured_queries, key=lambda c: float(c["time"]), reverse=True)
    for consulta in lentas[:MAS_LENTAS]:
        print(f"  {float(consulta['time']):.3f} s  {' '.join(consulta['sql'].split())[:160]}")


def main() -> None:
    """Parse the arguments and measure."""
    opciones = argumentos(__doc__.splitlines()[0])
    medir(opciones.casillas, opciones.semilla)


if __name__ == "__main__":
    main()
