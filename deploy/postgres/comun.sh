# Funciones que comparten primario.sh, espejo.sh y promover.sh (se carga con `source`).
#
# Cada guion define GUION (su nombre, para los mensajes) antes de cargar este archivo.

# Mensajes al operador, en la salida de errores para no mezclarse con la de psql.
aviso() { printf '[%s] %s\n' "$GUION" "$*" >&2; }
fallar() {
    printf '[%s] error: %s\n' "$GUION" "$*" >&2
    exit 1
}

# La ayuda: el comentario con que empieza el guion.
uso() {
    awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0" >&2
    exit 2
}

# Una opción que lleva valor: «valor "$@"» antes de leer $2.
valor() {
    [[ $# -ge 2 && -n $2 ]] || fallar "falta el valor de $1"
}

# PostgreSQL no corre como root: los guiones se ejecutan como el usuario dueño del clúster.
exigir_no_root() {
    if [[ $(id -u) -eq 0 ]]; then
        fallar "no lo ejecute como root; use el usuario del clúster: sudo -u postgres $0 …"
    fi
}

# Directorio de initdb, pg_ctl, pg_basebackup y psql: --bin, el PATH o
# /usr/lib/postgresql/<versión>/bin (Debian no los pone en el PATH), la versión más alta primero.
buscar_binarios() {
    local dir
    if [[ -n ${BIN:-} ]]; then
        [[ -x $BIN/pg_ctl ]] || fallar "no encuentro pg_ctl en --bin $BIN"
        return 0
    fi
    if command -v pg_ctl >/dev/null 2>&1; then
        BIN=$(dirname "$(realpath "$(command -v pg_ctl)")")
        return 0
    fi
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x $dir/pg_ctl ]]; then
            BIN=$dir
            return 0
        fi
    done
    fallar "no encuentro los programas de PostgreSQL (pg_ctl); indíquelos con --bin DIR"
}

# Ruta absoluta de un archivo que debe existir.
archivo_existente() {
    [[ -f $1 ]] || fallar "no existe el archivo $1"
    realpath "$1"
}

# El superusuario del clúster se llama como el usuario del sistema que lo corre (postgres, en
# una instalación normal): así entra por el socket local con autenticación peer.
SUPERUSUARIO=$(id -un)

# psql local, por el socket, como el superusuario del clúster (autenticación peer).
# Sin transacción implícita y deteniéndose en el primer error.
psql_local() {
    local opciones=(-X -q -v ON_ERROR_STOP=1 -p "$PUERTO" -U "$SUPERUSUARIO" -d postgres)
    [[ -n ${SOCKET:-} ]] && opciones+=(-h "$SOCKET")
    "$BIN/psql" "${opciones[@]}" "$@"
}

# Un valor de una consulta (sin encabezados ni alineación).
consultar() { psql_local -At -c "$1"; }

# Copia un archivo a la carpeta de datos con permisos dados, salvo que ya sea ese mismo archivo.
instalar_archivo() {
    local origen=$1 destino=$2 modo=$3
    if [[ ! $origen -ef $destino ]]; then
        install -m "$modo" "$origen" "$destino"
    fi
    chmod "$modo" "$destino"
}

# Certificado, llave y CA del servidor dentro de la carpeta de datos, con nombres fijos: así
# prep_replicacion.conf es igual en los dos nodos y cada uno usa el suyo.
instalar_certificados() {
    instalar_archivo "$CERTIFICADO" "$DATOS/servidor.crt" 0644
    instalar_archivo "$LLAVE" "$DATOS/servidor.key" 0600
    instalar_archivo "$CA" "$DATOS/ca.pem" 0644
}

# prep_replicacion.conf en la carpeta de configuración, incluido desde postgresql.conf. Es el
# mismo en el primario y en el espejo: el espejo lo necesita igual para cuando lo promuevan.
#
# synchronous_commit = on: el COMMIT espera a que el espejo haya escrito y sincronizado en su
# disco el WAL de la transacción. Al promoverlo, el espejo reproduce todo el WAL recibido antes
# de aceptar escrituras, así que toda transacción confirmada a un cliente está en el nuevo
# primario. remote_apply sólo añadiría esperar a que sea visible en las consultas del espejo,
# que PREP no lee (target_session_attrs=read-write): más latencia sin más seguridad.
escribir_configuracion() {
    local conf=$CONFIGURACION/prep_replicacion.conf principal=$CONFIGURACION/postgresql.conf
    [[ -f $principal ]] || fallar "no existe $principal (¿--configuracion correcta?)"
    {
        echo "# Escrito por deploy/postgres (PREP Abierto); se reescribe en cada ejecución."
        echo "listen_addresses = '$ESCUCHAR'"
        # Sin --puerto se conserva el del clúster (un clúster existente puede no usar 5432).
        [[ -n ${PUERTO:-} ]] && echo "port = $PUERTO"
        [[ -n ${SOCKET:-} ]] && echo "unix_socket_directories = '$SOCKET'"
        echo "wal_level = replica"
        echo "max_wal_senders = 10"
        # WAL que se guarda para un espejo que se reconecta tras una pausa breve.
        echo "wal_keep_size = '2GB'"
        # Permite pg_rewind del primario caído para volverlo espejo sin copiarlo entero.
        echo "wal_log_hints = on"
        echo "hot_standby = on"
        echo "ssl = on"
        echo "ssl_cert_file = 'servidor.crt'"
        echo "ssl_key_file = 'servidor.key'"
        echo "ssl_ca_file = 'ca.pem'"
        echo "ssl_min_protocol_version = 'TLSv1.2'"
        echo "password_encryption = 'scram-sha-256'"
        echo "synchronous_standby_names = 'FIRST 1 ($NOMBRE_ESPEJO)'"
        echo "synchronous_commit = on"
    } >"$conf"
    if ! grep -q "^include_if_exists = 'prep_replicacion.conf'" "$principal"; then
        printf "\n# PREP Abierto: replicación, TLS y commit síncrono.\n%s\n" \
            "include_if_exists = 'prep_replicacion.conf'" >>"$principal"
    fi
}

