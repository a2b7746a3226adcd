#!/usr/bin/env bash
# The main job end to end: install dependencies, build the `qgrad` tool, and simulate the
# example programs (counts, amplitudes and an expectation value).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" --target qgrad
set -x
./build/cli/qgrad simulate examples/ghz.qasm --shots 1000 --seed 7
./build/cli/qgrad simulate examples/bell.qasm --statevector --expect "Z0 Z1 + X0 X1" --shots 0
./build/cli/qgrad simulate examples/teleport.qasm --shots 1000 --seed 3
