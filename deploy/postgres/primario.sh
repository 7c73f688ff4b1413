#!/usr/bin/env bash
# Prepara el servidor PRIMARIO de PostgreSQL de PREP: crea el clúster (--crear) o configura uno
# existente para replicación en flujo hacia un espejo, por TLS y con commit síncrono.
#
#   sudo -u postgres primario.sh --datos DIR --certificado db1.crt --llave db1.key --ca ca.pem \
#       --red 10.0.0.0/24 --clave-replicacion ARCHIVO [opciones]
#
# Obligatorias:
#   --datos DIR               carpeta de datos del clúster (PGDATA)
#   --certificado, --llave    certificado y llave de ESTE servidor (certificados.sh servidor)
#   --ca ARCHIVO              certificado de la CA del instituto (ca.pem)
#   --red CIDR                red de los nodos de la base de datos (de donde se replica)
#   --clave-replicacion ARCH  archivo cuya primera línea es la contraseña del usuario de replicación
# Opcionales:
#   --crear                   initdb en --datos (que debe no existir o estar vacía)
#   --configuracion DIR       carpeta de postgresql.conf y pg_hba.conf (por omisión, --datos;
#                             en Debian/Ubuntu: /etc/postgresql/15/main)
#   --puerto N (el que ya tenga el clúster; 5432 en uno nuevo)
#   --escuchar DIRECCIONES ('*')   --socket DIR (el de la distribución)
#   --usuario-replicacion NOMBRE (replicador)   --espejo NOMBRE (espejo: application_name)
#   --exigir-certificado-cliente   la replicación exige además certificado de cliente
#   --base NOMBRE --usuario NOMBRE --clave-usuario ARCH --red-aplicacion CIDR
#                             crea la base y el usuario de la aplicación (sólo por TLS)
#   --reinicio "ORDEN"        orden para (re)iniciar el servidor en lugar de pg_ctl
#                             (p. ej. "sudo systemctl restart postgresql@15-main")
#   --registro ARCHIVO        bitácora del servidor si lo arranca pg_ctl (DATOS.log)
#   --bin DIR                 programas de PostgreSQL (/usr/lib/postgresql/<versión>/bin)
#
# Mientras el espejo no esté conectado, toda escritura espera: ningún COMMIT se confirma sin
# estar también en el espejo. Cree el espejo (espejo.sh) en cuanto termine este guion.
set -euo pipefail

GUION=primario
# shellcheck source=comun.sh
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/comun.sh"


DATOS="" CONFIGURACION="" CERTIFICADO="" LLAVE="" CA="" RED="" CLAVE_REPLICACION=""
CREAR=0 PUERTO="" ESCUCHAR='*' SOCKET="" USUARIO_REPLICACION=replicador
NOMBRE_ESPEJO=espejo CERTIFICADO_CLIENTE=0 BASE="" USUARIO_APP="" CLAVE_APP="" RED_APP=""
REINICIO="" REGISTRO="" BIN=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --datos) valor "$@"; DATOS=$2; shift 2 ;;
        --configuracion) valor "$@"; CONFIGURACION=$2; shift 2 ;;
        --certificado) valor "$@"; CERTIFICADO=$2; shift 2 ;;
        --llave) valor "$@"; LLAVE=$2; shift 2 ;;
        --ca) valor "$@"; CA=$2; shift 2 ;;
        --red) valor "$@"; RED=$2; shift 2 ;;
        --clave-replicacion) valor "$@"; CLAVE_REPLICACION=$2; shift 2 ;;
        --crear) CREAR=1; shift ;;
        --puerto) valor "$@"; PUERTO=$2; shift 2 ;;
        --escuchar) valor "$@"; ESCUCHAR=$2; shift 2 ;;
        --socket) valor "$@"; SOCKET=$2; shift 2 ;;
        --usuario-replicacion) valor "$@"; USUARIO_REPLICACION=$2; shift 2 ;;
        --espejo) valor "$@"; NOMBRE_ESPEJO=$2; shift 2 ;;
        --exigir-certificado-cliente) CERTIFICADO_CLIENTE=1; shift ;;
        --base) valor "$@"; BASE=$2; shift 2 ;;
        --usuario) valor "$@"; USUARIO_APP=$2; shift 2 ;;
        --clave-usuario) valor "$@"; CLAVE_APP=$2; shift 2 ;;
        --red-aplicacion) valor "$@"; RED_APP=$2; shift 2 ;;
        --reinicio) valor "$@"; REINICIO=$2; shift 2 ;;
        --registro) valor "$@"; REGISTRO=$2; shift 2 ;;
        --bin) valor "$@"; BIN=$2; shift 2 ;;
        -h | --help) uso ;;
        *) fallar "opción desconocida: $1 (vea --help)" ;;
    esac
done

exigir_no_root
for requerida in DATOS:datos CERTIFICADO:certificado LLAVE:llave CA:ca RED:red \
    CLAVE_REPLICACION:clave-replicacion; do
    variable=${requerida%%:*}
    [[ -n ${!variable} ]] || fallar "falta la opción --${requerida#*:}"
