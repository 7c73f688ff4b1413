"""What the national-size benchmarks share: their arguments, a fresh database, the catálogo.

Scripts run as `python benchmarks/NOMBRE.py`, so this module is imported as `comun`.
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

from prep.catalogo import elecciones

# The national election: the three federal ones.
FEDERALES = elecciones.FEDERALES


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


def acta_verificada(
    a, elecciones: dict, ids: dict, hora, codigo_integridad: str = ""
) -> tuple[str, dict]:
    """The synthetic acta `a`, verified with the figures of the fields it prints, as a row of
    `cargar_verificadas`."""
    from prep.actas.models import Acta
    from prep.simulacro.operacion import cifras_api

    return Acta.Estado.VERIFICADA, {
        "eleccion_id": elecciones[a.eleccion],
        "acta_esperada_id": ids[(a.eleccion, a.clave_acta)],
        "cifras": cifras_api(a.votos_por_columna(), a.otras),
        "fecha_hora_acopio": hora,
        "fecha_hora_captura": hora,
        "fecha_hora_verificacion": hora,
        "origen": Acta.Origen.CATD,
        "digitalizacion": Acta.Digitalizacion.ESCANER,
        "codigo_integridad": codigo_integridad,
    }


def cargar_verificadas(filas) -> int:
    """Record verified actas by the direct load, in bulk (`transiciones.crear_en_bloque`: one
    bitácora entry each): the publication and backup benchmarks measure those, not capture."""
    from prep.actas.transiciones import crear_en_bloque
    from prep.cuentas.identidad import SISTEMA

    return crear_en_bloque(SISTEMA, "medicion.carga_directa", filas, carga_directa=True)
