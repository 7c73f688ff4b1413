"""docs/instalacion.md, followed as written on a fresh database, so that the guide cannot rot.

The guide's ```sh blocks run in order, in one bash (`set -euo pipefail`), in a temporary folder,
with a `prep` on PATH that is this Python's `python -m prep.cli` importing this checkout. Its
```console blocks are never run (root, the institute's own data, or minutes); a ```sh block with
a command that needs root or installs software fails the test instead of running it. The only
changes to the guide's text are the three in `_sustituciones`: its folder, its port and its
PostgreSQL address.

SQLite always (first run of scripts/test.sh only: it uses no test database); PostgreSQL when
PREP_DATABASE_URL names a server, on a new database created there and dropped at the end
(marked `motor`, so the PostgreSQL run of scripts/test.sh keeps it).
"""

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

RAIZ = Path(__file__).resolve().parents[1]
GUIA = RAIZ / "docs" / "instalacion.md"

# What the guide's text names and the test replaces (`_sustituciones`).
CARPETA_DE_LA_GUIA = "/srv/prep"
DIRECCION_DE_LA_GUIA = "127.0.0.1:8000"
BASE_DE_LA_GUIA = "postgres:///prep"

# Commands that must stay in ```console blocks: they need root or install software.
PROHIBIDAS = ("sudo", "apt-get", "useradd", "systemctl", "pip", "python3.11 -m venv", "createdb")

_BLOQUE = re.compile(r"^```(?P<lenguaje>\w*)\n(?P<texto>.*?)^```$", re.MULTILINE | re.DOTALL)
_TITULO = re.compile(r"^(?P<nivel>#{2,3}) (?P<titulo>.+)$", re.MULTILINE)
_HUELLA = re.compile(r"\b[0-9a-f]{64}\b")


@dataclass(frozen=True)
class Bloque:
    """One fenced block of the guide: where it starts, its language, the heading it is under."""

    linea: int
    lenguaje: str
    titulo: str
    texto: str


def bloques() -> list[Bloque]:
    """Every fenced block of docs/instalacion.md, in order."""
    guia = GUIA.read_text(encoding="utf-8")
    titulos = [(t.start(), t["titulo"]) for t in _TITULO.finditer(guia)]
    return [
        Bloque(
            linea=guia.count("\n", 0, b.start()) + 1,
            lenguaje=b["lenguaje"],
            titulo=next((t for inicio, t in reversed(titulos) if inicio < b.start()), ""),
            texto=b["texto"],
        )
        for b in _BLOQUE.finditer(guia)
    ]


def guion(postgresql: bool) -> str:
    """The bash script of the guide's ```sh blocks: those under a heading naming PostgreSQL only
    for that variant. Each block is announced with its line, so a failure names it."""
    partes = ["set -euo pipefail"]
    for bloque in bloques():
        if bloque.lenguaje != "sh" or ("PostgreSQL" in bloque.titulo and not postgresql):
            continue
        partes.append(f"echo '>>> docs/instalacion.md:{bloque.linea}'")
        partes.append(bloque.texto)
    return "\n".join(partes) + "\n"


def _puerto_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sustituciones(texto: str, carpeta: Path, url: str | None) -> str:
    texto = texto.replace(CARPETA_DE_LA_GUIA, str(carpeta))
    texto = texto.replace(DIRECCION_DE_LA_GUIA, f"127.0.0.1:{_puerto_libre()}")
    return texto.replace(BASE_DE_LA_GUIA, url) if url is not None else texto


