"""Static type check of prep/ with mypy against a baseline that may only shrink.

    python scripts/tipos.py               # revisa: falla con errores nuevos o ya corregidos
    python scripts/tipos.py --actualizar  # quita de la línea base los errores ya corregidos
    python scripts/tipos.py --inicial     # crea la línea base (sólo la primera vez)

mypy's configuration lives in pyproject.toml ([tool.mypy]). The baseline (tipos-base.txt at the
repository root, committed) holds one line per error mypy reported when it was made, keyed by
file, error code and message but not by line number, so that editing a file elsewhere does not
churn it; an error that occurs twice in a file is listed twice. The check fails when:

- an error is not in the baseline (or occurs more often in its file than the baseline allows);
  each one is listed with its line;
- a baseline entry no longer occurs: the baseline must shrink with the code, so the user is told
  to run --actualizar, which rewrites it only by removing entries (it never adds one).

--inicial writes the baseline from scratch and refuses when it already exists: to start over
after a large refactoring, delete tipos-base.txt first (and explain why in the commit).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RAIZ = Path(__file__).resolve().parent.parent
BASE = RAIZ / "tipos-base.txt"
ORDEN_ACTUALIZAR = "python scripts/tipos.py --actualizar"
ENCABEZADO = """\
# Línea base de errores de tipos de prep/ (mypy, configurado en pyproject.toml [tool.mypy]).
# Sólo puede reducirse: python scripts/tipos.py falla con un error que no esté aquí y también
# cuando uno de aquí ya no ocurre; entonces «python scripts/tipos.py --actualizar» lo quita.
# Una línea por error: archivo, [código] y mensaje, sin número de línea (un error repetido en
# el mismo archivo aparece repetido). No se edita a mano para agregar errores.
"""

# "prep/x.py:12: error: Message  [code]" (a column may follow the line number).
_ERROR = re.compile(
    r"^(?P<ruta>[^:\n]+):(?P<linea>\d+):(?:\d+:)? error: "
    r"(?P<mensaje>.*?)\s+\[(?P<codigo>[a-z0-9-]+)\]$"
)
# Messages that name another line ("already defined on line 45") would churn like line numbers.
_OTRA_LINEA = re.compile(r"\bline \d+\b")


@dataclass(frozen=True, slots=True)
class Error:
    """One error mypy reported: where it is and its key in the baseline."""

    ruta: str
    linea: int
    codigo: str
    mensaje: str

    @property
    def clave(self) -> str:
        """The baseline entry: file, code and message, without line numbers."""
        return f"{self.ruta}: [{self.codigo}] {_OTRA_LINEA.sub('line N', self.mensaje)}"

    def __str__(self) -> str:
        return f"{self.ruta}:{self.linea}: [{self.codigo}] {self.mensaje}"


class FallaDeMypy(Exception):
    """mypy could not check the code (a syntax error, a crash, a bad configuration)."""


def correr_mypy() -> list[Error]:
    """Run mypy on prep/ with the configuration in pyproject.toml and return its errors."""
    orden = [
        sys.executable,
        "-m",
        "mypy",
        "--no-error-summary",
        "--no-pretty",
        "--no-color-output",
        "--hide-error-context",
        "--hide-column-numbers",
        "--show-error-codes",
    ]
    entorno = {**os.environ, "MYPY_FORCE_COLOR": "0", "TERM": "dumb"}
    hecho = subprocess.run(
        orden, cwd=RAIZ, env=entorno, capture_output=True, text=True, check=False
    )
    salida = hecho.stdout.splitlines()
    errores = [e for e in map(_interpretar, salida) if e is not None]
    if hecho.returncode not in (0, 1) or (hecho.returncode == 1 and not errores):
        detalle = "\n".join([*salida, *hecho.stderr.splitlines()][-40:])
        raise FallaDeMypy(f"mypy terminó con código {hecho.returncode}:\n{detalle}")
    return errores


def _interpretar(linea: str) -> Error | None:
    """The error on one line of mypy's output; None for notes and anything else."""
    encontrado = _ERROR.match(linea)
    if encontrado is None:
        return None
    return Error(
        ruta=encontrado["ruta"].replace(os.sep, "/"),
        linea=int(encontrado["linea"]),
        codigo=encontrado["codigo"],
        mensaje=encontrado["mensaje"],
    )


def leer_base(ruta: Path) -> Counter[str]:
    """The baseline's entries with how many times each occurs."""
    lineas = ruta.read_text(encoding="utf-8").splitlines()
    return Counter(linea for linea in lineas if linea.strip() and not linea.startswith("#"))


def escribir_base(ruta: Path, entradas: Counter[str]) -> None:
    """Write the baseline sorted, one line per occurrence, after its header."""
    cuerpo = "".join(f"{clave}\n" for clave in sorted(entradas.elements()))
    ruta.write_text(ENCABEZADO + cuerpo, encoding="utf-8")


def comparar(base: Counter[str], errores: Iterable[Error]) -> tuple[list[Error], Counter[str]]:
    """The errors in excess of the baseline (every occurrence of a key that has more than the
    baseline allows, so the user sees all the candidates), by file and line, and the baseline
    entries that no longer occur, with how many times."""
    por_clave: dict[str, list[Error]] = {}
    for error in errores:
        por_clave.setdefault(error.clave, []).append(error)
    actuales = Counter({clave: len(lista) for clave, lista in por_clave.items()})
    nuevos = [
        error
        for clave, lista in por_clave.items()
        if actuales[clave] > base[clave]
        for error in lista
    ]
    nuevos.sort(key=lambda e: (e.ruta, e.linea, e.codigo, e.mensaje))
    return nuevos, base - actuales


