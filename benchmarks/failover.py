"""Failover drill, once: recovery time of PREP when its PostgreSQL primary dies.

    python benchmarks/failover.py

Two real PostgreSQL servers set up with deploy/postgres (primary and synchronous espejo over
TLS, on 127.0.0.1, run as the `postgres` user: this needs root), a tiny election loaded with
`prep` commands, one `prep servir` on the URL naming both servers, and capturistas keying actas
over HTTP. After a few captures the primary's postmaster is killed (-9) and the espejo promoted
with promover.sh, as a DBA would do at once; the capturistas keep working through the same
`prep servir`. Prints the recovery time (from the kill to the first capture answered with
success after it), the time promover.sh took, and the captures answered before and after.
"""

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(RAIZ))


def main() -> None:
    """Run the drill in a temporary folder and print its figures."""
    temporal = Path(tempfile.mkdtemp(prefix="prep-bench-failover-"))
    try:
        medir(temporal)
    finally:
        shutil.rmtree(temporal, ignore_errors=True)


def medir(temporal: Path) -> None:
    """The drill with its files (images, logs, catálogo) under `temporal`."""
    # The drill's images and logs, never those of a real var folder.
    os.environ["PREP_VAR_DIR"] = str(temporal / "var")
    os.environ["DJANGO_SETTINGS_MODULE"] = "prep.settings"
    from tests.servicios.postgres import ParReplicado

    inicio = time.monotonic()
    with ParReplicado() as par:
        servidores = time.monotonic()
        # This process's settings name both servers, so `prep servir` (a child) gets them too.
        os.environ["PREP_DATABASE_URL"] = par.url()
        import django

        django.setup()
        from prep.servidor.servidor import ServidorHijo
        from tests.continuidad import conmutacion

        sintetica, equipo = conmutacion.preparar(par.url(), temporal)
        preparada = time.monotonic()
        with ServidorHijo(temporal / "servidor.log") as servidor:
            actas = conmutacion.digitalizar(servidor.url, sintetica, equipo)
            digitalizadas = time.monotonic()
            resultado = conmutacion.simulacro(par, servidor.url, sintetica, equipo, actas)
            fin = time.monotonic()
            vivo = servidor.proceso.poll() is None
    print(
        f"primario + espejo (TLS, síncrono) listos en {servidores - inicio:.1f} s;"
        f" migración y elección ({actas} actas) en {preparada - servidores:.1f} s;"
        f" acopio y digitalización en {digitalizadas - preparada:.1f} s;"
        f" captura con la conmutación en {fin - digitalizadas:.1f} s"
    )
    print(
        f"capturas con éxito: {len(resultado.antes())} antes de la caída,"
        f" {len(resultado.despues())} después; {len(resultado.fallidas())} respuestas 503"
        f" durante el cambio; prep servir sin reiniciar: {'sí' if vivo else 'NO'}"
    )
    print(
        f"promover.sh: {resultado.promovido - resultado.muerte:.2f} s desde kill -9;"
        f" recuperación (kill -9 → primera captura con éxito): {resultado.recuperacion():.2f} s"
    )


if __name__ == "__main__":
    main()
