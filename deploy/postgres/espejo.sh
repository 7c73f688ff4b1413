#!/usr/bin/env bash
# Crea el ESPEJO (hot standby) de PostgreSQL de PREP: copia del primario con pg_basebackup por
# TLS (sslmode=verify-full contra la CA del instituto) y replicación en flujo síncrona con
# application_name=espejo. También sirve para volver espejo al primario caído tras una
# conmutación (--reemplazar).
#
#   sudo -u postgres espejo.sh --datos DIR --primario db1:5432 --certificado db2.crt \
#       --llave db2.key --ca ca.pem --red 10.0.0.0/24 --clave-replicacion ARCHIVO [opciones]
#
# Obligatorias:
#   --datos DIR               carpeta de datos del espejo (vacía o inexistente)
#   --primario HOST[:PUERTO]  el primario; HOST debe figurar en su certificado (verify-full)
#   --certificado, --llave    certificado y llave de ESTE servidor (certificados.sh servidor)
#   --ca ARCHIVO              certificado de la CA del instituto (ca.pem)
#   --red CIDR                red de los nodos (para cuando este nodo sea el primario)
#   --clave-replicacion ARCH  archivo cuya primera línea es la contraseña de replicación
# Opcionales:
#   --reemplazar              borra lo que haya en --datos (deteniendo ese servidor si corre)
#   --archivo-claves ARCH     archivo de contraseñas de libpq donde se guarda la de replicación
#                             (~/.pgpass); el espejo lo lee en cada reconexión
#   --certificado-cliente ARCH --llave-cliente ARCH
#                             certificado de cliente del usuario de replicación (si el primario
#                             se creó con --exigir-certificado-cliente, también se exige aquí)
#   --configuracion DIR  --escuchar DIRECCIONES ('*')  --socket DIR
#   --puerto N (el de la configuración; con ella en --datos, el del primario)
#   --usuario-replicacion NOMBRE (replicador)  --nombre NOMBRE (espejo)
#   --base NOMBRE --usuario NOMBRE --red-aplicacion CIDR   reglas de pg_hba de la aplicación
#   --reinicio "ORDEN"  --registro ARCHIVO  --bin DIR      como en primario.sh
set -euo pipefail

GUION=espejo
# shellcheck source=comun.sh
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/comun.sh"


DATOS="" CONFIGURACION="" PRIMARIO="" CERTIFICADO="" LLAVE="" CA="" RED="" CLAVE_REPLICACION=""
REEMPLAZAR=0 ARCHIVO_CLAVES="" CERT_CLIENTE="" LLAVE_CLIENTE="" PUERTO="" ESCUCHAR='*'
SOCKET="" USUARIO_REPLICACION=replicador NOMBRE_ESPEJO=espejo CERTIFICADO_CLIENTE=0 BASE=""
USUARIO_APP="" RED_APP="" REINICIO="" REGISTRO="" BIN=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --datos) valor "$@"; DATOS=$2; shift 2 ;;
        --configuracion) valor "$@"; CONFIGURACION=$2; shift 2 ;;
        --primario) valor "$@"; PRIMARIO=$2; shift 2 ;;
        --certificado) valor "$@"; CERTIFICADO=$2; shift 2 ;;
        --llave) valor "$@"; LLAVE=$2; shift 2 ;;
        --ca) valor "$@"; CA=$2; shift 2 ;;
        --red) valor "$@"; RED=$2; shift 2 ;;
        --clave-replicacion) valor "$@"; CLAVE_REPLICACION=$2; shift 2 ;;
        --reemplazar) REEMPLAZAR=1; shift ;;
        --archivo-claves) valor "$@"; ARCHIVO_CLAVES=$2; shift 2 ;;
        --certificado-cliente) valor "$@"; CERT_CLIENTE=$2; shift 2 ;;
        --llave-cliente) valor "$@"; LLAVE_CLIENTE=$2; shift 2 ;;
        --puerto) valor "$@"; PUERTO=$2; shift 2 ;;
        --escuchar) valor "$@"; ESCUCHAR=$2; shift 2 ;;
        --socket) valor "$@"; SOCKET=$2; shift 2 ;;
        --usuario-replicacion) valor "$@"; USUARIO_REPLICACION=$2; shift 2 ;;
        --nombre) valor "$@"; NOMBRE_ESPEJO=$2; shift 2 ;;
        --base) valor "$@"; BASE=$2; shift 2 ;;
        --usuario) valor "$@"; USUARIO_APP=$2; shift 2 ;;
        --red-aplicacion) valor "$@"; RED_APP=$2; shift 2 ;;
        --reinicio) valor "$@"; REINICIO=$2; shift 2 ;;
        --registro) valor "$@"; REGISTRO=$2; shift 2 ;;
        --bin) valor "$@"; BIN=$2; shift 2 ;;
        -h | --help) uso ;;
        *) fallar "opción desconocida: $1 (vea --help)" ;;
    esac
done

exigir_no_root
for requerida in DATOS:datos PRIMARIO:primario CERTIFICADO:certificado LLAVE:llave CA:ca \
    RED:red CLAVE_REPLICACION:clave-replicacion; do
    variable=${requerida%%:*}
    [[ -n ${!variable} ]] || fallar "falta la opción --${requerida#*:}"
