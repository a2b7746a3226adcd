#!/usr/bin/env bash
# Installs the Debian 12 packages qgrad needs to build and test. Idempotent: packages
# already present are not reinstalled, and apt-get update runs only when something is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  clang libclang-rt-14-dev libomp-dev   # sanitizer + fuzzer build
  libabsl-dev          # Status/StatusOr, strings, flags
  libhwy-dev           # Highway: portable SIMD with runtime dispatch
  nlohmann-json3-dev   # JSON output of the CLI
  libnlopt-dev libnlopt-cxx-dev   # NLopt optimizers (COBYLA, L-BFGS)
  protobuf-compiler libprotobuf-dev   # job specifications (proto3, JSON)
  libgrpc++-dev protobuf-compiler-grpc   # the qgradd job service and its client
  libsqlite3-dev       # durable job store
  libpq-dev            # the PostgreSQL job store that replicas share (libpq)
  postgresql           # its tests and bench run a private PostgreSQL 15 server
  libssl-dev openssl   # token hashes (SHA-256); test certificates
  libcurl4-openssl-dev   # REST devices: the HTTP client
  libcpp-httplib-dev   # the device emulator's HTTP(S) server
  python3-grpcio python3-grpc-tools python3-protobuf   # the qgrad Python package (python/)
  python3-venv python3-pip python3-setuptools python3-wheel python3-pytest   # its offline venv install and tests
  python3-yaml python3-jsonschema   # offline schema validation of deploy/k8s manifests
  chromium chromium-driver   # the dashboard's browser test (headless, WebDriver)
  libgtest-dev libgmock-dev googletest
  libbenchmark-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
