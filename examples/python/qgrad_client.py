#!/usr/bin/env python3
"""A Python client of the qgrad job service, built from proto/qgrad/v1/*.proto.

Submits a job specification (proto3 JSON, as `qgrad run` reads it), follows its progress
events, resuming the stream from the last event seen if the connection drops, and prints
the result:

    python3 generate_stubs.py --proto_dir ../../proto --out gen
    QGRAD_TOKEN=... python3 qgrad_client.py --stubs gen ../maxcut.json

Connection settings as for the `qgrad` CLI: --server (QGRAD_SERVER, default
127.0.0.1:50051), --token / --token-file (QGRAD_TOKEN / QGRAD_TOKEN_FILE), --tls-ca
(QGRAD_TLS_CA; without it the channel is plaintext), --tls-cert / --tls-key for mutual TLS.

Exit status: 0 the job succeeded, 1 it failed or was cancelled, 3 a gRPC error.
"""
import argparse
import os
import random
import sys
import time


def parse_args(argv):
    env = os.environ.get
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("spec", help="job specification, proto3 JSON (e.g. examples/maxcut.json)")
    p.add_argument("--stubs", default=env("QGRAD_PY_STUBS", "gen"),
                   help="folder holding the generated qgrad/v1/*_pb2*.py (generate_stubs.py)")
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


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def make_channel(grpc, args):
    # Results carry the whole iteration history: allow more than gRPC's 4 MiB default.
    options = [("grpc.max_receive_message_length", 64 << 20)]
    if not args.tls_ca:
        return grpc.insecure_channel(args.server, options=options)
    if args.tls_server_name:
        options.append(("grpc.ssl_target_name_override", args.tls_server_name))
    credentials = grpc.ssl_channel_credentials(
        root_certificates=read(args.tls_ca, "rb"),
        private_key=read(args.tls_key, "rb") if args.tls_key else None,
        certificate_chain=read(args.tls_cert, "rb") if args.tls_cert else None)
    return grpc.secure_channel(args.server, credentials, options=options)


class QgradClient:
    """Thin wrapper over the generated stubs: the bearer token on every call, and a watch
    that resumes after a dropped stream without repeating or losing events."""

    TERMINAL = None  # filled in __init__ from the generated enum

    def __init__(self, grpc, pb, stubs, channel, token):
        self.grpc, self.pb = grpc, pb
        self.jobs = stubs.JobServiceStub(channel)
        self.metadata = [("authorization", "Bearer " + token)] if token else []
        self.TERMINAL = {pb.JOB_STATE_SUCCEEDED, pb.JOB_STATE_FAILED, pb.JOB_STATE_CANCELLED}

    def submit(self, spec, key="", labels=None):
        request = self.pb.SubmitJobRequest(spec=spec, idempotency_key=key, labels=labels or {})
        return self.jobs.SubmitJob(request, metadata=self.metadata, timeout=30)

    def get_job(self, job_id):
        return self.jobs.GetJob(self.pb.GetJobRequest(job_id=job_id),
                                metadata=self.metadata, timeout=30)

    def result(self, job_id):
        return self.jobs.GetJobResult(self.pb.GetJobResultRequest(job_id=job_id),
                                      metadata=self.metadata, timeout=30)

    def watch(self, job_id, on_event, after_sequence=0, max_failures=15):
        """Calls on_event(event) once per event, in order; returns the final JobState."""
        last, failures = after_sequence, 0
        while True:
            try:
                request = self.pb.WatchJobRequest(job_id=job_id, after_sequence=last)
                for event in self.jobs.WatchJob(request, metadata=self.metadata):
                    if event.sequence <= last:
                        continue  # overlap of a replay
                    last, failures = event.sequence, 0
                    on_event(event)
                    if event.WhichOneof("kind") == "state" and event.state in self.TERMINAL:
                        return event.state
                # A clean end before the terminal event: finished, or cut off?
                job = self.get_job(job_id)
                if job.state in self.TERMINAL and job.last_event_sequence <= last:
                    return job.state
                error = "stream ended early"
            except self.grpc.RpcError as e:
                if e.code() != self.grpc.StatusCode.UNAVAILABLE:
                    raise
                error = e.details()
            failures += 1
            if failures > max_failures:
                raise RuntimeError(f"watch of {job_id}: gave up after {max_failures} retries")
            delay = min(10.0, 0.2 * 2 ** (failures - 1)) * random.uniform(0.5, 1.0)
            print(f"connection lost ({error}); resuming after event {last} in {delay:.1f}s",
                  file=sys.stderr)
            time.sleep(delay)


def describe(pb, event):
    kind = event.WhichOneof("kind")
    if kind == "state":
        text = pb.JobState.Name(event.state).replace("JOB_STATE_", "")
        return text + (f" ({event.error})" if event.error else "")
    it = event.iteration
    return (f"iteration {it.iteration:3d}  cost {it.cost:+.10f}  indicator {it.indicator:.2e}  "
            f"fidelity {it.fidelity:.6f}  layers {it.layers}  {it.elapsed_seconds:.2f} s")


def main(argv):
    args = parse_args(argv)
    sys.path.insert(0, os.path.abspath(args.stubs))
    import grpc
    from google.protobuf import json_format
    from qgrad.v1 import job_pb2, service_pb2, service_pb2_grpc

    token = args.token or (read(args.token_file).strip() if args.token_file else "")
    spec = json_format.Parse(read(args.spec), job_pb2.JobSpec())
    client = QgradClient(grpc, service_pb2, service_pb2_grpc, make_channel(grpc, args), token)
    try:
        labels = dict(item.split("=", 1) for item in args.label)
        submitted = client.submit(spec, key=args.key, labels=labels)
        job_id = submitted.job.id
        print(f"{'submitted' if submitted.created else 'already submitted'} {job_id}")
        state = client.watch(job_id, lambda e: print(f"[{e.sequence:3d}] {describe(service_pb2, e)}",
                                                     flush=True))
        if state != service_pb2.JOB_STATE_SUCCEEDED:
            print(f"{job_id} {service_pb2.JobState.Name(state)}: {client.get_job(job_id).error}")
            return 1
        result = client.result(job_id)
    except grpc.RpcError as e:
        print(f"qgrad_client: {e.code().name}: {e.details()}", file=sys.stderr)
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
