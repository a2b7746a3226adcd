#!/usr/bin/env bash
# Makes the certificates of a small qgrad deployment with openssl (EC P-256 keys):
#
#   make-certs.sh DIR ca                      DIR/ca.pem, DIR/ca.key (the private CA)
#   make-certs.sh DIR server NAME [SAN...]    DIR/server.pem, DIR/server.key for NAME
#                                             (extra SANs: DNS:other.name, IP:10.0.0.5)
#   make-certs.sh DIR client NAME             DIR/client-NAME.pem, DIR/client-NAME.key
#
# The CA signs both server and client certificates here; qgradd's --tls_client_ca may
# name a different CA. Keys are written mode 0600. Keep ca.key off the server.
set -euo pipefail
umask 077

usage() { sed -n '2,9p' "$0" >&2; exit 2; }
[ $# -ge 2 ] || usage
dir=$1 kind=$2
shift 2
mkdir -p "$dir"
cd "$dir"

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# sign NAME EXTENSIONS: NAME.csr → NAME.pem, signed by the CA.
sign() {
  printf '%s\n' "$2" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 825 \
    -sha256 -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
  chmod 0644 "$1.pem"
}

case "$kind" in
  ca)
    new_key ca.key
    openssl req -x509 -new -key ca.key -sha256 -days 3650 -subj "/CN=qgrad CA" \
      -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem
    chmod 0644 ca.pem
    ;;
  server)
    [ $# -ge 1 ] || usage
    name=$1
    shift
    san="DNS:$name"
    for extra in "$@"; do san="$san,$extra"; done
    new_key server.key
    openssl req -new -key server.key -subj "/CN=$name" -out server.csr
    sign server "subjectAltName=$san
extendedKeyUsage=serverAuth
keyUsage=critical,digitalSignature"
    ;;
  client)
    [ $# -eq 1 ] || usage
    new_key "client-$1.key"
    openssl req -new -key "client-$1.key" -subj "/CN=$1" -out "client-$1.csr"
    sign "client-$1" "extendedKeyUsage=clientAuth
keyUsage=critical,digitalSignature"
    ;;
  *) usage ;;
esac
