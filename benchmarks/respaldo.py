"""Backup and restore of a state-size election: `prep respaldo crear` of a system that has made a
few cortes, then `prep respaldo restaurar` into a fresh one (its own database, image store and
publication folder, in a child process) and the first corte the restored system publishes —
whose manifest must be byte for byte the one the original publishes at the same minute.

    python benchmarks/respaldo.py [--casillas 2000] [--semilla 1] [--imagen-kb 200] [--cortes 3]
                                  [--entradas-por-acta 6]

Fresh SQLite in a temporary folder, or the empty PostgreSQL database named by PREP_DATABASE_URL
(the restored system then gets a second database on the same server, dropped at the end). The
actas are loaded verified by the direct load in bulk (`transiciones.crear_en_bloque`), each with
one image of `--imagen-kb` random bytes (a JPEG does not compress either); the bitácora gets
`--entradas-por-acta` entries per acta (the load's, then capture, verification, image…),
chained as `registrar` chains them.
"""

import argparse
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import comun

RAIZ = Path(__file__).resolve().parents[1]


def _cargar_bitacora(cuantas: int) -> None:
    """Append `cuantas` entries, chained as every entry is, in bulk
    (`bitacora.servicios.registrar_en_bloque`: `registrar` one by one would dominate the set-up)."""
    from django.db import transaction

    from prep.bitacora.servicios import registrar_en_bloque

    despues = {"estado": "capturada_1", "cifras": list(range(12))}
    with transaction.atomic():
        registrar_en_bloque(
            ("usuario:capturista", "captura.primera", f"acta:{n % 100_000}", None, despues)
            for n in range(cuantas)
        )


