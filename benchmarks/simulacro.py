"""The national drill: `prep simulacro ejecutar` on PostgreSQL, with a profile of every process.

    PREP_DATABASE_URL=postgres://…/prep_bench python benchmarks/simulacro.py \
        [--casillas 170000] [--limite 20000] [--capturistas 32] [--servidores 2] [--perfil]

Runs the drill on this machine (the synthetic federal election of --casillas casillas imported,
its team formed, `prep servir` and `prep publicar --programado` children, the drill's clients
over HTTP) in a temporary folder, and prints its report. With --limite the drill plays that
many actas dealt across every CATD of the country: the database, queues and cortes are national,
the run is not hours long. With --perfil the whole run is sampled by py-spy (every process,
`pip install py-spy`) and the samples are summed by process and by what each was doing, which
names the phase that limits the night.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[1]

# What a sampled stack was doing, by the first of these functions found in it (innermost
# first), with the name the summary gives it.
ACTIVIDADES = (
    ("leer_qr", "digitalización: lectura del QR (zxing)"),
    ("_decodificar_imagen", "digitalización: decodificar la imagen"),
    ("decodificar", "digitalización: decodificar la imagen"),
    ("guardar", "digitalización: guardar en el almacén"),
    ("recibir_imagen", "digitalización: registro"),
    ("registrar_acopio", "acopio"),
    ("siguiente_acta", "captura: pedir acta"),
    ("capturar", "captura: registrar"),
    ("resolver", "verificación"),
    ("lista_de_conflictos", "verificación: lista"),
    ("publicar", "publicación: corte"),
    ("authenticate", "autenticación"),
    ("imagen_de_simulacro", "simulacro: dibujar imágenes"),
    ("imagen_plana", "simulacro: dibujar imágenes"),
    ("_run_once", "simulacro: clientes HTTP (asyncio)"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--casillas", default="170000")
    parser.add_argument("--elecciones", default="PRES,SEN,DIP_FED")
    parser.add_argument("--limite", default="20000")
    parser.add_argument("--capturistas", default="32")
    parser.add_argument("--verificadores", default="4")
    parser.add_argument("--servidores", default="2")
    parser.add_argument("--hilos", default="16")
    parser.add_argument("--reloj", default="20", help="a national corte takes about a minute")
    parser.add_argument("--perfil", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("PREP_DATABASE_URL", "").startswith("postgres"):
        sys.exit("PREP_DATABASE_URL debe nombrar una base PostgreSQL para el simulacro nacional")
    temporal = Path(tempfile.mkdtemp(prefix="prep-simulacro-"))
    informe = temporal / "informe.json"
    orden = [
        sys.executable, "-m", "prep.cli", "simulacro", "ejecutar",
        "--casillas", args.casillas, "--elecciones", args.elecciones,
        "--capturistas", args.capturistas, "--verificadores", args.verificadores,
        "--servidores", args.servidores, "--hilos", args.hilos, "--reloj", args.reloj,
        "--informe", str(informe),
    ]  # fmt: skip
    if args.limite:
        orden += ["--limite", args.limite]
    perfil = temporal / "perfil.txt"
    if args.perfil:
        # --nonblocking: sampling must not pause the processes it measures. --gil: only the
        # thread holding the GIL, i.e. what uses the CPU (a thread waiting for PostgreSQL or for
        # the GIL inside psycopg would otherwise look busy).
        orden = ["py-spy", "record", "--subprocesses", "--nonblocking", "--gil", "--rate", "20",
                 "--format", "raw", "--output", str(perfil), "--", *orden]  # fmt: skip
    entorno = dict(
        os.environ,
        PREP_VAR_DIR=str(temporal / "var"),
        PREP_PUBLICACION_DIR=str(temporal / "publicacion"),
        PYTHONPATH=str(RAIZ),
    )
    print("$", " ".join(orden), flush=True)
    corrida = subprocess.run(orden, cwd=temporal, env=entorno)
    if informe.exists():
        datos = json.loads(informe.read_text())
        claves = ("fases", "acopio_a_publicacion", "cuentas", "errores", "peticiones_por_segundo")
        print(json.dumps({k: datos[k] for k in claves}, indent=1))
        limite(datos)
    if args.perfil and perfil.exists():
        resumir_perfil(perfil)
        shutil.copy(perfil, Path.cwd() / "perfil-simulacro.txt")
    shutil.rmtree(temporal, ignore_errors=True)
    sys.exit(corrida.returncode)


def limite(datos: dict) -> None:
    """CPU seconds per verified acta of each kind of process while the drill played, the rate
    the machine's cores would allow if they did nothing else, and how close the drill came.

    The rate achieved is over the night's span, from the first acopio to the last acta
    verified. The corte generator is left out of the per-acta figures: its work follows the
    calendar (a corte every 20 minutes of the night), which the drill's clock compresses.
    """
    verificadas = datos["cuentas"]["verificadas"] or 1
    cpu = {k: v or 0.0 for k, v in datos["cpu_s"].items()}
    nucleos = os.cpu_count() or 1
    fases = datos["fases"]
    lapso = fases["verificación"]["hasta_s"] - fases["acopio"]["desde_s"]
    logrado = verificadas / lapso
    print("\nCPU por acta verificada (ms):")
    for proceso, segundos in cpu.items():
        print(f"  {1000 * segundos / verificadas:7.1f}  {proceso}")
    por_acta = sum(v for k, v in cpu.items() if k != "publicador") / verificadas
    servidor = (cpu["servidores"] + cpu["postgresql"]) / verificadas
    print(f"  {1000 * por_acta:7.1f}  en total, sin el publicador")
    proporcion = 100 * logrado * por_acta / nucleos
    print(
        f"Logrado: {verificadas:,} actas de su acopio a su verificación en {lapso:.0f} s ="
        f" {logrado:.1f} actas/s. Límite de CPU de esta máquina ({nucleos} núcleos, todo en"
        f" ella): {nucleos / por_acta:.1f} actas/s; logrado = {proporcion:.0f} %."
    )
    print(
        f"Límite de CPU del lado del servidor (PREP y PostgreSQL en {nucleos} núcleos, los"
        f" clientes en otras máquinas): {nucleos / servidor:.1f} actas/s."
    )


def resumir_perfil(perfil: Path) -> None:
    """Samples by kind of process and by activity, as shares of all samples, and the functions
    of PREP's code where the servers spend their time (inclusive)."""
    por_proceso: Counter = Counter()
    por_actividad: Counter = Counter()
    del_servidor: Counter = Counter()
    for linea in perfil.read_text(errors="replace").splitlines():
        pila, _, cuenta = linea.rpartition(" ")
        if not cuenta.isdigit():
            continue
        marcos = pila.split(";")[1:]
        funciones = [m.split(" (", 1)[0] for m in marcos]
        if funciones and funciones[-1] in EN_ESPERA:
            continue  # a thread waiting for work or for I/O is not using the CPU
        proceso = next((nombre for clave, nombre in PROCESOS if clave in pila), "otro")
        actividad = next((nombre for clave, nombre in ACTIVIDADES if clave in funciones), "otra")
        por_proceso[proceso] += int(cuenta)
        por_actividad[f"{proceso} · {actividad}"] += int(cuenta)
        if proceso == "prep servir":
            for marco in set(marcos):
                if "prep/" in marco:
                    del_servidor[marco.split(" (", 1)[0] + " " + marco.rsplit("/", 1)[-1]] += int(
                        cuenta
                    )
    total = sum(por_proceso.values()) or 1
    print("\nMuestras en CPU por proceso:")
    for proceso, n in por_proceso.most_common():
        print(f"  {100 * n / total:5.1f} %  {proceso}")
    print("\nPor actividad:")
    for actividad, n in por_actividad.most_common(25):
        print(f"  {100 * n / total:5.1f} %  {actividad}")
    servidor = por_proceso["prep servir"] or 1
    print("\nEn los servidores, por función de PREP (inclusivo, % del servidor):")
    for funcion, n in del_servidor.most_common(30):
        print(f"  {100 * n / servidor:5.1f} %  {funcion}")


# A process by what its stacks show (py-spy's command line of a process is often empty).
PROCESOS = (
    ("cheroot", "prep servir"),
    ("seguir_calendario", "prep publicar --programado"),
    ("_process_worker", "simulacro (dibujantes)"),
    ("asyncio", "simulacro (clientes)"),
)
EN_ESPERA = frozenset({"select", "poll", "wait", "epoll_wait", "accept", "_recv", "recv_into",
                       "acquire", "sleep", "get", "readinto", "_wait_for_tstate_lock"})  # fmt: skip


if __name__ == "__main__":
    main()
