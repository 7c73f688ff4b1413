#!/usr/bin/env bash
# Construye la rueda (wheel) de PREP Abierto de forma reproducible: dos construcciones del mismo
# árbol dan los mismos bytes, así que cualquiera puede reconstruirla y comparar su SHA-256 con la
# que se instaló (docs/auditoria.md).
#
#   bash scripts/rueda.sh [CARPETA_DESTINO]     # por omisión ./dist
#
# Cómo se logra:
#   - el backend de construcción es exactamente el de [build-system] en pyproject.toml
#     (setuptools==…), el que instala requisitos/desarrollo.txt; se construye sin aislamiento
#     (--no-build-isolation) y sin red, con ese mismo;
#   - SOURCE_DATE_EPOCH fija la fecha de cada archivo dentro de la rueda: la del último commit
#     (o la que se dé en la variable), nunca la de la copia;
#   - se construye en una copia desechable de los archivos que git ve (los registrados y los
#     nuevos no ignorados; fuera de git, todos menos build/, dist/, *.egg-info y cachés), con
#     permisos normalizados: ni build/ ni *.egg-info viejos entran ni quedan en el árbol.
# Imprime la ruta de la rueda y su SHA-256 (formato de sha256sum).
set -euo pipefail

RAIZ=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DESTINO=$(mkdir -p "${1:-$RAIZ/dist}" && cd "${1:-$RAIZ/dist}" && pwd)
PYTHON=${PYTHON:-python3}
# A fixed hash seed: whatever the backend writes from a set comes out in one order.
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore PYTHONHASHSEED=0

# The pinned backend, or stop: another setuptools may write other bytes.
PEDIDO=$("$PYTHON" - "$RAIZ/pyproject.toml" <<'EOF2'
import sys
import tomllib

with open(sys.argv[1], "rb") as archivo:
    requiere = tomllib.load(archivo)["build-system"]["requires"]
print(" ".join(requiere))
EOF2
)
INSTALADO="setuptools==$("$PYTHON" -c 'import setuptools; print(setuptools.__version__)')"
if [[ $PEDIDO != "$INSTALADO" ]]; then
    echo "ERROR: [build-system] pide «$PEDIDO» y está instalado «$INSTALADO»;" \
        "instálelo con: $PYTHON -m pip install --require-hashes -r requisitos/desarrollo.txt" >&2
    exit 1
fi

# A git checkout: the files git sees (tracked, and new ones not ignored). Anything else (an
# unpacked source tree): every file but build output, caches and the repository itself.
if [[ $(git -C "$RAIZ" rev-parse --show-toplevel 2>/dev/null) == "$RAIZ" ]]; then
    EN_GIT=1
else
    EN_GIT=0
fi
listar() {
    if ((EN_GIT)); then
        # --cached also names tracked files deleted from the tree: only those still there.
        git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
            if [[ -e $f || -L $f ]]; then printf '%s\0' "$f"; fi
        done
    else
        find . \( -path ./.git -o -path ./build -o -path ./dist -o -name '*.egg-info' \
            -o -name __pycache__ \) -prune -o \( -type f -o -type l \) ! -name '*.pyc' -print0
    fi
}

if [[ -z ${SOURCE_DATE_EPOCH:-} ]]; then
    if ((!EN_GIT)); then
        echo "ERROR: fuera de un repositorio git, dé la fecha: SOURCE_DATE_EPOCH=<segundos>" >&2
        exit 1
    fi
    SOURCE_DATE_EPOCH=$(git -C "$RAIZ" log -1 --format=%ct)
fi
export SOURCE_DATE_EPOCH

COPIA=$(mktemp -d "${TMPDIR:-/tmp}/prep-rueda.XXXXXX")
trap 'rm -rf "$COPIA"' EXIT
mkdir "$COPIA/arbol"
# The same modes whatever the umask of whoever checked the tree out (the wheel records them).
(cd "$RAIZ" && listar | tar --create --file=- --no-recursion --mode='u+rw,go+r,go-w' \
    --null --files-from=-) | tar --extract --directory="$COPIA/arbol" --file=-

"$PYTHON" -m pip wheel --quiet --no-deps --no-build-isolation --no-index \
    --wheel-dir "$COPIA/dist" "$COPIA/arbol"
for rueda in "$COPIA"/dist/*.whl; do
    cp "$rueda" "$DESTINO/"
    (cd "$DESTINO" && sha256sum "$(basename "$rueda")" | sed "s|  |  $DESTINO/|")
done
