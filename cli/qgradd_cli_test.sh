#!/usr/bin/env bash
# The remote commands against the real qgradd (loopback, port 0, token authentication, a
# temporary data directory): a long job through status, list, cancel, watch, result and
# usage, a bad spec, an unknown job, a restart in the middle of a watch, with the documented
# exit codes (cli/exit_codes.h).
#
#   qgradd_cli_test.sh QGRADD QGRAD
set -euo pipefail
qgradd=$1 qgrad=$2
work=$(mktemp -d)
server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" || true; fi
  server_pid=""
}
trap 'stop_server; rm -rf "$work"' EXIT
fail() { echo "qgradd_cli_test: $*" >&2; [ -f "$work/server.err" ] && tail -5 "$work/server.err" >&2; exit 1; }

token=$(openssl rand -hex 16)
printf '%s\n' "$token" > "$work/token"
printf 'lab %s\n' "$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)" > "$work/tokens"

start_server() {  # start_server [ADDRESS]: a restart reuses the address the client knows
  rm -f "$work/port"
  "$qgradd" --listen "${1:-127.0.0.1:0}" --port_file "$work/port" --data_dir "$work/data" \
    --tokens_file "$work/tokens" > /dev/null 2>> "$work/server.err" &
  server_pid=$!
  for _ in $(seq 100); do
    [ -s "$work/port" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || fail "qgradd exited"
    sleep 0.1
  done
  fail "qgradd did not write its port"
}
start_server
address=$(cat "$work/port")
export QGRAD_SERVER=$address QGRAD_TOKEN_FILE="$work/token"

expect() {  # expect EXIT_CODE qgrad-arguments...
  local want=$1 got=0
  shift
  "$qgrad" "$@" > "$work/cli.out" 2> "$work/cli.err" || got=$?
  [ "$got" -eq "$want" ] || fail "qgrad $* exited $got, expected $want: $(cat "$work/cli.err")"
}
json_field() {  # json_field FILE EXPRESSION (Python, on the parsed object `j`)
  python3 -c "import json, sys; j = json.load(open(sys.argv[1])); print($2)" "$1"
}

# A job that runs until cancelled.
cat > "$work/endless.json" <<'SPEC'
{"name": "endless", "problem": {"model": {"kind": "tfim", "numQubits": 6, "periodic": true}},
 "initialState": {"preparation": "zero"},
 "method": {"nested": {"stepSize": 0.002, "stop": {"maxIterations": 100000,
   "maxLayers": 100000, "indicatorThreshold": 0}}}}
SPEC
expect 0 submit "$work/endless.json" --label owner=cli-test
job=$(head -1 "$work/cli.out")
for _ in $(seq 200); do
  expect 0 status "$job" --json
  [ "$(json_field "$work/cli.out" 'int(j.get("iterationsDone", 0))')" -ge 2 ] && break
  sleep 0.05
done
[ "$(json_field "$work/cli.out" 'j["state"]')" = JOB_STATE_RUNNING ] || fail "job not running"
expect 7 result "$job"                           # not finished yet
expect 0 list --json --label owner=cli-test
[ "$(json_field "$work/cli.out" 'len(j["jobs"])')" -eq 1 ] || fail "list missed the job"

# A watch survives a server restart: it reconnects and goes on from its last event.
"$qgrad" watch "$job" --json > "$work/watch.out" 2> "$work/watch.err" &
watch_pid=$!
sleep 0.5
stop_server
start_server "$address"
sleep 0.5
expect 0 cancel "$job"
watch_rc=0
wait "$watch_pid" || watch_rc=$?
[ "$watch_rc" -eq 1 ] || fail "watch of a cancelled job exited $watch_rc: $(cat "$work/watch.err")"
python3 - "$work/watch.out" <<'CHECK' || fail "watch events have gaps or repeats"
import json, sys
seqs = [int(json.loads(line)["sequence"]) for line in open(sys.argv[1]) if line.strip()]
assert seqs and seqs == list(range(seqs[0], seqs[0] + len(seqs))), seqs
CHECK
grep -q JOB_STATE_CANCELLED "$work/watch.out" || fail "watch did not report the cancel"
expect 0 status "$job" --json
[ "$(json_field "$work/cli.out" 'j["state"]')" = JOB_STATE_CANCELLED ] || fail "not cancelled"
expect 1 result "$job"                           # a cancelled job ended without a result
expect 0 cancel "$job"                           # a finished job is left as it is
# Usage: the job's stored CPU time, kept across the restart; the tenant's totals over it.
expect 0 usage "$job" --json
python3 - "$work/cli.out" <<'CHECK' || fail "usage: $(cat "$work/cli.out")"
import json, sys
u = json.load(open(sys.argv[1]))
assert u["jobs"] == "1" and u["job"] == u["tenant"], u
assert 0 < u["job"]["cpuSeconds"] < 600 and u["job"].get("shots", "0") == "0", u
CHECK
expect 0 usage
grep -q "^all jobs (1) .* CPU seconds  *0 shots  *0 circuits$" "$work/cli.out" || fail "usage text: $(cat "$work/cli.out")"
expect 4 usage j-does-not-exist

# Bad input, unknown jobs, bad tokens.
printf '{"problem": {"maxcut": {"edges": []}}}' > "$work/bad.json"
expect 3 submit "$work/bad.json"
grep -q "problem.maxcut" "$work/cli.err" || fail "the error does not name the field: $(cat "$work/cli.err")"
expect 4 status j-does-not-exist
QGRAD_TOKEN=wrong expect 5 status "$job"
echo "qgradd_cli_test: ok ($address, $job)"
