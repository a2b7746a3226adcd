"""Tests: the generated qgrad.v1 modules, and every example job specification
(examples/*.json) surviving proto3 JSON → JobSpec → JSON → JobSpec unchanged, including
proto3 `optional` fields explicitly set to their zero value (no server needed)."""
import glob
import os

import pytest
from google.protobuf import json_format

import qgrad
from qgrad.v1 import job_pb2, service_pb2, service_pb2_grpc

from conftest import EXAMPLES

SPECS = sorted(glob.glob(os.path.join(EXAMPLES, "*.json")))


def test_there_are_example_specs():
    assert len(SPECS) >= 10


@pytest.mark.parametrize("path", SPECS, ids=os.path.basename)
def test_example_spec_round_trips(path):
    spec = qgrad.parse_spec(path)
    again = json_format.Parse(json_format.MessageToJson(spec), job_pb2.JobSpec())
    assert again == spec
    request = service_pb2.SubmitJobRequest(spec=spec, idempotency_key="k")
    assert service_pb2.SubmitJobRequest.FromString(request.SerializeToString()) == request


def test_optional_fields_keep_presence():
    # A weight of 0 is not an absent weight (default 1).
    edge = json_format.Parse('{"u": 0, "v": 1, "weight": 0}', job_pb2.Edge())
    assert edge.HasField("weight") and edge.weight == 0
    assert not job_pb2.Edge(u=0, v=1).HasField("weight")


def test_service_stubs_exist():
    assert hasattr(service_pb2_grpc, "JobServiceStub")
    assert hasattr(service_pb2_grpc, "BackendServiceStub")


def test_state_names():
    assert qgrad.state_name(service_pb2.JOB_STATE_RUNNING) == "RUNNING"
    for name in ("running", "RUNNING", "JOB_STATE_RUNNING", service_pb2.JOB_STATE_RUNNING):
        assert qgrad.state_value(name) == service_pb2.JOB_STATE_RUNNING


def test_every_public_name_has_a_docstring():
    names = [getattr(qgrad, n) for n in qgrad.__all__ if callable(getattr(qgrad, n))]
    for cls in (qgrad.Client, qgrad.Job, qgrad.JobStatus, qgrad.Event):
        names += [getattr(cls, m) for m in vars(cls) if not m.startswith("_")]
    missing = [getattr(n, "__qualname__", repr(n)) for n in names
               if not (getattr(n, "__doc__", None) or "").strip()]
    assert missing == []
