"""A `prep` server in a separate process, on the test database and the test's image folder
(PREP_VAR_DIR is the test's, set by the shared conftest)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from prep.servidor.servidor import url_de_la_base

RAIZ = Path(__file__).resolve().parents[2]


def arrancar(argumentos: list[str], listo: str, registro: Path) -> subprocess.Popen:
    """Run `prep ARGUMENTOS` and wait until `listo` (a URL) answers anything over HTTP; the
    output goes to `registro`."""
    entorno = {**os.environ, "PYTHONPATH": str(RAIZ), "PREP_DATABASE_URL": url_de_la_base()}
    with registro.open("ab") as salida:
        proceso = subprocess.Popen(
            [sys.executable, "-m", "prep.cli", *argumentos],
            env=entorno,
            stdout=salida,
            stderr=subprocess.STDOUT,
        )
    limite = time.monotonic() + 60
    while time.monotonic() < limite:
        if proceso.poll() is not None:
            raise AssertionError(registro.read_text(errors="replace"))
        try:
            httpx.get(listo, timeout=1)
            return proceso
        except httpx.TransportError:
            time.sleep(0.1)
    proceso.kill()
    raise AssertionError(f"no arrancó: {registro.read_text(errors='replace')}")
