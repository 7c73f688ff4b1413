#!/usr/bin/env bash
# Orden de pruebas de PREP Abierto: instala lo necesario y corre la batería completa.
#
#   bash scripts/test.sh                 # todo
#   bash scripts/test.sh -k reglas       # los argumentos extra pasan a pytest (en ambas bases)
#
# Pasos (se detiene en el primero que falla y sale con su código):
#   1. dependencias de Python: las versiones exactas del candado requisitos/desarrollo.txt
#      (con sus hashes) y el proyecto en modo editable sin dependencias
#   2. ruff check y ruff format --check
#   3. tipos: mypy contra la línea base tipos-base.txt, que sólo se reduce (scripts/tipos.py)
#   4. contratos de importación entre paquetes (lint-imports, archivo .importlinter)
#   5. pytest en SQLite (ajustes por omisión) y, a la vez,
#   6. pytest en PostgreSQL, sólo las pruebas que usan la base o dependen del motor: el servidor
#      de 127.0.0.1:5432 o, si no hay (o con PREP_PG_PROPIO=1), un clúster desechable que
#      scripts/postgres.sh instala (apt-get), levanta y borra al salir.
# pytest sin pruebas recogidas (código 5) cuenta como falla.
set -euo pipefail

RAIZ=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$RAIZ"
PYTHON=${PYTHON:-python3}
export PYTHON
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore

# Cronómetro en décimas de segundo (EPOCHREALTIME, bash ≥ 5).
ahora() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 100000)); }
decimas() { printf '%5d.%ds' $(($1 / 10)) $(($1 % 10)); }
TIEMPOS=()
INICIO_TOTAL=$(ahora)
NEGRITA='' NORMAL=''
if [[ -t 1 ]]; then NEGRITA=$'\033[1m' NORMAL=$'\033[0m'; fi
titulo() { printf '\n%s==> %s%s\n' "$NEGRITA" "$*" "$NORMAL"; INICIO_PASO=$(ahora); PASO=$*; }
fin_paso() { TIEMPOS+=("$(decimas $(($(ahora) - INICIO_PASO)))  $PASO"); }

# Archivos temporales de esta corrida (bases SQLite, informes JUnit); se borran al salir. Si algo
# falla, se dice qué paso fue y cuánto tardó cada uno.
TMP=$(mktemp -d "${TMPDIR:-/tmp}/prep-pruebas.XXXXXX")
PASO=""
al_salir() {
    local estado=$?
    rm -rf "$TMP"
    if [[ $estado -ne 0 ]]; then
        printf '\n%s==> FALLÓ: %s (código %d)%s\n' "$NEGRITA" "$PASO" "$estado" "$NORMAL" >&2
        for linea in "${TIEMPOS[@]}"; do echo "$linea  (terminado)" >&2; done
    fi
    exit "$estado"
}
trap al_salir EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# pytest con el código 5 (ninguna prueba recogida) convertido en falla. $1: nombre del informe.
pytest_estricto() {
    local informe=$1 estado=0
    shift
    "$@" --junitxml="$TMP/$informe.xml" -o junit_family=xunit2 || estado=$?
    if [[ $estado -eq 5 ]]; then
        echo "ERROR: pytest no recogió ninguna prueba (código 5)." >&2
    fi
    if [[ $estado -ne 0 ]]; then
        echo "ERROR: pytest terminó con código $estado." >&2
        exit "$estado"
    fi
}

