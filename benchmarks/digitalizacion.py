"""Upload + hash + classify throughput of the digitalización API, with synthetic acta photos.

    python benchmarks/digitalizacion.py [--imagenes 200] [--casillas 2000] [--clientes 2]

Draws the photos (JPEG ≈ 200 KB, 1240×1600, QR code) of a synthetic election whose catálogo is
imported into a fresh SQLite database in a temporary folder (or the empty PostgreSQL database
named by PREP_DATABASE_URL), then uploads them:
1. through the whole Django stack in this process (test client, one at a time), timing each
   phase of the service (SHA-256, decode, QR, store, database) on the same images;
2. the same bytes again (idempotent answers);
3. to a real server (`prep django runserver`, threaded) from `--clientes` concurrent clients
   over HTTP, with another set of images.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[1]


def preparar(temporal: Path, casillas: int, semilla: int):
    """Database, catálogo, a centro and a phone device; returns (sintetica, token)."""
    os.environ.setdefault("PREP_VAR_DIR", str(temporal / "var"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prep.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from prep.catalogo.importacion import importar
    from prep.cuentas.models import Centro, Dispositivo
    from prep.simulacro.escritura import escribir
    from prep.simulacro.generador import generar

    call_command("migrate", verbosity=0)
    sintetica = generar(casillas, semilla, ("GOB",))
    escribir(sintetica, temporal / "catalogo")
    importar(temporal / "catalogo")
    centro = Centro.objects.create(clave="CATD01", nombre="Centro de prueba", tipo="CATD")
    token = Dispositivo.nuevo_token()
    Dispositivo.objects.create(
        nombre="tel-bench", tipo="TELEFONO", centro=centro, token_sha256=Dispositivo.huella(token)
    )
    return sintetica, token


def dibujar(sintetica, cuantas: int, carpeta: Path) -> list[bytes]:
    """`cuantas` acta photos (every CPU), in acta order."""
    from prep.simulacro import imagenes

    indices = imagenes.seleccionar(sintetica, cuantas)
    imagenes.escribir_imagenes(sintetica, indices, carpeta)
    return [p.read_bytes() for p in sorted(carpeta.iterdir())]


def por_cliente(fotos: list[bytes], token: str) -> None:
    """Upload through Django's test client, then repeat; print images per second."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    cliente = Client(HTTP_HOST="localhost")
    for ronda, esperado in (("nuevas", 201), ("repetidas", 200)):
        estados = {}
        inicio = time.perf_counter()
        for i, datos in enumerate(fotos):
            archivo = SimpleUploadedFile(f"{i}.jpg", datos)
            respuesta = cliente.post(
                "/api/v1/imagenes", {"archivo": archivo}, HTTP_AUTHORIZATION=f"Bearer {token}"
            )
            assert respuesta.status_code == esperado, respuesta.content
            estado = respuesta.json()["estado"]
            estados[estado] = estados.get(estado, 0) + 1
        segundos = time.perf_counter() - inicio
        print(
            f"API, un cliente en proceso, {ronda}: {len(fotos)} imágenes en {segundos:.2f} s"
            f" = {len(fotos) / segundos:.1f} imágenes/s ({len(fotos) / segundos * 3600:,.0f}/h)"
            f"  {estados}"
        )


