#!/usr/bin/env bash
# The main job end to end: install dependencies, build the `qgrad` tool, simulate the
# example programs (counts, amplitudes, an expectation value), then learn a Max-Cut circuit
# with the nested quantum-gradient optimizer and write its result, plot and circuit.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" --target qgrad
set -x
./build/cli/qgrad simulate examples/ghz.qasm --shots 1000 --seed 7
./build/cli/qgrad simulate examples/bell.qasm --statevector --expect "Z0 Z1 + X0 X1" --shots 0
./build/cli/qgrad simulate examples/teleport.qasm --shots 1000 --seed 3
# The main job: learn a Max-Cut circuit with quantum gradients from a stalled QAOA start.
./build/cli/qgrad run examples/maxcut_qaoa.json --out build/maxcut_qaoa.result.json \
  --plot build/maxcut_qaoa.svg --qasm build/maxcut_qaoa.qasm
