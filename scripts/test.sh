#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test:
#   1. Release build (GCC) and all tests, then README command one (scripts/demo.sh) in a
#      temporary directory;
#   2. ASan + UBSan build (clang) and all tests again, plus a bounded coverage-guided
#      fuzz run of the OpenQASM 3 parser (QGRAD_FUZZ_SECONDS, default 60).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh

jobs=$(nproc)
fuzz_seconds=${QGRAD_FUZZ_SECONDS:-60}

echo "== Release build and tests"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs"

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
ctest --test-dir build-asan --output-on-failure -j "$jobs"

echo "== Fuzzing the OpenQASM 3 parser for ${fuzz_seconds} s"
corpus="$scratch/corpus"
mkdir -p "$corpus"
cp qasm/fuzz_corpus/* "$corpus"/
./build-asan/qasm/qasm_fuzz_parser -max_total_time="$fuzz_seconds" -timeout=10 \
  -rss_limit_mb=2048 -dict=qasm/fuzz_parser.dict -print_final_stats=1 "$corpus" 2>&1 | tail -n 20
echo "fuzz: no crash in ${fuzz_seconds} s"
