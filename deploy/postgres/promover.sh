#!/usr/bin/env bash
# Promueve el ESPEJO a primario cuando el primario cayó (conmutación por falla).
#
#   sudo -u postgres promover.sh [--primario-anterior db1:5432] [--puerto 5432] [--socket DIR]
#
#   --primario-anterior HOST[:PUERTO]  si se da, el guion se niega a promover mientras el primario
#                        anterior siga aceptando conexiones (dos primarios = datos divergentes)
#   --forzar             promueve aunque el primario anterior responda (sólo si ya está aislado
#                        de la red de la aplicación y no puede recibir escrituras)
#   --puerto N (5432)  --socket DIR  --espera SEGUNDOS (60)  --bin DIR
#
# Antes de promover, el nodo deja de exigir un espejo síncrono (synchronous_standby_names = '',
# con ALTER SYSTEM): el nuevo primario no tiene espejo y, de exigirlo, toda escritura esperaría
# para siempre. Costo: hasta que haya un espejo nuevo, cada COMMIT vive en un solo servidor; si
# éste también se pierde, se pierde lo escrito desde la conmutación. Reconstruya el espejo
# (espejo.sh --reemplazar en el nodo caído) y después ejecute sincronizar.sh en este nodo.
set -euo pipefail

GUION=promover
# shellcheck source=comun.sh
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/comun.sh"


ANTERIOR="" FORZAR=0 PUERTO=5432 SOCKET="" ESPERA=60 BIN=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --primario-anterior) valor "$@"; ANTERIOR=$2; shift 2 ;;
        --forzar) FORZAR=1; shift ;;
        --puerto) valor "$@"; PUERTO=$2; shift 2 ;;
        --socket) valor "$@"; SOCKET=$2; shift 2 ;;
        --espera) valor "$@"; ESPERA=$2; shift 2 ;;
        --bin) valor "$@"; BIN=$2; shift 2 ;;
        -h | --help) uso ;;
        *) fallar "opción desconocida: $1 (vea --help)" ;;
    esac
done
exigir_no_root
[[ $PUERTO =~ ^[0-9]+$ ]] || fallar "--puerto debe ser un número"
[[ $ESPERA =~ ^[1-9][0-9]*$ ]] || fallar "--espera debe ser un entero positivo"
buscar_binarios

case $(consultar "SELECT pg_is_in_recovery()") in
    t) ;;
    f)
        aviso "este servidor ya es primario: no hay nada que promover"
        exit 0
        ;;
    *) fallar "no pude consultar el servidor local en el puerto $PUERTO" ;;
esac

if [[ -n $ANTERIOR ]]; then
    host=${ANTERIOR%:*}
    puerto=5432
    [[ $ANTERIOR == *:* ]] && puerto=${ANTERIOR##*:}
    # pg_isready: 0 acepta conexiones, 1 las rechaza (arrancando), 2 no responde.
    estado=0
    "$BIN/pg_isready" -q -h "$host" -p "$puerto" -t 3 || estado=$?
    if [[ $estado -eq 0 || $estado -eq 1 ]]; then
        if [[ $FORZAR -eq 1 ]]; then
            aviso "el primario anterior $host:$puerto responde; se promueve por --forzar"
        else
            fallar "el primario anterior $host:$puerto sigue respondiendo: deténgalo o aíslelo antes de promover (o use --forzar)"
        fi
    fi
fi

# Primero se deja de exigir espejo síncrono (ALTER SYSTEM escribe postgresql.auto.conf, también
# en un espejo) y después se promueve: así no hay un instante en que el nuevo primario acepte
# una escritura que no pueda confirmar.
psql_local >/dev/null <<'SQL'
ALTER SYSTEM SET synchronous_standby_names = '';
SELECT pg_reload_conf();
SQL
inicio=$SECONDS
if [[ $(consultar "SELECT pg_promote(true, $ESPERA)") != t ]]; then
    fallar "la promoción no terminó en $ESPERA s; revise la bitácora del servidor"
fi
[[ $(consultar "SELECT pg_is_in_recovery()") == f ]] || fallar "el servidor sigue en recuperación"
aviso "promovido en $((SECONDS - inicio)) s: este nodo es el primario y acepta escrituras"
aviso "ATENCIÓN: sin espejo, cada COMMIT está en un solo servidor. Reconstruya el espejo con"
aviso "espejo.sh --reemplazar en el nodo caído y luego ejecute sincronizar.sh en este nodo."
