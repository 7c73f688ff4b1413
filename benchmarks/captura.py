"""Capture API latency under concurrent capturistas, through a real HTTP server.

    python benchmarks/captura.py [--capturistas 1 4 8 16] [--actas 150] [--casillas 2000]

Builds a catálogo (`prep simulacro` elección sintética, gubernatura), serves PREP with cheroot
(thread-pool WSGI server) on 127.0.0.1, and for each number N of capturistas puts `--actas`
fresh actas in `digitalizada` and lets N threads, each its own logged-in session, work the queue
until it is empty: `POST /api/v1/captura/siguiente` then `POST /api/v1/captura/{acta_id}` with
the figures (one acta in ten gets a different second capture, so it ends en conflicto). Prints
p50/p99 of each request and captures per second.

Database: a fresh SQLite in a temporary folder, or the PostgreSQL database named by
PREP_DATABASE_URL (it must hold no actas yet: the benchmark refuses to touch a real one).
"""

import argparse
import http.client
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Django is set up inside preparar()
    from prep.cuentas.models import Centro

CSRF = secrets.token_hex(16)  # any 32-character token: cookie and header must match


def preparar(casillas: int, semilla: int, temporal: Path) -> "Centro":
    """Migrate, import the synthetic catálogo, and create the capture centro."""
    os.environ.setdefault("PREP_VAR_DIR", str(temporal / "var"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prep.settings")
    # Sessions made here must be valid in the server process: one key for both.
    os.environ.setdefault("PREP_SECRET_KEY", secrets.token_hex(32))
    import django

    django.setup()
    from django.core.management import call_command

    from prep.actas.models import Acta
    from prep.catalogo.importacion import importar
    from prep.cuentas.models import Centro
    from prep.simulacro.escritura import escribir
    from prep.simulacro.generador import generar

    call_command("migrate", verbosity=0)
    if Acta.objects.exists():
        sys.exit("la base ya tiene actas: use una base vacía para la medición")
    escribir(generar(casillas, semilla, ("GOB",)), temporal / "catalogo")
    importar(temporal / "catalogo")
    return Centro.objects.create(clave="CCV-BENCH", nombre="CCV de medición", tipo="CCV")


def sesiones(centro: "Centro", n: int, inicio: int) -> list[str]:
    """Session keys of n new capturistas of the centro, logged in."""
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    from prep.cuentas.models import Perfil, Rol

    claves = []
    for i in range(inicio, inicio + n):
        usuario = get_user_model().objects.create_user(f"capturista{i:03d}")
        Perfil.objects.create(usuario=usuario, rol=Rol.CAPTURISTA, centro=centro)
        sesion = SessionStore()
        sesion[SESSION_KEY] = str(usuario.pk)
        sesion[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        sesion[HASH_SESSION_KEY] = usuario.get_session_auth_hash()
        sesion.create()
        claves.append(sesion.session_key)
    return claves


def digitalizar(cuantas: int) -> None:
    """Put the next `cuantas` actas esperadas in `digitalizada` (as digitalización would)."""
    from prep.actas.models import Acta
    from prep.actas.transiciones import aplicar
    from prep.catalogo.models import ActaEsperada
    from prep.cuentas.identidad import SISTEMA

    for esperada in ActaEsperada.objects.filter(acta__isnull=True).order_by("pk")[:cuantas]:
        acta = Acta.objects.create(acta_esperada=esperada, eleccion_id=esperada.eleccion_id)
        sha = secrets.token_hex(32)
        aplicar(acta, SISTEMA, "medicion.digitalizar", "digitalizada", codigo_integridad=sha)


def puerto_libre() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def servir(puerto: int, hilos: int) -> None:
    """Serve PREP's WSGI application with cheroot (a thread-pool server, as in production:
    one database connection per thread) until killed."""
    from cheroot import wsgi

    from prep.wsgi import application

    wsgi.Server(("127.0.0.1", puerto), application, numthreads=hilos).safe_start()


def servidor(puerto: int, hilos: int, registro: Path) -> subprocess.Popen:
    """This script in `--servir` mode, ready to answer; its output goes to `registro`."""
    proceso = subprocess.Popen(
        [sys.executable, __file__, "--servir", str(puerto), "--hilos", str(hilos)],
        env={**os.environ, "PREP_ALLOWED_HOSTS": "127.0.0.1", "PREP_LOG_LEVEL": "ERROR"},
        stdout=subprocess.DEVNULL,
        stderr=registro.open("w"),
    )
    limite = time.monotonic() + 60
    while time.monotonic() < limite:
        try:
            socket.create_connection(("127.0.0.1", puerto), timeout=1).close()
            return proceso
        except OSError:
            time.sleep(0.2)
    proceso.kill()
    sys.exit(f"el servidor no respondió en 60 s (registro: {registro})")


class Capturista(threading.Thread):
    """One person at the capture API: claim, capture, until the queue is empty."""

    def __init__(self, puerto: int, sesion: str, numero: int, votos: list[str]) -> None:
        super().__init__()
        self.puerto, self.numero, self.votos = puerto, numero, votos
        self.cabeceras = {
            "Cookie": f"sessionid={sesion}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
            "Content-Type": "application/json",
        }
        self.tiempos: dict[str, list[float]] = {"siguiente": [], "captura": []}
        self.error = ""

    def _post(self, ruta: str, cuerpo: dict | None, tipo: str) -> tuple[int, bytes]:
        conexion = http.client.HTTPConnection("127.0.0.1", self.puerto, timeout=120)
        inicio = time.perf_counter()
        conexion.request("POST", ruta, json.dumps(cuerpo or {}), self.cabeceras)
        respuesta = conexion.getresponse()
        datos = respuesta.read()
        self.tiempos[tipo].append(time.perf_counter() - inicio)
        conexion.close()
        return respuesta.status, datos

    def run(self) -> None:
        while True:
            estado, datos = self._post("/api/v1/captura/siguiente", None, "siguiente")
            if estado == 204:
                return
            if estado != 200:
                self.error = f"siguiente: {estado} {datos[:200]!r}"
                return
            acta = json.loads(datos)["acta_id"]
            # One acta in ten: this person reads NULOS differently (a conflict).
            nulos = 7 + (self.numero if acta % 10 == 0 else 0)
            cifras = {
                "votos": {c: (nulos if c == "NULOS" else 10) for c in self.votos},
                "TOTAL_BOLETAS_SOBRANTES": 100,
                "TOTAL_PERSONAS_VOTARON": 200,
                "TOTAL_REP_PARTIDO_CI_VOTARON": 2,
                "TOTAL_VOTOS_SACADOS": 200,
                "TOTAL_VOTOS_ASENTADO": 200,
            }
            estado, datos = self._post(f"/api/v1/captura/{acta}", cifras, "captura")
            if estado != 200:
                self.error = f"captura: {estado} {datos[:200]!r}"
                return


def percentil(valores: list[float], p: float) -> float:
    """The p-th percentile (nearest rank), in milliseconds."""
    ordenados = sorted(valores)
    return 1000 * ordenados[min(len(ordenados) - 1, max(0, round(p / 100 * len(ordenados)) - 1))]


def medir(capturistas: list[int], actas: int, casillas: int, semilla: int, hilos: int) -> None:
    """Run one round per number of capturistas and print its figures."""
    temporal = Path(tempfile.mkdtemp(prefix="prep-bench-captura-"))
    centro = preparar(casillas, semilla, temporal)
    from django.db import connection

    from prep.catalogo.consultas import columnas_de
    from prep.catalogo.models import Eleccion

    votos = columnas_de(Eleccion.objects.get())
    puerto = puerto_libre()
    registro = temporal / "servidor.log"
    proceso = servidor(puerto, hilos, registro)
    print(f"base: {connection.vendor}  servidor: cheroot, {hilos} hilos  actas por ronda: {actas}")
    print("capturistas  capturas  capturas/s  siguiente p50/p99 ms  captura p50/p99 ms")
    try:
        creados = 0
        for n in capturistas:
            digitalizar(actas)
            claves = sesiones(centro, n, creados)
            creados += n
            hilos = [Capturista(puerto, clave, i + 1, votos) for i, clave in enumerate(claves)]
            inicio = time.perf_counter()
            for hilo in hilos:
                hilo.start()
            for hilo in hilos:
                hilo.join()
            segundos = time.perf_counter() - inicio
            errores = [h.error for h in hilos if h.error]
            if errores:
                sys.exit(f"error con {n} capturistas: {errores[0]} (registro: {registro})")
            siguiente = [t for h in hilos for t in h.tiempos["siguiente"]]
            captura = [t for h in hilos for t in h.tiempos["captura"]]
            print(
                f"{n:11d}  {len(captura):8d}  {len(captura) / segundos:10.1f}"
                f"  {percentil(siguiente, 50):8.1f} / {percentil(siguiente, 99):7.1f}"
                f"  {percentil(captura, 50):8.1f} / {percentil(captura, 99):6.1f}"
                f"   (media {statistics.fmean(captura) * 1000:.1f} ms)"
            )
    finally:
        proceso.terminate()
        proceso.wait(timeout=30)
    # Kept on failure: the server's log is there.
    shutil.rmtree(temporal, ignore_errors=True)


def main() -> None:
    """Parse the arguments and measure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--capturistas", type=int, nargs="+", default=[1, 4, 8, 16])
    parser.add_argument("--actas", type=int, default=150, help="actas por ronda")
    parser.add_argument("--casillas", type=int, default=2_000)
    parser.add_argument("--semilla", type=int, default=1)
    parser.add_argument("--hilos", type=int, default=16, help="hilos del servidor WSGI")
    parser.add_argument("--servir", type=int, metavar="PUERTO", help=argparse.SUPPRESS)
    a = parser.parse_args()
    if a.servir:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prep.settings")
        servir(a.servir, a.hilos)
    else:
        medir(a.capturistas, a.actas, a.casillas, a.semilla, a.hilos)


if __name__ == "__main__":
    main()