def seguir_la_guia(carpeta: Path, url: str | None) -> str:
    """Run the guide in `carpeta` (SQLite, or PostgreSQL at `url`); its output, after
    asserting that it ended with 0. Whatever it left running (its `prep servir` if a step
    failed) is killed with its process group."""
    herramientas = carpeta / "herramientas"
    herramientas.mkdir(parents=True)
    prep = herramientas / "prep"
    prep.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m prep.cli "$@"\n', encoding="utf-8")
    prep.chmod(0o755)
    archivo = carpeta / "guia.sh"
    archivo.write_text(_sustituciones(guion(url is not None), carpeta, url), encoding="utf-8")
    # Nothing of the suite's configuration: only what the guide sets.
    entorno = {k: v for k, v in os.environ.items() if not k.startswith("PREP_")}
    entorno |= {
        "PATH": f"{herramientas}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(RAIZ),
    }
    proceso = subprocess.Popen(
        ["bash", str(archivo)],
        cwd=carpeta,
        env=entorno,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        salida, _ = proceso.communicate(timeout=300)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proceso.pid, signal.SIGKILL)
        proceso.wait()
    assert proceso.returncode == 0, salida[-6000:]
    return salida


def comprobar(salida: str, carpeta: Path, base: str) -> None:
    """The key outputs of a guide followed to the end."""
    assert "Base de datos: se aplicaron" in salida and base in salida, salida
    assert "Llave de firma: creada en" in salida
    assert "Administrador: se creó «admin»" in salida
    assert re.search(r"Catálogo importado de .*\n(.*\n)*?  casillas +20\n", salida)
    assert '"estado": "vivo"' in salida or '"estado":"vivo"' in salida
    # The installed fingerprint, the rehearsal corte's manifest and `prep huella` at the end.
    [huella] = _HUELLA.findall((carpeta / "huella-instalada.txt").read_text(encoding="utf-8"))
    manifiesto = carpeta / "ensayo" / "publicacion" / "ultimo" / "manifest.json"
    assert json.loads(manifiesto.read_text(encoding="utf-8"))["huella_software"] == huella
    assert salida.count(huella) >= 3
    # The team's passwords, written for their owner only.
    assert (carpeta / "contrasenas-equipo.csv").stat().st_mode & 0o077 == 0
    assert (carpeta / "prep.env").stat().st_mode & 0o077 == 0


def test_la_guia_solo_ejecuta_lo_que_no_pide_root():
    """No ```sh block installs software, creates users or touches services: those go in
    ```console blocks, which no test runs."""
    for bloque in bloques():
        if bloque.lenguaje != "sh":
            continue
        for orden in bloque.texto.splitlines():
            orden = orden.strip()
            assert not orden.startswith(PROHIBIDAS), (
                f"docs/instalacion.md:{bloque.linea}: «{orden}» va en un bloque console"
            )
    lenguajes = {b.lenguaje for b in bloques()}
    assert lenguajes == {"sh", "console"}, lenguajes
    assert any("PostgreSQL" in b.titulo and b.lenguaje == "sh" for b in bloques())


@pytest.mark.lento
def test_la_guia_con_sqlite(tmp_path):
    carpeta = tmp_path / "srv-prep"
    salida = seguir_la_guia(carpeta, None)
    comprobar(salida, carpeta, str(carpeta / "var" / "prep.sqlite3"))


@pytest.fixture
def base_nueva() -> Iterator[str]:
    """A new database on the server PREP_DATABASE_URL names, dropped at the end."""
    url = os.environ.get("PREP_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("sin servidor PostgreSQL: PREP_DATABASE_URL no nombra uno")
    import psycopg

    nombre = f"prep_guia_{uuid.uuid4().hex[:12]}"
    servidor = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(servidor, autocommit=True) as administrador:
        administrador.execute(f'CREATE DATABASE "{nombre}"')
    try:
        yield urlsplit(url)._replace(path=f"/{nombre}").geturl()
    finally:
        with psycopg.connect(servidor, autocommit=True) as administrador:
            administrador.execute(f'DROP DATABASE IF EXISTS "{nombre}" WITH (FORCE)')


@pytest.mark.lento
@pytest.mark.motor
def test_la_guia_con_postgresql(tmp_path, base_nueva):
    carpeta = tmp_path / "srv-prep"
    salida = seguir_la_guia(carpeta, base_nueva)
    comprobar(salida, carpeta, urlsplit(base_nueva).path.lstrip("/"))