def eleccion_estatal(temporal: Path, args) -> tuple[datetime, list]:
    """The election with its actas, images and bitácora, and `args.cortes` cortes published
    20 minutes apart as the actas arrive; the opening time and the Corte rows."""
    from django.conf import settings

    settings.PREP_PUBLICACION_DIR = temporal / "publicacion"
    settings.PREP_LLAVE_FIRMA = temporal / "llaves" / "firma.pem"
    os.environ["PREP_PUBLICACION_DIR"] = str(settings.PREP_PUBLICACION_DIR)
    os.environ["PREP_LLAVE_FIRMA"] = str(settings.PREP_LLAVE_FIRMA)

    from prep.actas.models import Acta
    from prep.catalogo.importacion import importar
    from prep.catalogo.models import ActaEsperada, Eleccion, ProcesoElectoral
    from prep.cuentas.identidad import SISTEMA
    from prep.difusion.models import publicados
    from prep.digitalizacion.almacen import almacen
    from prep.digitalizacion.models import Imagen
    from prep.publicacion import llaves, programacion
    from prep.publicacion.corte import publicar
    from prep.reglas.acta import Registro
    from prep.simulacro.escritura import escribir
    from prep.simulacro.generador import generar

    inicio = time.perf_counter()
    sintetica = generar(args.casillas, args.semilla)
    escribir(sintetica, temporal / "catalogo")
    importar(temporal / "catalogo")
    proceso = ProcesoElectoral.objects.get()
    elecciones = {e.tipo: e.pk for e in Eleccion.objects.all()}
    apertura = datetime(2027, 6, 6, 20, 0, tzinfo=programacion.zona_de(proceso))
    programacion.fijar_calendario(SISTEMA, proceso, apertura, apertura + timedelta(hours=20))
    llaves.generar()
    ids = {
        (e.eleccion.tipo, e.clave): e.pk
        for e in ActaEsperada.objects.select_related("eleccion", "casilla__seccion__entidad")
    }
    capturadas = [a for a in sintetica.actas if a.registro is Registro.CAPTURADA]
    hora = apertura - timedelta(minutes=30)
    tienda = almacen()
    print(f"catálogo: {len(sintetica.actas):,} actas en {time.perf_counter() - inicio:.1f} s")

    def cargar(actas) -> None:
        """Verified actas, each with its image stored and classified."""
        filas, imagenes = [], {}
        for a in actas:
            datos = os.urandom(args.imagen_kb * 1024)
            sha = tienda.guardar(datos)
            filas.append(comun.acta_verificada(a, elecciones, ids, hora, sha))
            imagenes[sha] = len(datos)
        comun.cargar_verificadas(filas)
        for acta in Acta.objects.filter(codigo_integridad__in=list(imagenes)):
            sha, tamano = acta.codigo_integridad, imagenes[acta.codigo_integridad]
            Imagen.objects.create(
                sha256=sha,
                tamano=tamano,
                tipo=Imagen.Tipo.JPEG,
                ancho=1240,
                alto=1600,
                origen=Acta.Origen.CATD,
                digitalizacion=Acta.Digitalizacion.ESCANER,
                acta=acta,
                estado=Imagen.Estado.CLASIFICADA,
                subida_por="benchmark",
                momento=hora,
            )
        # The load wrote one entry per acta already.
        _cargar_bitacora(len(actas) * (args.entradas_por_acta - 1))

    cortes = []
    tanda = -(-len(capturadas) // args.cortes)
    for n in range(args.cortes):
        inicio = time.perf_counter()
        cargar(capturadas[n * tanda : (n + 1) * tanda])
        cargadas = time.perf_counter() - inicio
        corte = publicar(apertura + timedelta(minutes=20 * n), difusores=publicados)
        cortes.append(corte)
        print(
            f"corte {corte.numero}: {min((n + 1) * tanda, len(capturadas)):,} actas con imagen"
            f" (cargadas en {cargadas:.1f} s), {corte.archivos:,} archivos,"
            f" {corte.bytes_escritos / 1e6:,.1f} MB escritos en {corte.segundos:.1f} s"
        )
    return apertura, cortes


def _sistema_nuevo(temporal: Path) -> tuple[dict, Callable[[], None] | None]:
    """The environment of a fresh system, and what drops its database afterwards (PostgreSQL)."""
    from django.db import connection

    from prep.servidor.servidor import url_de_la_base

    entorno = {
        **os.environ,
        "PYTHONPATH": str(RAIZ),
        "PREP_VAR_DIR": str(temporal / "nuevo" / "var"),
        "PREP_PUBLICACION_DIR": str(temporal / "nuevo" / "publicacion"),
    }
    if connection.vendor == "sqlite":
        entorno.pop("PREP_DATABASE_URL", None)
        return entorno, None
    import psycopg

    nombre = f"prep_restaurada_{uuid.uuid4().hex[:12]}"
    parametros = {**connection.get_connection_params(), "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**parametros) as administrador:
        administrador.execute(f'CREATE DATABASE "{nombre}"')
    entorno["PREP_DATABASE_URL"] = urlsplit(url_de_la_base())._replace(path=f"/{nombre}").geturl()

    def borrar() -> None:
        with psycopg.connect(**parametros) as administrador:
            administrador.execute(f'DROP DATABASE IF EXISTS "{nombre}" WITH (FORCE)')

    return entorno, borrar


def _prep(entorno: dict, *argumentos: str) -> float:
    """Run `prep …` as a child; its wall-clock seconds (startup included)."""
    inicio = time.perf_counter()
    proceso = subprocess.run(
        [sys.executable, "-m", "prep.cli", *argumentos],
        env=entorno,
        capture_output=True,
        text=True,
        check=False,
    )
    if proceso.returncode != 0:
        raise SystemExit(f"prep {' '.join(argumentos)} falló:\n{proceso.stderr}")
    print("   " + proceso.stdout.strip().replace("\n", "\n   "))
    return time.perf_counter() - inicio


def medir(args) -> None:
    """Build, back up, restore into a fresh system, publish there and here, compare."""
    temporal = comun.base_nueva()
    from django.utils import timezone

    from prep import reloj
    from prep.continuidad.creacion import crear
    from prep.cuentas.consola import actor_de_consola
    from prep.difusion.models import publicados
    from prep.publicacion.carpetas import raiz
    from prep.publicacion.corte import publicar

    apertura, cortes = eleccion_estatal(temporal, args)
    archivo = temporal / "prep.tar"
    creado = crear(archivo, actor_de_consola())
    conteos = creado.manifiesto["conteos"]
    print(
        f"respaldo creado: {creado.segundos:.1f} s, {creado.bytes / 1e6:,.1f} MB"
        f" ({creado.bytes / 1e6 / creado.segundos:,.0f} MB/s); {conteos}"
    )

    entorno, borrar = _sistema_nuevo(temporal)
    try:
        restaurar = _prep(entorno, "respaldo", "restaurar", str(archivo))
        print(f"respaldo restaurado (proceso hijo, arranque incluido): {restaurar:.1f} s")
        siguiente = apertura + timedelta(minutes=20 * len(cortes))
        entorno["PREP_RELOJ"] = reloj.texto_simulado(siguiente, 1, timezone.now())
        corte_restaurado = _prep(entorno, "publicar")
        print(
            f"primer corte del sistema restaurado: {corte_restaurado:.1f} s;"
            f" recuperación de punta a punta {restaurar + corte_restaurado:.1f} s"
        )
    finally:
        if borrar is not None:
            borrar()
    original = publicar(siguiente, difusores=publicados)
    nuevo = Path(entorno["PREP_PUBLICACION_DIR"]) / original.carpeta / "manifest.json"
    igual = nuevo.read_bytes() == (raiz() / original.carpeta / "manifest.json").read_bytes()
    print(f"manifiesto del corte {original.numero} idéntico al del original: {igual}")
    if not igual:
        raise SystemExit(1)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--casillas", type=int, default=2_000)
    parser.add_argument("--semilla", type=int, default=1)
    parser.add_argument("--imagen-kb", type=int, default=200)
    parser.add_argument("--cortes", type=int, default=3)
    parser.add_argument("--entradas-por-acta", type=int, default=6)
    medir(parser.parse_args())