done
if [[ -n $BASE || -n $USUARIO_APP || -n $RED_APP ]]; then
    [[ -n $BASE && -n $USUARIO_APP && -n $RED_APP ]] ||
        fallar "--base, --usuario y --red-aplicacion van juntas"
fi
if [[ -n $CERT_CLIENTE || -n $LLAVE_CLIENTE ]]; then
    [[ -n $CERT_CLIENTE && -n $LLAVE_CLIENTE ]] ||
        fallar "--certificado-cliente y --llave-cliente van juntas"
    CERT_CLIENTE=$(archivo_existente "$CERT_CLIENTE")
    LLAVE_CLIENTE=$(archivo_existente "$LLAVE_CLIENTE")
    CERTIFICADO_CLIENTE=1
fi
[[ -z $PUERTO || $PUERTO =~ ^[0-9]+$ ]] || fallar "--puerto debe ser un número"
HOST_PRIMARIO=${PRIMARIO%:*}
PUERTO_PRIMARIO=5432
[[ $PRIMARIO == *:* ]] && PUERTO_PRIMARIO=${PRIMARIO##*:}
[[ $PUERTO_PRIMARIO =~ ^[0-9]+$ ]] || fallar "--primario debe ser HOST o HOST:PUERTO"
CERTIFICADO=$(archivo_existente "$CERTIFICADO")
LLAVE=$(archivo_existente "$LLAVE")
CA=$(archivo_existente "$CA")
CLAVE_REPLICACION=$(archivo_existente "$CLAVE_REPLICACION")
buscar_binarios
DATOS=$(realpath -m "$DATOS")
CONFIGURACION=$(realpath -m "${CONFIGURACION:-$DATOS}")
REGISTRO=${REGISTRO:-${DATOS%/}.log}
ARCHIVO_CLAVES=$(realpath -m "${ARCHIVO_CLAVES:-$HOME/.pgpass}")

if [[ -d $DATOS && -n $(ls -A "$DATOS") ]]; then
    [[ $REEMPLAZAR -eq 1 ]] || fallar "$DATOS no está vacía; use --reemplazar para borrarla"
    if [[ -f $CONFIGURACION/postgresql.conf ]] && leer_puerto && corriendo; then
        aviso "deteniendo el servidor que usa $DATOS"
        "$BIN/pg_ctl" -D "$CONFIGURACION" -w -t 120 -m fast stop >/dev/null
    fi
    aviso "borrando el contenido de $DATOS"
    find "$DATOS" -mindepth 1 -delete
fi

# La contraseña va en el archivo de claves de libpq (0600), no en primary_conninfo: así no queda
# en postgresql.auto.conf ni en las copias de la carpeta de datos. En ese formato, «:» y «\» se
# escapan con «\».
CLAVE=$(head -n 1 "$CLAVE_REPLICACION")
[[ -n $CLAVE ]] || fallar "la contraseña de replicación está vacía"
escapada=${CLAVE//\\/\\\\}
escapada=${escapada//:/\\:}
(
    umask 077
    touch "$ARCHIVO_CLAVES"
)
chmod 0600 "$ARCHIVO_CLAVES"
otras=$(grep -v -F "*:*:replication:$USUARIO_REPLICACION:" "$ARCHIVO_CLAVES" || true)
{
    [[ -n $otras ]] && printf '%s\n' "$otras"
    printf '*:*:replication:%s:%s\n' "$USUARIO_REPLICACION" "$escapada"
} >"$ARCHIVO_CLAVES"

conexion="host=$HOST_PRIMARIO port=$PUERTO_PRIMARIO user=$USUARIO_REPLICACION"
conexion+=" application_name=$NOMBRE_ESPEJO passfile=$ARCHIVO_CLAVES"
conexion+=" sslmode=verify-full sslrootcert=$CA"
[[ -n $CERT_CLIENTE ]] && conexion+=" sslcert=$CERT_CLIENTE sslkey=$LLAVE_CLIENTE"

aviso "copiando el primario $HOST_PRIMARIO:$PUERTO_PRIMARIO (pg_basebackup por TLS, verify-full)"
# -R deja standby.signal y primary_conninfo (con application_name, la CA y el archivo de
# claves) en postgresql.auto.conf; -X stream trae el WAL de la copia por una segunda conexión.
"$BIN/pg_basebackup" -D "$DATOS" -d "$conexion" -X stream -c fast -R -w

instalar_certificados
escribir_configuracion
escribir_pg_hba
leer_puerto
arrancar

# El espejo está en marcha cuando su receptor de WAL transmite desde el primario.
limite=$((SECONDS + 60))
until [[ $(consultar "SELECT status FROM pg_stat_wal_receiver") == streaming ]]; do
    ((SECONDS < limite)) || fallar "el espejo no recibe WAL del primario tras 60 s; vea $REGISTRO"
    sleep 0.2
done
aviso "espejo «$NOMBRE_ESPEJO» en el puerto $PUERTO recibiendo WAL de $HOST_PRIMARIO:$PUERTO_PRIMARIO"
aviso "compruebe en el primario: SELECT application_name, sync_state FROM pg_stat_replication; (sync)"