done
if [[ -n $BASE || -n $USUARIO_APP || -n $CLAVE_APP || -n $RED_APP ]]; then
    [[ -n $BASE && -n $USUARIO_APP && -n $CLAVE_APP && -n $RED_APP ]] ||
        fallar "--base, --usuario, --clave-usuario y --red-aplicacion van juntas"
    CLAVE_APP=$(archivo_existente "$CLAVE_APP")
fi
[[ -z $PUERTO || $PUERTO =~ ^[0-9]+$ ]] || fallar "--puerto debe ser un número"
CERTIFICADO=$(archivo_existente "$CERTIFICADO")
LLAVE=$(archivo_existente "$LLAVE")
CA=$(archivo_existente "$CA")
CLAVE_REPLICACION=$(archivo_existente "$CLAVE_REPLICACION")
buscar_binarios
DATOS=$(realpath -m "$DATOS")
CONFIGURACION=$(realpath -m "${CONFIGURACION:-$DATOS}")
REGISTRO=${REGISTRO:-${DATOS%/}.log}

if [[ $CREAR -eq 1 ]]; then
    if [[ -d $DATOS && -n $(ls -A "$DATOS") ]]; then
        fallar "--crear: $DATOS ya tiene archivos; para configurar un clúster existente quite --crear"
    fi
    aviso "creando el clúster en $DATOS (initdb, sumas de verificación de páginas)"
    "$BIN/initdb" -D "$DATOS" -U "$SUPERUSUARIO" --auth-local=peer --auth-host=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 --data-checksums --no-instructions >/dev/null
elif [[ ! -f $DATOS/PG_VERSION ]]; then
    fallar "$DATOS no es una carpeta de datos de PostgreSQL (use --crear para crear una)"
fi

instalar_certificados
escribir_configuracion
escribir_pg_hba
leer_puerto
aviso "configuración escrita: $CONFIGURACION/prep_replicacion.conf y el bloque PREP de pg_hba.conf"

# Un clúster que ya corre recarga la configuración; sólo se reinicia si algún parámetro lo
# exige (wal_level, ssl…, la primera vez), para no cortar conexiones sin necesidad.
if [[ -z $REINICIO ]] && corriendo; then
    "$BIN/pg_ctl" -D "$CONFIGURACION" reload >/dev/null
    esperar_servidor
    if [[ $(consultar "SELECT count(*) FROM pg_settings WHERE pending_restart") != 0 ]]; then
        arrancar
    fi
else
    arrancar
fi

# Las contraseñas llegan a psql por la entrada estándar (\getenv), nunca en la línea de órdenes,
# y la sesión no escribe sentencias en la bitácora del servidor. synchronous_commit = local: el
# espejo aún no existe y estas transacciones no deben esperarlo.
CLAVE=$(head -n 1 "$CLAVE_REPLICACION")
[[ -n $CLAVE ]] || fallar "la contraseña de replicación está vacía"
export PREP_CLAVE_REPLICACION=$CLAVE
psql_local -v usuario="$USUARIO_REPLICACION" <<'SQL'
SET synchronous_commit = local;
SET log_statement = 'none';
SET password_encryption = 'scram-sha-256';
\getenv clave PREP_CLAVE_REPLICACION
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'usuario') AS crear \gset
\if :crear
CREATE ROLE :"usuario" WITH LOGIN REPLICATION;
\endif
ALTER ROLE :"usuario" WITH LOGIN REPLICATION PASSWORD :'clave';
SQL
unset PREP_CLAVE_REPLICACION
aviso "usuario de replicación «$USUARIO_REPLICACION» con contraseña SCRAM"

if [[ -n $BASE ]]; then
    CLAVE=$(head -n 1 "$CLAVE_APP")
    [[ -n $CLAVE ]] || fallar "la contraseña del usuario de la aplicación está vacía"
    export PREP_CLAVE_APP=$CLAVE
    psql_local -v usuario="$USUARIO_APP" -v base="$BASE" <<'SQL'
SET synchronous_commit = local;
SET log_statement = 'none';
SET password_encryption = 'scram-sha-256';
\getenv clave PREP_CLAVE_APP
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'usuario') AS crear \gset
\if :crear
CREATE ROLE :"usuario" WITH LOGIN;
\endif
ALTER ROLE :"usuario" WITH LOGIN PASSWORD :'clave';
SELECT NOT EXISTS (SELECT FROM pg_database WHERE datname = :'base') AS crear \gset
\if :crear
CREATE DATABASE :"base" OWNER :"usuario" ENCODING 'UTF8' TEMPLATE template0;
\endif
SQL
    unset PREP_CLAVE_APP
    aviso "base «$BASE» del usuario «$USUARIO_APP» (sólo por TLS desde $RED_APP)"
fi

aviso "primario listo en el puerto $PUERTO; espera al espejo «$NOMBRE_ESPEJO» (commit síncrono)"
aviso "siguiente paso, en el otro nodo: espejo.sh --primario ESTE_HOST:$PUERTO …"
