#!/usr/bin/env bash
# The main job end to end: install dependencies, build `qgradd` and `qgrad`, start the job
# server with its SQLite store in a local data directory (token authentication on), submit
# examples/maxcut.json, watch it live to completion, print the result, stop the server.
#
#   QGRAD_DEMO_DIR  data directory (default: build/demo); kept afterwards, so the job, its
#                   events and its result can be inspected with the same server again.
#   QGRAD_DEMO_SPEC the job specification (default: examples/maxcut.json).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" --target qgrad qgradd

dir=${QGRAD_DEMO_DIR:-build/demo}
spec=${QGRAD_DEMO_SPEC:-examples/maxcut.json}
mkdir -p "$dir/data"
qgrad=./build/cli/qgrad
qgradd=./build/server/qgradd

# A token for tenant "demo": the server keeps only its SHA-256 hash.
token_file="$dir/token"
if [ ! -s "$token_file" ]; then
  head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$token_file"
  chmod 600 "$token_file"
fi
echo "demo $("$qgradd" hash-token <"$token_file")" >"$dir/tokens"

echo "== starting qgradd (store: $dir/data/jobs.db, log: $dir/qgradd.log)"
rm -f "$dir/port"
"$qgradd" --listen=127.0.0.1:0 --port_file="$dir/port" --data_dir="$dir/data" \
  --tokens_file="$dir/tokens" >/dev/null 2>"$dir/qgradd.log" &
server=$!
trap 'kill -TERM "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  [ -s "$dir/port" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$dir/qgradd.log" >&2; exit 1; }
  sleep 0.1
done
export QGRAD_SERVER QGRAD_TOKEN_FILE="$token_file"
QGRAD_SERVER=$(cat "$dir/port")
echo "== qgradd listening on $QGRAD_SERVER"

"$qgrad" backends
echo "== submitting $spec"
job=$("$qgrad" submit "$spec")
echo "job $job"
"$qgrad" watch "$job"
"$qgrad" status "$job"
"$qgrad" result "$job" --out "$dir/result.json" --qasm "$dir/result.qasm" \
  --plot "$dir/result.svg" >/dev/null
echo "== result: $dir/result.json, circuit: $dir/result.qasm, plot: $dir/result.svg"
head -c 600 "$dir/result.json"
echo
echo "== stopping qgradd"
kill -TERM "$server"
wait "$server"
trap - EXIT
