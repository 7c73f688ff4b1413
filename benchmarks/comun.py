"""What the national-size benchmarks share: their arguments, a fresh database, the catálogo.

Scripts run as `python benchmarks/NOMBRE.py`, so this module is imported as `comun`.
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

FEDERALES = ("PRES", "SEN", "DIP_FED")


def argumentos(descripcion: str) -> argparse.Namespace:
    """--casillas (national size by default) and --semilla."""
    parser = argparse.ArgumentParser(description=descripcion)
    parser.add_argument("--casillas", type=int, default=170_000)
    parser.add_argument("--semilla", type=int, default=1)
    return parser.parse_args()


def base_nueva() -> Path:
    """Set Django up on a fresh SQLite database in a temporary folder (or the PostgreSQL one
    named by PREP_DATABASE_URL, which must be empty), migrated; return the folder."""
    temporal = Path(tempfile.mkdtemp(prefix="prep-bench-"))
    os.environ.setdefault("PREP_VAR_DIR", str(temporal / "var"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prep.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return temporal


def importar_catalogo_nacional(temporal: Path, casillas: int, semilla: int) -> tuple[dict, float]:
    """Generate the federal synthetic catálogo, write it and import it; the counts and the
    seconds the import took."""
    from prep.catalogo.importacion import importar
    from prep.simulacro.escritura import escribir
    from prep.simulacro.generador import generar

    escribir(generar(casillas, semilla, FEDERALES), temporal / "catalogo")
    inicio = time.perf_counter()
    conteos = importar(temporal / "catalogo")
    return conteos, time.perf_counter() - inicio
