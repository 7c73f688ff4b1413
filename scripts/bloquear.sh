#!/usr/bin/env bash
# Regenera el candado de dependencias de Python (requisitos/*.txt) desde pyproject.toml: cada
# paquete, directo o indirecto, con su versión exacta y los hashes SHA-256 de sus archivos.
#
#   bash scripts/bloquear.sh                          # sólo lo que pyproject.toml ya no admite
#   bash scripts/bloquear.sh --upgrade                # todo a lo más reciente que admita
#   bash scripts/bloquear.sh --upgrade-package django # sólo ese paquete (y lo que arrastre)
#
# Los argumentos pasan a `uv pip compile`. Sin ellos se conservan las versiones del candado
# actual. Se corre a propósito, nunca sola: el candado nuevo se revisa (git diff requisitos/),
# se prueba con bash scripts/test.sh y se sube junto con el cambio de pyproject.toml.
#
#   requisitos/desarrollo.txt  dependencias de ejecución + extra «dev» (lo que prueba test.sh)
#   requisitos/prep.txt        sólo las de ejecución, en las mismas versiones que desarrollo.txt
#
# Para Linux y Python 3.11, lo que usan el despliegue y las pruebas. uv se instala en un entorno
# desechable (no toca el Python del sistema); si ya está en el PATH, se usa ése.
set -euo pipefail

RAIZ=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$RAIZ"
PYTHON=${PYTHON:-python3}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore

if command -v uv >/dev/null; then
    UV=uv
else
    TMP=$(mktemp -d "${TMPDIR:-/tmp}/prep-bloquear.XXXXXX")
    trap 'rm -rf "$TMP"' EXIT
    echo "==> instalando uv en un entorno desechable"
    "$PYTHON" -m venv "$TMP/venv"
    "$TMP/venv/bin/pip" install --quiet 'uv>=0.5'
    UV=$TMP/venv/bin/uv
fi

mkdir -p requisitos
compilar() {
    "$UV" pip compile pyproject.toml --quiet --generate-hashes --python-version 3.11 \
        --python-platform linux --custom-compile-command 'bash scripts/bloquear.sh' "$@"
}
# First the full set the tests run with; then the runtime subset, constrained to those same
# versions so that production installs exactly what was tested.
echo "==> requisitos/desarrollo.txt (ejecución + dev)"
compilar --extra dev --output-file requisitos/desarrollo.txt "$@"
echo "==> requisitos/prep.txt (ejecución)"
compilar --constraint requisitos/desarrollo.txt --output-file requisitos/prep.txt "$@"
echo "listo: revise «git diff requisitos/» y corra bash scripts/test.sh"
