#!/usr/bin/env bash
# Every benchmark, one after another, at national size. BENCHMARKS.md records the figures.
#   bash benchmarks/todo.sh [--casillas N]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
echo "== máquina: $(nproc) núcleos, $(free -g | awk '/Mem:/ {print $2}') GiB, $(lscpu | sed -n 's/^Model name: *//p')"
echo "== generación de la elección sintética nacional"
python benchmarks/generacion.py "$@"
echo "== motor de reglas: evaluación y agregación"
python benchmarks/reglas.py "$@"
echo "== verificar-base: leer y verificar las bases nacionales de PRES, SEN y DIP_FED"
python benchmarks/verificar_base.py "$@"
echo "== importación del catálogo nacional (SQLite)"
env -u PREP_DATABASE_URL python benchmarks/catalogo.py "$@"
if [[ -n "${PREP_DATABASE_URL:-}" ]]; then
    echo "== importación del catálogo nacional (PostgreSQL)"
    python benchmarks/catalogo.py "$@"
fi
echo "== tablero del coordinador sobre el catálogo nacional"
env -u PREP_DATABASE_URL python benchmarks/tablero.py "$@"
echo "== métricas de Prometheus (/metricas) sobre el catálogo nacional"
env -u PREP_DATABASE_URL python benchmarks/monitoreo.py "$@"
echo "== captura: latencia de la API con capturistas concurrentes (2,000 casillas)"
python benchmarks/captura.py
echo "== digitalización: subida + hash + clasificación"
python benchmarks/digitalizacion.py
echo "== PREP Casilla: revisión de la foto en el teléfono (Chromium, CPU normal y más lenta)"
python benchmarks/casilla.py
echo "== corte nacional: completo e incremental"
env -u PREP_DATABASE_URL python benchmarks/corte.py "$@"
echo "== difusión: el corte nacional a 10 difusores (8 SFTP con sshd, 2 S3 con moto)"
env -u PREP_DATABASE_URL python benchmarks/difusion.py --sftp 8 --s3 2 "$@"
if [[ -n "${PREP_DATABASE_URL:-}" ]]; then
    echo "== simulacro nacional por la API real (PostgreSQL; 3,000 actas de la elección nacional)"
    python benchmarks/simulacro.py --limite 3000 --reloj 10
fi
echo "== demostración (prep demo, 500 casillas)"
tmp=$(mktemp -d)
(cd "$tmp" && env -u PREP_DATABASE_URL /usr/bin/time -f "prep demo: %e s, memoria máxima %M KB" prep demo >/dev/null)
rm -rf "$tmp"
