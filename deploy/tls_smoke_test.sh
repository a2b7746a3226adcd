#!/usr/bin/env bash
# Test of the deployment recipe (deploy/README.md): certificates from make-certs.sh, a
# tokens file of SHA-256 hashes, and qgradd started from qgradd.example.conf (paths
# redirected to a temporary directory, loopback port 0) with mutual TLS required; then the
# qgrad CLI must get in only with the CA, its client certificate and a listed token, and
# run a job through submit --watch and result.
#
#   tls_smoke_test.sh QGRADD QGRAD
set -euo pipefail
qgradd=$1 qgrad=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "tls_smoke_test: $*" >&2; [ -f "$work/server.err" ] && tail -5 "$work/server.err" >&2; exit 1; }

# Certificates, as in the README.
"$here/make-certs.sh" "$work/tls" ca
"$here/make-certs.sh" "$work/tls" server qgrad.test IP:127.0.0.1
"$here/make-certs.sh" "$work/tls" client alice

# A token and its hash, as in the README.
token=$(openssl rand -hex 32)
printf '%s\n' "$token" > "$work/alice.token"
printf 'alice %s\n' "$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)" > "$work/tokens"

"$qgradd" --config "$here/qgradd.example.conf" --listen 127.0.0.1:0 \
  --data_dir "$work/data" --tokens_file "$work/tokens" \
  --tls_cert "$work/tls/server.pem" --tls_key "$work/tls/server.key" \
  --tls_client_ca "$work/tls/ca.pem" --require_client_cert \
  > "$work/server.out" 2> "$work/server.err" &
server_pid=$!
for _ in $(seq 100); do
  grep -q "listening on" "$work/server.out" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || fail "qgradd exited"
  sleep 0.1
done
address=$(sed -n 's/.*listening on //p' "$work/server.out")
[ -n "$address" ] || fail "qgradd did not report its address"

export QGRAD_SERVER=$address
tls=(--tls-ca "$work/tls/ca.pem" --tls_cert "$work/tls/client-alice.pem"
     --tls_key "$work/tls/client-alice.key")
expect() {  # expect EXIT_CODE qgrad-arguments...
  local want=$1 got=0
  shift
  "$qgrad" "$@" > "$work/cli.out" 2> "$work/cli.err" || got=$?
  [ "$got" -eq "$want" ] || fail "qgrad $* exited $got, expected $want: $(cat "$work/cli.err")"
}
expect 0 backends "${tls[@]}" --token_file "$work/alice.token"
grep -q statevector "$work/cli.out" || fail "no statevector backend listed"
QGRAD_TOKEN=$token expect 0 list "${tls[@]}"
expect 5 backends "${tls[@]}" --token "not-$token"                      # unknown token
expect 5 backends "${tls[@]}"                                          # no token
expect 6 backends --tls-ca "$work/tls/ca.pem" --token "$token"         # no client cert
expect 6 backends --token "$token"                                     # plaintext
# The name the certificate must carry, instead of the address's (an IP literal here: a
# host name would go through c-ares, whose resolver leaks at exit under LeakSanitizer).
expect 0 backends "${tls[@]}" --token "$token" --tls_server_name qgrad.test
expect 6 backends "${tls[@]}" --token "$token" --tls_server_name not.in.the.cert
# A whole job over mutual TLS: submit and watch, then the result and its circuit.
expect 0 submit "$here/../examples/maxcut.json" "${tls[@]}" --token "$token" --key smoke --watch
job=$(head -1 "$work/cli.out")
expect 0 result "$job" "${tls[@]}" --token "$token" --out "$work/result.json" \
  --qasm "$work/final.qasm" --plot "$work/convergence.svg"
grep -q "OPENQASM 3" "$work/final.qasm" || fail "result --qasm wrote no OpenQASM 3"
echo "tls_smoke_test: ok ($address, $job)"
