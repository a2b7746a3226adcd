#!/usr/bin/env bash
# Bit-for-bit determinism of `qgrad run` across processes and thread counts: runs each job
# spec in 5 separate processes that differ in OMP_NUM_THREADS (1, 2, 1, 2, 1), in the size
# of the environment (which shifts the stack and so the address layout), in malloc's fill
# byte (run 3 sets MALLOC_PERTURB_) and, when setarch is available, in address-space
# randomization (the last run has it off), then compares the result JSONs with the
# wall-clock fields (wallSeconds, elapsedSeconds) removed. OMP_WAIT_POLICY=passive keeps
# 2-thread runs from spinning on a busy machine (it changes timing only).
# Prints one line per spec: identical or DIFFERENT, and the run times.
#
# Usage: bench/determinism.sh [-b BUILD_DIR] [SPEC.json ...]   (default: examples/*.json)
# Exit status: 0 when every spec gave identical results, 1 otherwise.
# Slow specs are not shortened (maxcut_3regular16 runs for minutes); run it with `nice`.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD="$ROOT/build"
if [[ ${1:-} == -b ]]; then BUILD=$2; shift 2; fi
QGRAD="$BUILD/cli/qgrad"
[[ -x $QGRAD ]] || { echo "no $QGRAD; build the qgrad target first" >&2; exit 2; }
SPECS=("$@")
[[ ${#SPECS[@]} -gt 0 ]] || SPECS=("$ROOT"/examples/*.json)
RUNS=5

# The command prefix that turns address-space randomization off, where that is allowed.
ASLR_OFF=()
if setarch "$(uname -m)" -R true 2> /dev/null; then ASLR_OFF=(setarch "$(uname -m)" -R); fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The result JSON without wall-clock fields, re-serialized; Python prints doubles in their
# shortest round-trip form, so equal text means equal bits.
canonical() {
  python3 -c '
import json, sys
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in ("wallSeconds", "elapsedSeconds")}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v
print(json.dumps(strip(json.load(open(sys.argv[1]))), sort_keys=True))' "$1"
}

# Run k (1-based) of one spec: its thread count, environment padding, malloc fill byte and
# ASLR setting.
run_once() {
  local spec=$1 k=$2 out=$3
  local threads=$(( k % 2 == 1 ? 1 : 2 ))
  local pad
  pad=$(printf '%*s' $(( k * 997 )) '' | tr ' ' x)
  local perturb=0
  (( k == 3 )) && perturb=165
  local prefix=()
  (( k == RUNS )) && prefix=("${ASLR_OFF[@]}")
  env QGRAD_DETERMINISM_PAD="$pad" MALLOC_PERTURB_=$perturb OMP_WAIT_POLICY=passive \
    OMP_NUM_THREADS=$threads \
    "${prefix[@]}" "$QGRAD" run "$spec" --quiet --out "$out"
}

status=0
aslr_note=${ASLR_OFF[*]:+; last with ASLR off}
printf '%-34s %-10s %s\n' spec outcome "seconds per run (threads 1,2,1,2,1$aslr_note)"
for spec in "${SPECS[@]}"; do
  name=$(basename "$spec" .json)
  # Specs naming a device (declared in a qgradd configuration) do not run locally.
  if grep -q '"backend": *"[^"l]' "$spec"; then
    printf '%-34s %s\n' "$name" "not run here (names a device backend)"
    continue
  fi
  times=()
  for k in $(seq 1 $RUNS); do
    start=$(date +%s%N)
    if ! run_once "$spec" "$k" "$WORK/$name.$k.json" > "$WORK/$name.$k.log" 2>&1; then
      echo "$name: run $k failed:" >&2
      cat "$WORK/$name.$k.log" >&2
      status=1
      continue 2
    fi
    centis=$(( ($(date +%s%N) - start) / 10000000 ))
    times+=("$(( centis / 100 )).$(printf '%02d' $(( centis % 100 )))")
    canonical "$WORK/$name.$k.json" > "$WORK/$name.$k.canonical"
  done
  outcome=identical
  for k in $(seq 2 $RUNS); do
    if ! cmp -s "$WORK/$name.1.canonical" "$WORK/$name.$k.canonical"; then
      outcome=DIFFERENT
      status=1
    fi
  done
  printf '%-34s %-10s %s\n' "$name" "$outcome" "${times[*]}"
done
exit $status
