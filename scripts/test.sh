#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test:
#   0. scripts/check_deps.sh: every module's includes against its README's "May depend on";
#      deploy/k8s/validate.py: the Kubernetes manifests against the committed API schemas
#      (and its own test);
#   1. Release build (GCC) and all tests, then README command one (scripts/demo.sh) in a
#      temporary directory;
#   2. ASan + UBSan build (clang) and all tests again (a test that fails there without a
#      sanitizer report gets one more try, alone), plus bounded coverage-guided fuzz
#      runs of the OpenQASM 3 parser and of job-spec validation (QGRAD_FUZZ_SECONDS each,
#      default 60), where a slow input (10 s parser, 2 s spec), 256 MB in one allocation or
#      512 MB resident fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh

jobs=$(nproc)
# Tests run in parallel on few cores: OpenMP threads that wait for their team sleep instead
# of spinning (as deploy/qgradd.service sets for the server); this changes timing only.
export OMP_WAIT_POLICY=passive
fuzz_seconds=${QGRAD_FUZZ_SECONDS:-60}

echo "== Module dependencies (README 'May depend on' lists)"
./scripts/check_deps.sh

echo "== Kubernetes manifests (offline schema validation)"
python3 deploy/k8s/validate.py
k8s_test=$(python3 deploy/k8s/validate_test.py 2>&1) || { echo "$k8s_test"; exit 1; }
echo "$k8s_test" | tail -n 1

echo "== Release build and tests"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs"
# The dashboard's browser test keeps its screenshot (a test artifact) in the build tree.
ls -l build/test-artifacts/dashboard_job.png

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

echo "== README command one: the demo job through qgradd"
QGRAD_DEMO_DIR="$scratch/demo" ./scripts/demo.sh >"$scratch/demo.log" 2>&1 ||
  { cat "$scratch/demo.log"; exit 1; }
grep -E '^(job |== result)' "$scratch/demo.log"
# examples/maxcut.json is the paper's 4-node Max-Cut: its learned layers reach −2.
python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); c = r["finalCost"];
print("demo: final cost", c); sys.exit(0 if c <= -1.999 else 1)' "$scratch/demo/result.json"

echo "== ASan + UBSan build and tests"
CC=clang CXX=clang++ cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DQGRAD_SANITIZE=ON -DQGRAD_FUZZ=ON -DQGRAD_BENCH=OFF
cmake --build build-asan -j "$jobs"
# Every sanitizer report, from the tests and from the servers and tools they start (whose
# stderr a test may keep to itself), goes to a file in $reports. Any report fails the run.
# A test that failed without one (a time bound missed: the sanitizers run the same code many
# times slower, on a loaded machine) runs once more, alone, and fails the run if it fails
# again. The Release run above gets no second try.
reports="$scratch/sanitizer-reports"
mkdir -p "$reports"
# The replicas' chaos test under the sanitizers: every job runs several times slower, so
# fewer and shorter jobs in a shorter chaos (the Release run above keeps its defaults: 120
# jobs, 40 s).
asan_ctest() {
  QGRAD_CHAOS_SECONDS=30 QGRAD_CHAOS_JOBS=24 QGRAD_CHAOS_LONG_SCALE=0.2 \
    ASAN_OPTIONS="log_path=$reports/asan" UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1" \
    ctest --test-dir build-asan --output-on-failure "$@"
}
sanitizer_reports() {
  if compgen -G "$reports/*" >/dev/null; then
    for report in "$reports"/*; do echo "== $report"; head -n 60 "$report"; done
    echo "Sanitizer reports (above): failing."
    exit 1
  fi
}
if ! asan_ctest -j "$jobs"; then
  sanitizer_reports
  echo "== ASan + UBSan: the failed tests once more, one at a time"
  asan_ctest --rerun-failed -j 1
fi
sanitizer_reports

# fuzz WHAT BINARY DICT SEED_DIR TIMEOUT: a bounded run from a scratch copy of the seeds; a
# crash, an input slower than TIMEOUT s or an allocation over the limits fails the script.
fuzz() {
  local name corpus
  name=$(basename "$2")
  corpus="$scratch/corpus-$name"
  mkdir -p "$corpus"
  cp "$4"/* "$corpus"/
  echo "== Fuzzing $1 for ${fuzz_seconds} s"
  "$2" -max_total_time="$fuzz_seconds" -timeout="$5" -rss_limit_mb=512 -malloc_limit_mb=256 \
    -dict="$3" -print_final_stats=1 "$corpus" >"$scratch/$name.log" 2>&1 ||
    { tail -n 40 "$scratch/$name.log"; exit 1; }
  tail -n 12 "$scratch/$name.log"
  echo "fuzz: no crash, slow input or allocation over the limits in ${fuzz_seconds} s"
}
fuzz "the OpenQASM 3 parser" ./build-asan/qasm/qasm_fuzz_parser qasm/fuzz_parser.dict \
  qasm/fuzz_corpus 5
fuzz "job-spec validation" ./build-asan/runner/runner_fuzz_spec runner/fuzz_spec.dict \
  runner/fuzz_corpus 2
fuzz "the REST dialects' response parsing" ./build-asan/backends/rest/rest_fuzz_responses \
  backends/rest/fuzz_responses.dict backends/rest/fuzz_corpus 2
