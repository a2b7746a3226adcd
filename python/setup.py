"""Build hook of the qgrad package: generates qgrad.v1 (the gRPC stubs) from the .proto
files while building, so that the stubs always match the repository's protos.

The protos are read from $QGRAD_PROTO_DIR, else ../proto (this folder's sibling in the
repository); the fallback compiler from $QGRAD_PROTOC, else `protoc` on PATH. Building
needs grpc_tools (Debian: python3-grpc-tools) and, with Debian's, protobuf-compiler.
Metadata lives in pyproject.toml.
"""
import os
import sys

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import generate_stubs  # noqa: E402  (this folder; shared with examples/python)


class BuildPyWithStubs(build_py):
    """build_py, then the generated qgrad/v1/*.py into the build tree."""

    def run(self):
        super().run()
        proto_dir = os.environ.get("QGRAD_PROTO_DIR") or os.path.join(HERE, "..", "proto")
        if not os.path.isfile(os.path.join(proto_dir, "qgrad", "v1", "service.proto")):
            raise SystemExit(f"qgrad: no qgrad/v1/service.proto under {proto_dir}; build from "
                             "the repository's python/ folder or set QGRAD_PROTO_DIR")
        generate_stubs.generate(proto_dir, self.build_lib, os.environ.get("QGRAD_PROTOC"),
                                log=lambda line: print(line, file=sys.stderr))


setup(cmdclass={"build_py": BuildPyWithStubs})
