"""Time `prep catalogo importar` on the national synthetic catálogo.

    python benchmarks/catalogo.py [--casillas 170000]

Uses a fresh SQLite database in a temporary folder, or the PostgreSQL database named by
PREP_DATABASE_URL (which must be empty: the benchmark refuses to replace a catálogo).
"""

from comun import argumentos, base_nueva, importar_catalogo_nacional


def main() -> None:
    """Generate, write and import the catálogo; print the import time."""
    opciones = argumentos(__doc__.splitlines()[0])
    temporal = base_nueva()
    from django.db import connection

    conteos, segundos = importar_catalogo_nacional(temporal, opciones.casillas, opciones.semilla)
    print(
        f"importar ({connection.vendor}): {segundos:6.2f} s  "
        f"{conteos.get('casillas', 0):,} casillas, {conteos.get('actas esperadas', 0):,} actas"
        " esperadas"
    )


if __name__ == "__main__":
    main()