# Debian packages the tests drive for real: Chromium (Playwright uses /usr/bin/chromium; it never
# downloads a browser), openssh-server (the SFTP tests start a real /usr/sbin/sshd) and the fonts
# the acta images are drawn with. apt only when missing.
titulo "Paquetes del sistema (chromium, openssh-server, fuentes, postgresql)"
FALTAN=()
[[ -x /usr/bin/chromium ]] || FALTAN+=(chromium)
[[ -x /usr/sbin/sshd ]] || FALTAN+=(openssh-server)
[[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] || FALTAN+=(fonts-dejavu-core)
if ((${#FALTAN[@]})); then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${FALTAN[@]}" >/dev/null
    echo "instalados: ${FALTAN[*]}"
else
    echo "ya instalados"
fi
# PostgreSQL's binaries (initdb, pg_ctl, pg_basebackup): the failover drill starts its own
# primary and espejo in both runs, SQLite's too (scripts/postgres.sh installs them if missing).
bash scripts/postgres.sh --binarios
fin_paso

# The lock (scripts/bloquear.sh makes it from pyproject.toml): exactly what was tested, every
# file checked against its hash. The project itself goes in without its dependencies, so pip
# cannot pull in anything newer than the lock.
titulo "Dependencias de Python (requisitos/desarrollo.txt con hashes, pip install --no-deps -e .)"
"$PYTHON" -m pip install --quiet --require-hashes --requirement requisitos/desarrollo.txt
"$PYTHON" -m pip install --quiet --no-deps --editable .
fin_paso

CARPETAS=()
for carpeta in prep tests benchmarks scripts; do
    if [[ -d $carpeta ]]; then CARPETAS+=("$carpeta"); fi
done

titulo "Revisión de estilo (ruff check ${CARPETAS[*]})"
"$PYTHON" -m ruff check "${CARPETAS[@]}"
fin_paso

titulo "Formato (ruff format --check ${CARPETAS[*]})"
"$PYTHON" -m ruff format --check "${CARPETAS[@]}"
fin_paso

# mypy on prep/ ([tool.mypy] in pyproject.toml); fails on an error not in tipos-base.txt and on
# one there that no longer occurs (python scripts/tipos.py --actualizar removes it).
titulo "Tipos (mypy, línea base que sólo se reduce)"
"$PYTHON" scripts/tipos.py
fin_paso

# import-linter reads its contracts from .importlinter; it has no `python -m`, so its
# lint-imports is taken from this same Python's scripts folder.
titulo "Contratos de importación (lint-imports)"
"$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/lint-imports"
fin_paso

# Both runs at once. They wait on child processes, browsers and clocks far more than they use the
# CPU (the SQLite run took 21 min with the machine idle and the same with it loaded), so side by
# side they take about the time of the longer one instead of the sum. Each run has its own
# PREP_VAR_DIR (its SQLite test database, its files) and its own PostgreSQL database; the
# PostgreSQL run's output is shown when both have ended.
#
# PostgreSQL: scripts/postgres.sh exporta PREP_DATABASE_URL (base de nombre único en el servidor
# compartido, o un clúster desechable); pytest-django crea y borra test_<base>; --create-db
# descarta restos. Sólo las pruebas que usan la base o dependen del motor
# (PREP_PRUEBAS_SOLO_BASE, tests/conftest.py): las demás ya dan su resultado en SQLite.
titulo "Pruebas en SQLite y, a la vez, en PostgreSQL"
(
    export PREP_VAR_DIR="$TMP/var-postgres" PREP_PRUEBAS_SOLO_BASE=1
    pytest_estricto postgres bash scripts/postgres.sh "$PYTHON" -m pytest --create-db "$@"
) >"$TMP/postgres.log" 2>&1 &
POSTGRES=$!
ESTADO_SQLITE=0
(
    unset PREP_DATABASE_URL
    export PREP_VAR_DIR="$TMP/var-sqlite"
    pytest_estricto sqlite "$PYTHON" -m pytest --create-db "$@"
) || ESTADO_SQLITE=$?
ESTADO_POSTGRES=0
wait "$POSTGRES" || ESTADO_POSTGRES=$?
printf '\n%s==> Salida de la corrida en PostgreSQL%s\n' "$NEGRITA" "$NORMAL"
cat "$TMP/postgres.log"
if ((ESTADO_SQLITE != 0)); then
    PASO="Pruebas en SQLite"
    exit "$ESTADO_SQLITE"
fi
if ((ESTADO_POSTGRES != 0)); then
    PASO="Pruebas en PostgreSQL"
    exit "$ESTADO_POSTGRES"
fi
fin_paso

titulo "Resumen"
for linea in "${TIEMPOS[@]}"; do
    echo "$linea"
done
echo "$(decimas $(($(ahora) - INICIO_TOTAL)))  total"
# Línea final con el total de ambas corridas (de los informes JUnit).
"$PYTHON" - "$TMP"/sqlite.xml "$TMP"/postgres.xml <<'EOF2'
import sys
import xml.etree.ElementTree as ET

pruebas = fallas = omitidas = 0
for ruta in sys.argv[1:]:
    for suite in ET.parse(ruta).getroot().iter("testsuite"):
        pruebas += int(suite.get("tests", 0))
        fallas += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        omitidas += int(suite.get("skipped", 0))
pasaron = pruebas - fallas - omitidas
print(f"Total: {pasaron} passed, {fallas} failed" + (f", {omitidas} skipped" if omitidas else ""))
EOF2
