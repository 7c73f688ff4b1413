#!/usr/bin/env bash
# Autoridad certificadora (CA) privada del instituto y certificados de sus servidores y
# clientes de PostgreSQL, con openssl. Llaves EC P-256; cada llave privada con permisos 0600.
#
#   certificados.sh DIR ca [--dias N] [--nombre "CA de PREP del Instituto"]
#   certificados.sh DIR servidor NOMBRE HOST [HOST...] [--dias N]
#   certificados.sh DIR cliente USUARIO [--dias N]
#
# ca        crea DIR/ca.key y DIR/ca.pem (se niega a reemplazar una CA existente: los
#           certificados firmados con ella dejarían de valer).
# servidor  crea DIR/NOMBRE.key y DIR/NOMBRE.crt firmado por la CA, válido para cada HOST
#           (nombre DNS o dirección IP), que es lo que comprueba sslmode=verify-full.
# cliente   crea DIR/USUARIO.key y DIR/USUARIO.crt con CN=USUARIO, para la autenticación con
#           certificado (clientcert=verify-full) del usuario de replicación.
#
# Guarde ca.key fuera de los servidores (sólo se necesita para firmar); a cada nodo se le
# entregan ca.pem, su certificado y su llave.
set -euo pipefail

GUION=certificados
# shellcheck source=comun.sh
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/comun.sh"

[[ $# -ge 2 ]] || uso
DIR=$1
ACCION=$2
shift 2
DIAS=""
NOMBRE_CA="CA de PREP Abierto"
ARGUMENTOS=()
while [[ $# -gt 0 ]]; do
    case $1 in
        --dias) valor "$@"; DIAS=$2; shift 2 ;;
        --nombre) valor "$@"; NOMBRE_CA=$2; shift 2 ;;
        -h | --help) uso ;;
        -*) fallar "opción desconocida: $1" ;;
        *) ARGUMENTOS+=("$1"); shift ;;
    esac
done
[[ -z $DIAS || $DIAS =~ ^[1-9][0-9]*$ ]] || fallar "--dias debe ser un entero positivo"

mkdir -p "$DIR"
# Todo lo que se cree aquí nace sin permisos para otros; los .crt y ca.pem se abren después.
umask 077

# Una llave privada EC P-256 nueva en $1.
nueva_llave() {
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
    chmod 0600 "$1"
}

# Firma con la CA la solicitud $1 y deja el certificado en $2, con las extensiones del archivo $3.
firmar() {
    [[ -f $DIR/ca.key && -f $DIR/ca.pem ]] ||
        fallar "no hay CA en $DIR: créela primero con «$0 $DIR ca»"
    openssl x509 -req -in "$1" -CA "$DIR/ca.pem" -CAkey "$DIR/ca.key" -CAcreateserial \
        -days "${DIAS:-825}" -sha256 -extfile "$3" -out "$2" 2>/dev/null
    chmod 0644 "$2"
    rm -f "$1" "$3"
}

case $ACCION in
    ca)
        [[ ${#ARGUMENTOS[@]} -eq 0 ]] || uso
        if [[ -e $DIR/ca.key || -e $DIR/ca.pem ]]; then
            fallar "ya existe una CA en $DIR; no se reemplaza (bórrela a mano si de verdad quiere otra)"
        fi
        nueva_llave "$DIR/ca.key"
        openssl req -x509 -new -utf8 -key "$DIR/ca.key" -sha256 -days "${DIAS:-3650}" \
            -subj "/CN=$NOMBRE_CA" \
            -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
            -addext "keyUsage=critical,keyCertSign,cRLSign" \
            -out "$DIR/ca.pem"
        chmod 0644 "$DIR/ca.pem"
        aviso "CA creada: $DIR/ca.pem (certificado) y $DIR/ca.key (llave: guárdela fuera de los servidores)"
        ;;
    servidor)
        [[ ${#ARGUMENTOS[@]} -ge 2 ]] || fallar "indique NOMBRE y al menos un HOST"
        nombre=${ARGUMENTOS[0]}
        nombres=()
        for host in "${ARGUMENTOS[@]:1}"; do
            # Una dirección IPv4 o IPv6 va como IP; cualquier otra cosa, como nombre DNS.
            if [[ $host =~ ^[0-9.]+$ || $host == *:* ]]; then
                nombres+=("IP:$host")
            else
                nombres+=("DNS:$host")
            fi
        done
        san=$(IFS=,; echo "${nombres[*]}")
        nueva_llave "$DIR/$nombre.key"
        openssl req -new -utf8 -key "$DIR/$nombre.key" -subj "/CN=${ARGUMENTOS[1]}" \
            -out "$DIR/$nombre.csr"
        extensiones=$(mktemp)
        printf '%s\n' "basicConstraints=critical,CA:FALSE" \
            "keyUsage=critical,digitalSignature,keyEncipherment" \
            "extendedKeyUsage=serverAuth" "subjectAltName=$san" >"$extensiones"
        firmar "$DIR/$nombre.csr" "$DIR/$nombre.crt" "$extensiones"
        aviso "certificado de servidor: $DIR/$nombre.crt (llave $DIR/$nombre.key) para $san"
        ;;
    cliente)
        [[ ${#ARGUMENTOS[@]} -eq 1 ]] || fallar "indique el USUARIO de PostgreSQL"
        usuario=${ARGUMENTOS[0]}
        nueva_llave "$DIR/$usuario.key"
        # PostgreSQL compara el CN con el usuario que se conecta (clientcert=verify-full).
        openssl req -new -utf8 -key "$DIR/$usuario.key" -subj "/CN=$usuario" \
            -out "$DIR/$usuario.csr"
        extensiones=$(mktemp)
        printf '%s\n' "basicConstraints=critical,CA:FALSE" \
            "keyUsage=critical,digitalSignature" "extendedKeyUsage=clientAuth" >"$extensiones"
        firmar "$DIR/$usuario.csr" "$DIR/$usuario.crt" "$extensiones"
        aviso "certificado de cliente: $DIR/$usuario.crt (llave $DIR/$usuario.key), CN=$usuario"
        ;;
    *)
        uso
        ;;
esac
