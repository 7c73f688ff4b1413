#!/usr/bin/env bash
# Corre una orden con un PostgreSQL a la mano y PREP_DATABASE_URL apuntando a él.
#
#   bash scripts/postgres.sh ORDEN [ARGUMENTOS...]
#   bash scripts/postgres.sh python -m pytest --create-db
#   bash scripts/postgres.sh --binarios      # sólo asegura initdb/pg_ctl (los instala si faltan)
#
# 1. Si un servidor acepta al usuario postgres sin contraseña en 127.0.0.1:5432 (así viene la
#    máquina de desarrollo y de CI), se usa ese, con una base de nombre único por ejecución para
#    que dos corridas simultáneas no choquen; al salir se borra la base de prueba que pudiera quedar.
# 2. Si no (o con PREP_PG_PROPIO=1), se levanta un clúster DESECHABLE: initdb en un directorio
#    temporal, autenticación trust, sólo en 127.0.0.1 y en un puerto libre, como un usuario sin
#    privilegios (postgres se niega a correr como root). Si faltan initdb/pg_ctl se instalan de
#    Debian con apt-get. Al salir (con éxito, con error o interrumpido) se detiene y se borra.
#
# Variables: PREP_PG_PROPIO=1 fuerza el clúster desechable; PREP_PG_PUERTO (5432) es el puerto
# del servidor compartido; PYTHON (python3) el intérprete con psycopg instalado.
# La salida de la orden es la salida de este guion.
set -euo pipefail

if [[ $# -eq 0 ]]; then
    echo "uso: bash scripts/postgres.sh ORDEN [ARGUMENTOS...]" >&2
    exit 2
fi

# --binarios: sólo instalar los binarios de PostgreSQL si faltan (las pruebas que levantan sus
# propios servidores, como el simulacro de conmutación, los necesitan también en SQLite).
SOLO_BINARIOS=0
[[ $1 == --binarios ]] && SOLO_BINARIOS=1

PYTHON=${PYTHON:-python3}
PUERTO_COMPARTIDO=${PREP_PG_PUERTO:-5432}
HOST=127.0.0.1

INICIO=${EPOCHREALTIME/[.,]/}
aviso() { printf '[postgres] %s\n' "$*" >&2; }
# Segundos desde el inicio del guion, con una décima.
transcurrido() {
    local d=$(((${EPOCHREALTIME/[.,]/} - INICIO) / 100000))
    printf '%d.%ds' $((d / 10)) $((d % 10))
}

# ¿Acepta conexiones el usuario postgres, sin contraseña, en HOST:$1? (psycopg, ya instalado)
acepta_conexion() {
    "$PYTHON" - "$HOST" "$1" <<'EOF' >/dev/null 2>&1
import sys

import psycopg

psycopg.connect(host=sys.argv[1], port=int(sys.argv[2]), user="postgres", dbname="postgres",
                connect_timeout=3).close()
EOF
}

# Ejecuta SQL como postgres en HOST:$1 (sin transacción, para DROP DATABASE).
sql() {
    "$PYTHON" - "$HOST" "$1" "$2" <<'EOF'
import sys

import psycopg

with psycopg.connect(host=sys.argv[1], port=int(sys.argv[2]), user="postgres",
                     dbname="postgres", autocommit=True, connect_timeout=5) as conexion:
    conexion.execute(sys.argv[3])
EOF
}

# Corre la orden y sale con su código. Va en segundo plano (con SIGINT y SIGQUIT a su valor
# normal, que bash ignora en los hijos asíncronos) para que una señal a este guion se atienda
# en el acto: se reenvía a la orden, se espera a que termine y la trampa EXIT limpia.
HIJO=""
terminar() {
    trap - INT TERM
    [[ -n $HIJO ]] && kill -s "$1" "$HIJO" 2>/dev/null && wait "$HIJO" 2>/dev/null
    exit "$2"
}
trap 'terminar INT 130' INT
trap 'terminar TERM 143' TERM
correr() {
    local estado=0
    env --default-signal=INT,QUIT "$@" <&0 &
    HIJO=$!
    wait "$HIJO" || estado=$?
    exit "$estado"
}

# ---------------------------------------------------------------------------------------------
# Camino 1: el servidor compartido de la máquina.
# ---------------------------------------------------------------------------------------------
if [[ $SOLO_BINARIOS == 0 && ${PREP_PG_PROPIO:-0} != 1 ]] && acepta_conexion "$PUERTO_COMPARTIDO"; then
    # Nombre único: pytest-django crea test_<nombre> y lo borra al terminar; si la corrida muere
    # a medias, la trampa lo borra. Así dos corridas simultáneas no se pisan la base de prueba.
    BASE="prep_$$_${RANDOM}"
    limpiar_compartido() {
        sql "$PUERTO_COMPARTIDO" "DROP DATABASE IF EXISTS test_${BASE} WITH (FORCE)" ||
            aviso "no pude borrar test_${BASE}"
        sql "$PUERTO_COMPARTIDO" "DROP DATABASE IF EXISTS ${BASE} WITH (FORCE)" || true
    }
    trap limpiar_compartido EXIT
    sql "$PUERTO_COMPARTIDO" "CREATE DATABASE ${BASE}"
    export PREP_DATABASE_URL="postgres://postgres@${HOST}:${PUERTO_COMPARTIDO}/${BASE}"
    aviso "servidor existente en ${HOST}:${PUERTO_COMPARTIDO}; base ${BASE} (listo en $(transcurrido))"
    correr "$@"
fi

# ---------------------------------------------------------------------------------------------
# Camino 2: clúster desechable.
# ---------------------------------------------------------------------------------------------
if [[ $SOLO_BINARIOS == 1 ]]; then
    :
elif [[ ${PREP_PG_PROPIO:-0} == 1 ]]; then
    aviso "PREP_PG_PROPIO=1: se levanta un clúster desechable"
else
    aviso "no hay servidor en ${HOST}:${PUERTO_COMPARTIDO}; se levanta un clúster desechable"
fi

# Directorio con initdb y pg_ctl: el PATH, o /usr/lib/postgresql/<versión>/bin (Debian no los
# pone en el PATH), la versión más alta primero.
buscar_binarios() {
    local dir
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v pg_ctl)"
        return 0
    fi
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x $dir/initdb && -x $dir/pg_ctl ]]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

