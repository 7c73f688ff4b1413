"""The software's fingerprint: one SHA-256 that names exactly which code is running.

It covers every file of the installed `prep` package (code, templates, static files, the PREP
Casilla app, …) and the dependency lock, which travels inside the package as
`prep/requisitos.txt` (a link to requisitos/prep.txt in a checkout, a plain file in the wheel),
so an installed wheel and a checkout with the same files give the same fingerprint.

How it is computed, so an auditor can redo it with coreutils alone (docs/auditoria.md):

1. the files under the package folder, following links, leaving out `__pycache__` folders and
   `*.pyc` files (Python writes those itself when it runs);
2. each as one line `<SHA-256 of its bytes>  prep/<path>` (what `sha256sum` prints), the lines
   sorted by path (byte order, as `LC_ALL=C sort`);
3. the fingerprint is the SHA-256 of those lines, one after the other, each ending in `\\n`:

       find -L prep -type f ! -name '*.pyc' ! -path '*/__pycache__/*' | LC_ALL=C sort \\
           | xargs -d '\\n' sha256sum | sha256sum

No Django, and from prep only the Spanish argparse (prep/argumentos.py), so `prep huella`
answers at once and every layer but the leaves may use it.
"""

import argparse
import hashlib
import json
import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from prep.argumentos import Analizador

PAQUETE = "prep"
DISTRIBUCION = "prep-abierto"  # the name in pyproject.toml, for its version
CANDADO = "requisitos.txt"  # the lock of runtime dependencies, inside the package
# What Python writes by itself next to the code: never part of the fingerprint.
CARPETA_EXCLUIDA = "__pycache__"
SUFIJO_EXCLUIDO = ".pyc"


def raiz_instalada() -> Path:
    """The folder of the `prep` package this process runs."""
    return Path(__file__).resolve().parent


def lineas(raiz: Path) -> list[str]:
    """One `<sha256>  prep/<path>` line per file under `raiz` (a `prep` package folder), sorted
    by path: the list the fingerprint is the SHA-256 of. ValueError when a name would make
    `sha256sum` write a different line (a backslash or a line break in it)."""
    rutas: dict[str, Path] = {}
    for carpeta, subcarpetas, archivos in os.walk(raiz, followlinks=True):
        subcarpetas[:] = [c for c in subcarpetas if c != CARPETA_EXCLUIDA]
        relativa = Path(carpeta).relative_to(raiz)
        for nombre in archivos:
            if not nombre.endswith(SUFIJO_EXCLUIDO):
                rutas[(Path(PAQUETE) / relativa / nombre).as_posix()] = Path(carpeta, nombre)
    resultado = []
    # Sorted as str: code-point order, which for UTF-8 names is the byte order of LC_ALL=C sort.
    for ruta in sorted(rutas):
        if "\\" in ruta or "\n" in ruta:
            raise ValueError(f"nombre de archivo que sha256sum escaparía: {ruta!r}")
        sha = hashlib.sha256(rutas[ruta].read_bytes()).hexdigest()
        resultado.append(f"{sha}  {ruta}\n")
    return resultado


def calcular(raiz: Path) -> str:
    """The fingerprint of the `prep` package folder `raiz`, in hex."""
    return hashlib.sha256("".join(lineas(raiz)).encode("utf-8")).hexdigest()


@cache
def huella_software() -> str:
    """The fingerprint of the running software, computed once per process."""
    return calcular(raiz_instalada())


def version() -> str | None:
    """The installed project's version (pyproject.toml), or None when it is not installed."""
    # Imported here: importlib.metadata takes longer to load than the fingerprint to compute.
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUCION)
    except metadata.PackageNotFoundError:
        return None


def texto(como_json: bool = False, archivos: bool = False) -> str:
    """What `prep huella` prints: the fingerprint and the version, as text or JSON; with
    `archivos`, before them, the line of each file it covers."""
    if como_json:
        datos: dict[str, object] = {"huella_software": huella_software(), "version": version()}
        if archivos:
            datos["archivos"] = [linea.rstrip("\n") for linea in lineas(raiz_instalada())]
        return json.dumps(datos, ensure_ascii=False, indent=1)
    salida = "".join(lineas(raiz_instalada())) if archivos else ""
    return (
        salida
        + f"huella del software: {huella_software()}\n"
        + f"versión: {version() or 'desconocida (prep-abierto no está instalado)'}"
    )


def opciones(parser: argparse.ArgumentParser) -> None:
    """The options of `prep huella`, for this module's parser and the management command's."""
    parser.add_argument("--json", action="store_true", dest="como_json", help="salida en JSON")
    parser.add_argument(
        "--archivos",
        action="store_true",
        help=(
            "antes de la huella, la línea «SHA-256  ruta» de cada archivo que cubre (el formato"
            " de sha256sum, para comparar archivo por archivo)"
        ),
    )


AYUDA = (
    "Muestra la huella del software (un SHA-256 sobre todos los archivos del paquete instalado y"
    " el candado de dependencias) y su versión: la misma huella que lleva el manifest.json de cada"
    " corte y la bitácora al iniciar cada proceso prep."
)


def principal(argv: Sequence[str] | None = None) -> None:
    """`prep huella [--json] [--archivos]`, without Django: prints to standard output."""
    parser = Analizador(prog="prep huella", description=AYUDA)
    opciones(parser)
    argumentos = parser.parse_args(argv)
    print(texto(argumentos.como_json, argumentos.archivos))