def _plural(cuantos: int, singular: str, plural: str) -> str:
    return f"{cuantos:,} {singular if cuantos == 1 else plural}"


def informar_nuevos(base: Counter[str], nuevos: Sequence[Error]) -> None:
    """List the errors the baseline does not admit, grouped by key."""
    print(f"\nErrores de tipos nuevos (no están en {BASE.name}):", file=sys.stderr)
    por_clave: dict[str, list[Error]] = {}
    for error in nuevos:
        por_clave.setdefault(error.clave, []).append(error)
    for clave, lista in por_clave.items():
        if base[clave]:
            sobran = len(lista) - base[clave]
            cuales = "uno es nuevo" if sobran == 1 else f"{sobran} son nuevos"
            print(
                f"  {len(lista)} veces en {lista[0].ruta} y la línea base admite {base[clave]}"
                f" ({cuales}):",
                file=sys.stderr,
            )
            for error in lista:
                print(f"    {error}", file=sys.stderr)
        else:
            for error in lista:
                print(f"  {error}", file=sys.stderr)
    print(
        "Corríjalos (o anótelos con su tipo correcto); la línea base no admite errores nuevos.",
        file=sys.stderr,
    )


def informar_corregidos(corregidos: Counter[str]) -> None:
    """List the baseline entries that no longer occur and say how to remove them."""
    print(f"\nErrores de {BASE.name} que ya no ocurren (¡bien!):", file=sys.stderr)
    for clave, veces in sorted(corregidos.items()):
        print(f"  {clave}" + (f"  (×{veces})" if veces > 1 else ""), file=sys.stderr)
    print(
        f"La línea base sólo se reduce: corra «{ORDEN_ACTUALIZAR}» y suba {BASE.name} con el"
        " cambio.",
        file=sys.stderr,
    )


def revisar() -> int:
    """Compare mypy's errors with the baseline; 0 when they match exactly."""
    if not BASE.exists():
        print(
            f"No existe {BASE.name}: créela una sola vez con «python scripts/tipos.py --inicial».",
            file=sys.stderr,
        )
        return 2
    base = leer_base(BASE)
    errores = correr_mypy()
    nuevos, corregidos = comparar(base, errores)
    if nuevos:
        informar_nuevos(base, nuevos)
    if corregidos:
        informar_corregidos(corregidos)
    if nuevos or corregidos:
        return 1
    archivos = len({error.ruta for error in errores})
    if errores:
        print(
            f"Tipos: {_plural(len(errores), 'error', 'errores')} en"
            f" {_plural(archivos, 'archivo', 'archivos')}, todos en la línea base"
            f" ({BASE.name}); ninguno nuevo."
        )
    else:
        print("Tipos: mypy no encontró ningún error.")
    return 0


def actualizar() -> int:
    """Remove from the baseline the entries that no longer occur; never add one."""
    if not BASE.exists():
        print(f"No existe {BASE.name}: use --inicial la primera vez.", file=sys.stderr)
        return 2
    base = leer_base(BASE)
    errores = correr_mypy()
    nuevos, corregidos = comparar(base, errores)
    if corregidos:
        escribir_base(BASE, base - corregidos)
        quitados = corregidos.total()
        print(
            f"{BASE.name}: {_plural(quitados, 'entrada quitada', 'entradas quitadas')};"
            f" quedan {(base - corregidos).total():,}."
        )
    else:
        print(f"{BASE.name}: nada que quitar ({base.total():,} entradas).")
    if nuevos:
        informar_nuevos(base, nuevos)
        print(f"--actualizar no los agrega a {BASE.name}.", file=sys.stderr)
        return 1
    return 0


def inicial() -> int:
    """Write the baseline from mypy's current errors; only when there is none yet."""
    if BASE.exists():
        print(
            f"{BASE.name} ya existe y sólo puede reducirse ({ORDEN_ACTUALIZAR}). Para empezar de"
            f" nuevo a propósito (p. ej. tras mover código entre archivos), bórrela antes:"
            f" rm {BASE.name}",
            file=sys.stderr,
        )
        return 2
    errores = correr_mypy()
    escribir_base(BASE, Counter(error.clave for error in errores))
    print(f"{BASE.name}: creada con {_plural(len(errores), 'error', 'errores')} de mypy.")
    return 0


class _Formato(argparse.HelpFormatter):
    """argparse's help with its usage line in Spanish."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[Any],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, "uso: " if prefix is None else prefix)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options and run the check, the update or the initial baseline."""
    analizador = argparse.ArgumentParser(
        prog="python scripts/tipos.py",
        description="Revisión de tipos de prep/ (mypy) contra una línea base que sólo se reduce.",
        formatter_class=_Formato,
        add_help=False,
    )
    opciones = analizador.add_argument_group("opciones")
    modo = opciones.add_mutually_exclusive_group()
    modo.add_argument(
        "--actualizar",
        action="store_true",
        help=f"quita de {BASE.name} los errores que ya no ocurren (nunca agrega)",
    )
    modo.add_argument(
        "--inicial",
        action="store_true",
        help=f"crea {BASE.name} con los errores de hoy (sólo la primera vez)",
    )
    opciones.add_argument("-h", "--help", action="help", help="muestra esta ayuda y sale")
    args = analizador.parse_args(argv)
    try:
        if args.inicial:
            return inicial()
        if args.actualizar:
            return actualizar()
        return revisar()
    except FallaDeMypy as exc:
        print(f"No se pudo revisar los tipos: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
