#!/usr/bin/env python3
"""A command-line client of the qgrad job service on top of the `qgrad` package (python/).

Submits a job specification (proto3 JSON, as `qgrad run` reads it), follows its progress
events (the package resumes the stream after a dropped connection, no event twice), and
prints the result:

    pip install --no-index --no-build-isolation ./python     # once, into a venv
    QGRAD_TOKEN=... python3 examples/python/qgrad_client.py examples/maxcut.json

Connection settings as for the `qgrad` CLI: --server (QGRAD_SERVER, default
127.0.0.1:50051), --token / --token-file (QGRAD_TOKEN / QGRAD_TOKEN_FILE), --tls-ca
(QGRAD_TLS_CA; without it the channel is plaintext), --tls-cert / --tls-key for mutual TLS.

Exit status: 0 the job succeeded, 1 it failed or was cancelled, 3 a service error.
"""
import argparse
import logging
import os
import sys

import qgrad
from google.protobuf import json_format


def parse_args(argv):
    env = os.environ.get
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("spec", help="job specification, proto3 JSON (e.g. examples/maxcut.json)")
    p.add_argument("--server", default=env("QGRAD_SERVER", "127.0.0.1:50051"))
    p.add_argument("--token", default=env("QGRAD_TOKEN", ""))
    p.add_argument("--token-file", default=env("QGRAD_TOKEN_FILE", ""))
    p.add_argument("--tls-ca", default=env("QGRAD_TLS_CA", ""))
    p.add_argument("--tls-cert", default=env("QGRAD_TLS_CERT", ""))
    p.add_argument("--tls-key", default=env("QGRAD_TLS_KEY", ""))
    p.add_argument("--tls-server-name", default=env("QGRAD_TLS_SERVER_NAME", ""))
    p.add_argument("--key", default="", help="idempotency key: resubmitting returns the same job")
    p.add_argument("--label", action="append", default=[], help="label key=value (repeatable)")
    p.add_argument("--out", default="", help="write the JobResult here as proto3 JSON")
    return p.parse_args(argv)


def describe(event):
    if event.state:
        return event.state + (f" ({event.error})" if event.error else "")
    it = event.iteration
    return (f"iteration {it.iteration:3d}  cost {it.cost:+.10f}  indicator {it.indicator:.2e}  "
            f"fidelity {it.fidelity:.6f}  layers {it.layers}  {it.elapsed_seconds:.2f} s")


def connect(args):
    token = args.token
    if not token and args.token_file:
        with open(args.token_file) as f:
            token = f.read().strip()
    tls = {}
    if args.tls_ca:
        tls = dict(tls_ca=args.tls_ca, tls_cert=args.tls_cert or None,
                   tls_key=args.tls_key or None, tls_server_name=args.tls_server_name or None)
    return qgrad.Client(args.server, token or None, **tls)


def main(argv):
    args = parse_args(argv)
    logging.basicConfig(format="%(message)s")  # the watch's reconnections, on stderr
    try:
        with connect(args) as client:
            labels = dict(item.split("=", 1) for item in args.label)
            job = client.submit(args.spec, idempotency_key=args.key, labels=labels)
            print(f"{'submitted' if job.created else 'already submitted'} {job.id}")
            for event in job.watch():
                print(f"[{event.sequence:3d}] {describe(event)}", flush=True)
            status = job.status()
            if status.state != "SUCCEEDED":
                print(f"{job.id} {status.state}: {status.error}")
                return 1
            result = job.result()
    except qgrad.QgradError as e:
        print(f"qgrad_client: {e}", file=sys.stderr)
        return 3
    print(f"final cost {result.final_cost:+.10f}  ({result.stop_reason}, "
          f"{len(result.history)} iterations, {result.wall_seconds:.2f} s)")
    if result.HasField("exact_cost"):
        print(f"exact {result.exact_cost:+.10f}  error {result.error:.3e}")
    print(f"final circuit: {result.counts.gates} gates, {len(result.params)} parameters, "
          f"{len(result.qasm.splitlines())} lines of OpenQASM 3")
    if args.out:
        with open(args.out, "w") as f:
            f.write(json_format.MessageToJson(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