# Sin --puerto, el puerto que ya dice la configuración del clúster.
leer_puerto() {
    if [[ -z ${PUERTO:-} ]]; then
        PUERTO=$("$BIN/postgres" -D "$CONFIGURACION" -C port) ||
            fallar "no pude leer el puerto de $CONFIGURACION; indíquelo con --puerto"
    fi
}

# El bloque de PREP al principio de pg_hba.conf (la primera regla que coincide es la que vale):
# replicación sólo por TLS con SCRAM (y certificado de cliente si se pide), la aplicación sólo
# por TLS con SCRAM; sin TLS, ambas se rechazan aunque una regla posterior las admitiera.
escribir_pg_hba() {
    local hba=$CONFIGURACION/pg_hba.conf metodo=scram-sha-256 temporal
    [[ -f $hba ]] || fallar "no existe $hba"
    [[ ${CERTIFICADO_CLIENTE:-0} == 1 ]] && metodo="scram-sha-256 clientcert=verify-full"
    temporal=$(mktemp "$hba.XXXXXX")
    {
        echo "# --- PREP: inicio (lo escribe deploy/postgres; se reescribe en cada ejecución) ---"
        echo "local     all          $SUPERUSUARIO                  peer"
        echo "hostssl   replication  $USUARIO_REPLICACION  $RED  $metodo"
        echo "hostnossl replication  all  all  reject"
        if [[ -n ${BASE:-} ]]; then
            echo "hostssl   $BASE  $USUARIO_APP  $RED_APP  scram-sha-256"
            echo "hostnossl $BASE  $USUARIO_APP  all  reject"
        fi
        echo "# --- PREP: fin ---"
        sed '/^# --- PREP: inicio/,/^# --- PREP: fin ---$/d' "$hba"
    } >"$temporal"
    chmod --reference="$hba" "$temporal"
    mv -f "$temporal" "$hba"
}

# ¿Responde el servidor local en el puerto (y socket) de este nodo? pg_isready sale con 0 si
# acepta conexiones y con 1 si las rechaza (arrancando o deteniéndose): en ambos casos corre.
responde() {
    local opciones=(-q -p "$PUERTO" -t 5) estado=0
    [[ -n ${SOCKET:-} ]] && opciones+=(-h "$SOCKET")
    "$BIN/pg_isready" "${opciones[@]}" || estado=$?
    [[ $estado -eq 0 || $estado -eq 1 ]]
}

# ¿Está corriendo el servidor de este clúster? Un postmaster.pid no basta: el de un servidor
# muerto (kill -9, apagón) queda atrás y su número de proceso puede ser ya de otro proceso.
corriendo() { "$BIN/pg_ctl" -D "$CONFIGURACION" status >/dev/null 2>&1 && responde; }

# Arranca el servidor, o lo reinicia si ya corre; con --reinicio, la orden que dio el operador
# (p. ej. la de systemd) en lugar de pg_ctl.
arrancar() {
    if [[ -n ${REINICIO:-} ]]; then
        aviso "reinicio con: $REINICIO"
        bash -c "$REINICIO"
    elif corriendo; then
        aviso "reiniciando el servidor (pg_ctl restart)"
        "$BIN/pg_ctl" -D "$CONFIGURACION" -w -t 120 -m fast restart >/dev/null ||
            fallar "el servidor no se reinició; vea su bitácora"
    else
        aviso "arrancando el servidor (registro en $REGISTRO)"
        if ! "$BIN/pg_ctl" -D "$CONFIGURACION" -w -t 120 -l "$REGISTRO" start >/dev/null; then
            tail -n 5 "$REGISTRO" >&2 || true
            fallar "el servidor no arrancó; vea $REGISTRO"
        fi
    fi
    esperar_servidor
}

# Espera (con plazo) a que el servidor acepte conexiones por el socket local.
esperar_servidor() {
    local limite=$((SECONDS + 120)) opciones=(-p "$PUERTO" -q)
    [[ -n ${SOCKET:-} ]] && opciones+=(-h "$SOCKET")
    until "$BIN/pg_isready" "${opciones[@]}"; do
        ((SECONDS < limite)) || fallar "el servidor no aceptó conexiones en 120 s; vea $REGISTRO"
        sleep 0.2
    done
}
