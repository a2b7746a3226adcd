#!/usr/bin/env python3
"""Test: the generated Python modules import, and every example job specification
(examples/*.json) survives proto3 JSON → JobSpec → JSON → JobSpec unchanged, including
proto3 `optional` fields explicitly set to their zero value.

    stubs_test.py STUBS_DIR EXAMPLES_DIR
"""
import glob
import os
import sys


def main(stubs, examples):
    sys.path.insert(0, stubs)
    from google.protobuf import json_format
    from qgrad.v1 import job_pb2, service_pb2, service_pb2_grpc

    specs = sorted(glob.glob(os.path.join(examples, "*.json")))
    assert specs, f"no example specs in {examples}"
    for path in specs:
        with open(path) as f:
            spec = json_format.Parse(f.read(), job_pb2.JobSpec())
        again = json_format.Parse(json_format.MessageToJson(spec), job_pb2.JobSpec())
        assert again == spec, path
        request = service_pb2.SubmitJobRequest(spec=spec, idempotency_key="k")
        assert service_pb2.SubmitJobRequest.FromString(request.SerializeToString()) == request

    # Presence of `optional` scalars: a weight of 0 is not an absent weight (default 1).
    edge = json_format.Parse('{"u": 0, "v": 1, "weight": 0}', job_pb2.Edge())
    assert edge.HasField("weight") and edge.weight == 0
    assert not job_pb2.Edge(u=0, v=1).HasField("weight")

    assert hasattr(service_pb2_grpc, "JobServiceStub")
    assert hasattr(service_pb2_grpc, "BackendServiceStub")
    print(f"stubs_test: {len(specs)} example specs round-trip")


if __name__ == "__main__":
    main(*sys.argv[1:3])
