#!/usr/bin/env python3
"""Generates the Python modules of the qgrad.v1 API from proto/qgrad/v1/*.proto.

    python3 generate_stubs.py --proto_dir ../proto --out gen

writes gen/qgrad/v1/{__init__,job_pb2,service_pb2,service_pb2_grpc}.py. The `qgrad`
package's setup.py calls generate() at build time (`build_py`), so an installed `qgrad`
carries `qgrad.v1`; the script form is for trying the raw stubs without installing.

With a current grpcio-tools (pip install grpcio-tools) this is the single standard call

    python3 -m grpc_tools.protoc -I proto --python_out=gen --grpc_python_out=gen \
        proto/qgrad/v1/job.proto proto/qgrad/v1/service.proto

and that is tried first. Debian 12's python3-grpc-tools bundles protoc 3.5, which predates
proto3 `optional` fields (job.proto uses them) and whose message code the installed
protobuf runtime refuses. Then the messages come from the system protoc (Debian's
protobuf-compiler, 3.21, matching python3-protobuf), and grpc_tools' own gRPC plugin
generates the service stubs from that protoc's descriptor set.

Not thread-safe to run twice into one folder at once (it writes files in place).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

PROTOS = ["qgrad/v1/job.proto", "qgrad/v1/service.proto"]


def run_grpc_tools(args):
    """grpc_tools' protoc in a subprocess (it prints errors we may want to hide)."""
    # protoc.main without the -I of grpc_tools' bundled well-known types, which protoc
    # refuses next to --descriptor_set_in; qgrad's protos import none of them.
    code = ("import sys\nfrom grpc_tools import protoc\n"
            "sys.exit(protoc.main(['protoc'] + sys.argv[1:]))")
    return subprocess.run([sys.executable, "-c", code] + args,
                          capture_output=True, text=True)


def one_step(proto_dir, out):
    return run_grpc_tools(["-I" + proto_dir, "--python_out=" + out,
                           "--grpc_python_out=" + out] + PROTOS)


def two_steps(proto_dir, out, protoc):
    with tempfile.TemporaryDirectory() as tmp:
        descriptors = os.path.join(tmp, "qgrad.pb")
        subprocess.run([protoc, "-I" + proto_dir, "--python_out=" + out,
                        "--include_imports", "--descriptor_set_out=" + descriptors] + PROTOS,
                       check=True)
        r = run_grpc_tools(["--descriptor_set_in=" + descriptors,
                            "--grpc_python_out=" + out, "qgrad/v1/service.proto"])
        if r.returncode != 0:
            raise RuntimeError("generate_stubs: grpc_tools could not generate the service "
                               "stubs:\n" + r.stderr)


def generate(proto_dir, out, protoc=None, log=print):
    """Writes OUT/qgrad/v1/*.py from PROTO_DIR/qgrad/v1/*.proto; returns that folder.

    protoc: the compiler for the two-step fallback (default: `protoc` on PATH).
    Raises RuntimeError or subprocess.CalledProcessError when neither way works."""
    protoc = protoc or shutil.which("protoc") or "protoc"
    os.makedirs(out, exist_ok=True)
    if one_step(proto_dir, out).returncode != 0:
        log("generate_stubs: grpc_tools' bundled protoc cannot compile job.proto; using "
            f"{protoc} for the messages and grpc_tools for the service stubs")
        two_steps(proto_dir, out, protoc)
    v1 = os.path.join(out, "qgrad", "v1")
    with open(os.path.join(v1, "__init__.py"), "w") as f:
        f.write('"""Generated from proto/qgrad/v1/*.proto by generate_stubs.py."""\n')
    return v1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proto_dir", required=True, help="the repository's proto/ folder")
    parser.add_argument("--out", required=True, help="folder to write qgrad/v1/*.py into")
    parser.add_argument("--protoc", default=None,
                        help="protoc for the fallback (default: protoc on PATH)")
    a = parser.parse_args()
    try:
        print("generate_stubs: wrote", generate(a.proto_dir, a.out, a.protoc))
    except (RuntimeError, subprocess.CalledProcessError) as e:
        raise SystemExit(str(e))


if __name__ == "__main__":
    main()
