#!/usr/bin/env bash
# Vuelve a exigir el espejo síncrono en el PRIMARIO, después de una conmutación (promover.sh lo
# relajó) y de reconstruir el espejo (espejo.sh --reemplazar en el nodo caído).
#
#   sudo -u postgres sincronizar.sh [--nombre espejo] [--puerto 5432] [--socket DIR]
#
#   --nombre NOMBRE (espejo)  application_name del espejo
#   --puerto N (5432)  --socket DIR  --espera SEGUNDOS (60)  --bin DIR
#
# Sólo restablece synchronous_standby_names cuando el espejo ya transmite: si no, toda escritura
# quedaría esperando a un espejo ausente. Termina cuando el espejo figura como síncrono.
set -euo pipefail

GUION=sincronizar
# shellcheck source=comun.sh
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/comun.sh"


NOMBRE_ESPEJO=espejo PUERTO=5432 SOCKET="" ESPERA=60 BIN=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --nombre) valor "$@"; NOMBRE_ESPEJO=$2; shift 2 ;;
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
[[ $NOMBRE_ESPEJO =~ ^[A-Za-z0-9_]+$ ]] || fallar "--nombre: sólo letras, dígitos y _"
buscar_binarios

[[ $(consultar "SELECT pg_is_in_recovery()") == f ]] || fallar "este servidor no es el primario"

# Espera (con plazo) a que la consulta $1 devuelva $2.
esperar() {
    local limite=$((SECONDS + ESPERA))
    until [[ $(consultar "$1") == "$2" ]]; do
        ((SECONDS < limite)) || fallar "$3"
        sleep 0.2
    done
}

esperar "SELECT count(*) FROM pg_stat_replication
         WHERE application_name = '$NOMBRE_ESPEJO' AND state = 'streaming'" 1 \
    "el espejo «$NOMBRE_ESPEJO» no transmite desde este primario; créelo con espejo.sh"
# RESET quita el valor que dejó promover.sh y vuelve a regir el de prep_replicacion.conf.
psql_local >/dev/null <<'SQL'
ALTER SYSTEM RESET synchronous_standby_names;
SELECT pg_reload_conf();
SQL
esperar "SELECT sync_state FROM pg_stat_replication WHERE application_name = '$NOMBRE_ESPEJO'" \
    sync "el espejo «$NOMBRE_ESPEJO» no quedó síncrono; revise synchronous_standby_names"
aviso "el espejo «$NOMBRE_ESPEJO» es síncrono: cada COMMIT vuelve a estar en los dos servidores"