instalar_postgresql() {
    if [[ $(id -u) -ne 0 ]]; then
        aviso "faltan initdb/pg_ctl y no soy root para instalarlos: apt-get install postgresql"
        exit 1
    fi
    aviso "instalando postgresql de Debian (apt-get)"
    # Sin clúster "main" del sistema: sólo queremos los binarios. postgresql-common lee
    # create_main_cluster de este archivo (ucf conserva el nuestro y deja el suyo en .ucf-dist,
    # que luego se pone en su lugar). Sólo si el paquete aún no está instalado.
    local conf=/etc/postgresql-common/createcluster.conf escrito=0
    if [[ ! -e $conf ]]; then
        mkdir -p "$(dirname "$conf")"
        echo "create_main_cluster = off" >"$conf"
        escrito=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        postgresql >/dev/null
    if [[ $escrito -eq 1 ]]; then
        for dist in "$conf.ucf-dist" "$conf.dpkg-dist"; do
            if [[ -f $dist ]]; then
                mv -f "$dist" "$conf"
                break
            fi
        done
    fi
    return 0
}

if ! BIN=$(buscar_binarios); then
    instalar_postgresql
    BIN=$(buscar_binarios) || { aviso "instalé postgresql y sigo sin initdb/pg_ctl"; exit 1; }
fi
if [[ $SOLO_BINARIOS == 1 ]]; then
    echo "binarios de PostgreSQL: $BIN"
    exit 0
fi
aviso "binarios: $BIN ($("$BIN/pg_ctl" --version))"

# Usuario sin privilegios con el que corre el servidor.
if [[ $(id -u) -eq 0 ]]; then
    USUARIO=postgres
    if ! id "$USUARIO" >/dev/null 2>&1; then
        USUARIO=prep-pg
        id "$USUARIO" >/dev/null 2>&1 ||
            useradd --system --no-create-home --shell /usr/sbin/nologin "$USUARIO"
    fi
    # Desde / para que el usuario no tropiece con un directorio actual que no puede leer.
    como_usuario() { (cd / && runuser -u "$USUARIO" -- "$@"); }
else
    USUARIO=$(id -un)
    como_usuario() { "$@"; }
fi

# Recoge clústeres de corridas anteriores que murieron sin limpiar (SIGKILL, apagón): cada uno
# guarda el pid de su guion en dueño.pid. Sólo los de este mismo usuario.
for viejo in "${TMPDIR:-/tmp}"/prep-pg.*; do
    [[ -f $viejo/dueño.pid && -O $viejo/dueño.pid ]] || continue
    if ! kill -0 "$(cat "$viejo/dueño.pid")" 2>/dev/null; then
        aviso "borrando clúster abandonado $viejo"
        [[ -f $viejo/datos/postmaster.pid ]] &&
            como_usuario "$BIN/pg_ctl" -D "$viejo/datos" -m immediate -w stop >/dev/null 2>&1 || true
        rm -rf "$viejo" || aviso "no pude borrar $viejo"
    fi
done

limpiar_propio() {
    if [[ -f $DIR/datos/postmaster.pid ]]; then
        como_usuario "$BIN/pg_ctl" -D "$DIR/datos" -m fast -w -t 30 stop >/dev/null 2>&1 ||
            como_usuario "$BIN/pg_ctl" -D "$DIR/datos" -m immediate -w stop >/dev/null 2>&1 ||
            aviso "no pude detener el clúster en $DIR"
    fi
    rm -rf "$DIR"
    aviso "clúster desechable detenido y borrado ($(transcurrido) en total)"
}
DIR=$(mktemp -d "${TMPDIR:-/tmp}/prep-pg.XXXXXX")
trap limpiar_propio EXIT
echo $$ >"$DIR/dueño.pid"
chown "$USUARIO" "$DIR"
chmod 700 "$DIR"

como_usuario "$BIN/initdb" -D "$DIR/datos" -U postgres --auth=trust --encoding=UTF8 \
    --no-locale --no-sync >"$DIR/initdb.log" 2>&1 ||
    { cat "$DIR/initdb.log" >&2; exit 1; }

# Puerto libre: lo asigna el sistema; si otro lo toma antes del arranque, se intenta otro.
iniciado=0
for _ in 1 2 3 4 5; do
    PUERTO=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # Datos desechables: sin fsync se ahorra tiempo de disco en cada prueba.
    if como_usuario "$BIN/pg_ctl" -D "$DIR/datos" -l "$DIR/servidor.log" -w -t 60 -o \
        "-h $HOST -p $PUERTO -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null; then
        iniciado=1
        break
    fi
    aviso "no arrancó en el puerto $PUERTO; intento con otro"
done
if [[ $iniciado -ne 1 ]]; then
    tail -n 20 "$DIR/servidor.log" >&2 || true
    exit 1
fi
acepta_conexion "$PUERTO" || { aviso "el clúster no acepta conexiones"; exit 1; }
sql "$PUERTO" "CREATE DATABASE prep"

export PREP_DATABASE_URL="postgres://postgres@${HOST}:${PUERTO}/prep"
aviso "clúster desechable en ${HOST}:${PUERTO}, datos en $DIR (listo en $(transcurrido))"
correr "$@"
