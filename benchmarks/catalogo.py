"""Time `prep catalogo importar` on the national synthetic catálogo.

    python benchmarks/catalogo.py [--casillas 170000]

Uses a fresh SQLite database in a temporary folder, or the PostgreSQL database named by
PREP_DATABASE_URL (which must be empty: the benchmark refuses to replace a catálogo).
"""

import argparse
import os
import tempfile
import time
from pathlib import Path


def medir(casillas: int, semilla: int) -> None:
    """Generate, write and import the catálogo; print the import time."""
    temporal = Path(tempfile.mkdtemp(prefix="prep-bench-"))
    os.environ.setdefault("PREP_VAR_DIR", str(temporal / "var"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prep.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from prep.catalogo.importacion import importar
    from prep.simulacro.escritura import escribir
    from prep.simulacro.generador import generar

    call_command("migrate", verbosity=0)
    sintetica = generar(casillas, semilla, ("PRES", "SEN", "DIP_FED"))
    escribir(sintetica, temporal / "catalogo")
    inicio = time.perf_counter()
    conteos = importar(temporal / "catalogo")
    segundos = time.perf_counter() - inicio
    print(
        f"importar ({connection.vendor}): {segundos:6.2f} s  "
        f"{conteos.get('casillas', 0):,} casillas, {conteos.get('actas esperadas', 0):,} actas"
        " esperadas"
    )


def main() -> None:
    """Parse the arguments and measure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--casillas", type=int, default=170_000)
    parser.add_argument("--semilla", type=int, default=1)
    argumentos = parser.parse_args()
    medir(argumentos.casillas, argumentos.semilla)


if __name__ == "__main__":
    main()