def por_fases(fotos: list[bytes], temporal: Path) -> None:
    """Milliseconds per image of each phase of `recibir_imagen`, on the same photos."""
    from django.conf import settings

    from prep.digitalizacion.almacen import AlmacenLocal, digesto
    from prep.digitalizacion.lectura import decodificar, leer_qr

    tiempos = {"sha256": 0.0, "decodificar": 0.0, "leer QR": 0.0, "guardar (fsync)": 0.0}
    almacen = AlmacenLocal(temporal / "fases")
    for datos in fotos:
        t0 = time.perf_counter()
        digesto(datos)
        t1 = time.perf_counter()
        decodificada = decodificar(
            datos, settings.PREP_IMAGEN_MAX_BYTES, settings.PREP_IMAGEN_MAX_PIXELES
        )
        t2 = time.perf_counter()
        leer_qr(decodificada.imagen)
        t3 = time.perf_counter()
        almacen.guardar(datos)
        t4 = time.perf_counter()
        for fase, segundos in zip(tiempos, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            tiempos[fase] += segundos
    partes = "  ".join(f"{fase} {s / len(fotos) * 1000:.1f} ms" for fase, s in tiempos.items())
    print(f"fases por imagen: {partes}")


def por_servidor(fotos: list[bytes], token: str, clientes: int, temporal: Path) -> None:
    """Upload to `prep django runserver` from concurrent HTTP clients."""
    import socket

    import httpx
    from django.db import connection

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        puerto = s.getsockname()[1]
    entorno = {**os.environ, "PYTHONPATH": str(RAIZ)}
    if connection.vendor == "sqlite":
        entorno["PREP_DATABASE_URL"] = f"sqlite:///{connection.settings_dict['NAME']}"
    with (temporal / "servidor.log").open("ab") as registro:
        orden = ["-m", "prep.cli", "django", "runserver", "--noreload", f"127.0.0.1:{puerto}"]
        servidor = subprocess.Popen(
            [sys.executable, *orden], env=entorno, stdout=subprocess.DEVNULL, stderr=registro
        )
    url = f"http://127.0.0.1:{puerto}/api/v1/imagenes"
    try:
        for _ in range(600):
            try:
                httpx.get(f"http://127.0.0.1:{puerto}/api/v1/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        cola = list(enumerate(fotos))
        candado, latencias = threading.Lock(), []

        def trabajar() -> None:
            with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
                while True:
                    with candado:
                        if not cola:
                            return
                        i, datos = cola.pop()
                    inicio = time.perf_counter()
                    respuesta = http.post(url, files={"archivo": (f"s{i}.jpg", datos)})
                    assert respuesta.status_code == 201, respuesta.text
                    latencias.append(time.perf_counter() - inicio)

        inicio = time.perf_counter()
        hilos = [threading.Thread(target=trabajar) for _ in range(clientes)]
        for hilo in hilos:
            hilo.start()
        for hilo in hilos:
            hilo.join()
        segundos = time.perf_counter() - inicio
    finally:
        servidor.terminate()
        servidor.wait(10)
    latencias.sort()
    p50, p95 = latencias[len(latencias) // 2], latencias[int(len(latencias) * 0.95)]
    print(
        f"API por HTTP (runserver), {clientes} clientes: {len(fotos)} imágenes en {segundos:.2f} s"
        f" = {len(fotos) / segundos:.1f} imágenes/s; latencia p50 {p50 * 1000:.0f} ms,"
        f" p95 {p95 * 1000:.0f} ms"
    )


def medir(temporal: Path, argumentos: argparse.Namespace) -> None:
    """Prepare, draw and run the three measurements."""
    sintetica, token = preparar(temporal, argumentos.casillas, argumentos.semilla)
    inicio = time.perf_counter()
    fotos = dibujar(sintetica, 2 * argumentos.imagenes, temporal / "fotos")
    print(
        f"{len(fotos)} fotos dibujadas en {time.perf_counter() - inicio:.1f} s,"
        f" {sum(map(len, fotos)) / len(fotos) / 1024:.0f} KB en promedio"
    )
    from django.db import connection

    print(f"base de datos: {connection.vendor}; {os.cpu_count()} CPU")
    primeras, segundas = fotos[::2], fotos[1::2]
    por_fases(primeras, temporal)
    por_cliente(primeras, token)
    por_servidor(segundas, token, argumentos.clientes, temporal)


def main() -> None:
    """Parse the arguments and measure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--imagenes", type=int, default=200, help="imágenes por ronda (200)")
    parser.add_argument("--casillas", type=int, default=2_000)
    parser.add_argument("--clientes", type=int, default=2, help="clientes HTTP concurrentes")
    parser.add_argument("--semilla", type=int, default=1)
    argumentos = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="prep-bench-") as carpeta:
        medir(Path(carpeta), argumentos)


if __name__ == "__main__":
    main()
