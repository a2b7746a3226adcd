#!/bin/sh
# CTest fixture python_venv: a fresh venv that sees Debian's python3-grpcio and
# python3-protobuf (--system-site-packages), with the qgrad package installed offline.
#
#   make_venv.sh PYTHON VENV REPO [PROTOC]
#
# pip builds from a copy of python/ and proto/ beside VENV, so that setuptools' build/
# and *.egg-info never land in the source tree (and two build trees never race on them).
set -eu
python=$1 venv=$2 repo=$3 protoc=${4:-}
src="$venv.src"
rm -rf "$venv" "$src"
mkdir -p "$src"
cp -R "$repo/python" "$repo/proto" "$src/"
rm -rf "$src/python/build" "$src/python"/*.egg-info
# Debian's pip (python3-pip) from the system site: ensurepip would take ~10 s more.
"$python" -m venv --system-site-packages --without-pip "$venv"
# --isolated: no user or site pip configuration (find-links, indexes) takes part.
QGRAD_PROTOC="$protoc" "$venv/bin/python" -m pip install --isolated --no-index --no-build-isolation \
  --no-cache-dir --quiet "$src/python"
"$venv/bin/python" -c "import qgrad, qgrad.v1.service_pb2_grpc as s; print('qgrad', qgrad.__version__, 'in', qgrad.__file__)"
