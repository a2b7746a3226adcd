"""Tests: the qgrad package against a real qgradd (conftest.py): submitting in every spec
form, idempotency, watching, results, cancellation, listing, backends, errors, tenants."""
import json
import os
import pathlib

import pytest

import qgrad

from conftest import EXAMPLES

MAXCUT = os.path.join(EXAMPLES, "maxcut.json")


def maxcut_dict():
    with open(MAXCUT) as f:
        return json.load(f)


def long_spec():
    """The 16-node Max-Cut example (about 0.7 s per iteration) with 1000 iterations: it
    is still running when the tests cancel it."""
    with open(os.path.join(EXAMPLES, "maxcut_3regular16.json")) as f:
        spec = json.load(f)
    spec["method"]["nested"]["stop"]["maxIterations"] = 1000
    return spec


@pytest.mark.parametrize("form", ["dict", "json", "str_path", "pathlib", "message"])
def test_submit_accepts_every_spec_form(client, unique_label, form):
    spec = {"dict": maxcut_dict(), "json": json.dumps(maxcut_dict()), "str_path": MAXCUT,
            "pathlib": pathlib.Path(MAXCUT),
            "message": qgrad.parse_spec(MAXCUT)}[form]
    job = client.submit(spec, labels=unique_label)
    assert job.created is True
    status = job.status()
    assert status.id == job.id and status.labels == unique_label
    assert status.message.spec == qgrad.parse_spec(maxcut_dict())  # the same spec arrived
    assert job.wait(timeout=20).state == "SUCCEEDED"


def test_idempotency_key_returns_the_same_job(client, other_client, unique_label):
    key = "key-" + unique_label["test"]
    first = client.submit(MAXCUT, idempotency_key=key)
    again = client.submit(maxcut_dict(), idempotency_key=key)
    assert (first.created, again.created) == (True, False)
    assert again.id == first.id
    assert client.submit(MAXCUT).id != first.id  # no key: a new job
    # Keys are per tenant: lab2's same key is lab2's own new job.
    theirs = other_client.submit(MAXCUT, idempotency_key=key)
    assert theirs.created and theirs.id != first.id


def test_watch_delivers_every_event_once_in_order_and_the_result_matches(client):
    job = client.submit(MAXCUT, priority=5)
    events = list(job.watch())
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    states = [e.state for e in events if e.state]
    assert states == ["QUEUED", "RUNNING", "SUCCEEDED"]
    assert events[-1].state == "SUCCEEDED" and all(e.job_id == job.id for e in events)
    iterations = [e.iteration for e in events if e.iteration is not None]
    assert [it.iteration for it in iterations] == list(range(len(iterations)))

    result = job.result()
    # The result's history is exactly the iteration events the watch delivered.
    assert list(result.history) == iterations
    # Each iteration's cost is the cost before its layer, so the final cost is at most
    # the last one's (exact estimation refuses layers that raise the cost) ...
    assert result.final_cost <= iterations[-1].cost + 1e-12
    # ... and the paper's 4-node graph reaches its exact minimum, a cut of 2.
    assert result.exact_cost == -2
    assert result.final_cost == pytest.approx(-2, abs=1e-5)
    assert result.qasm.startswith("OPENQASM 3")

    as_dict = job.result(as_dict=True)
    assert as_dict["finalCost"] == result.final_cost
    assert len(as_dict["history"]) == len(iterations)

    # Resuming after a sequence replays exactly the rest.
    tail = list(job.watch(after_sequence=len(events) - 3))
    assert [e.message for e in tail] == [e.message for e in events[-3:]]
    status = job.status()
    assert status.terminal and status.last_event_sequence == len(events)
    assert status.iterations_done == len(iterations)


def test_cancel_a_long_job(client):
    job = client.submit(long_spec())
    for event in job.watch():
        if event.state == "RUNNING":
            break  # leaving the iteration cancels the stream
    assert job.cancel().state == "CANCELLED"
    final = job.wait(timeout=20)
    assert final.state == "CANCELLED" and final.terminal
    events = list(job.watch())
    assert events[-1].state == "CANCELLED"
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    with pytest.raises(qgrad.FailedPrecondition):
        job.result()
    assert job.cancel().state == "CANCELLED"  # a no-op once terminal


def test_wait_times_out_on_a_running_job(client):
    job = client.submit(long_spec())
    try:
        with pytest.raises(qgrad.DeadlineExceeded) as caught:
            job.wait(timeout=0.5)
        assert isinstance(caught.value, TimeoutError) and job.id in str(caught.value)
        assert not job.status().terminal
    finally:
        job.cancel()


def test_list_jobs_pages_and_filters_by_state(client, other_client, unique_label):
    jobs = [client.submit(MAXCUT, labels=unique_label) for _ in range(5)]
    for job in jobs:
        job.wait(timeout=20)
    cancelled = client.submit(long_spec(), labels=unique_label)
    cancelled.cancel()
    other_client.submit(MAXCUT, labels=unique_label)  # lab2's: never listed for lab1

    listed = list(client.list_jobs(labels=unique_label, page_size=2))  # 3 pages
    assert [s.id for s in listed] == [j.id for j in jobs] + [cancelled.id]  # oldest first
    assert all(s.labels == unique_label and s.tenant == "lab1" for s in listed)
    assert [s.id for s in client.list_jobs(states=["succeeded"], labels=unique_label,
                                           page_size=1)] == [j.id for j in jobs]
    assert [s.id for s in client.list_jobs(states=["CANCELLED", "FAILED"],
                                           labels=unique_label)] == [cancelled.id]
    assert list(client.list_jobs(states=["RUNNING"], labels=unique_label)) == []


def test_backends(client):
    backends = {b.name: b for b in client.backends()}
    assert {"local", "statevector"} <= set(backends)
    statevector = backends["statevector"]
    assert statevector.exact and statevector.max_qubits > 0
    assert qgrad.v1.service_pb2.BackendStatus.Name(statevector.status) == "BACKEND_STATUS_ONLINE"


def test_a_bad_spec_is_invalid_argument_naming_the_field(client):
    spec = maxcut_dict()
    spec["problem"]["maxcut"]["shots"] = -1
    with pytest.raises(qgrad.InvalidArgument) as caught:
        client.submit(spec)
    assert caught.value.code.name == "INVALID_ARGUMENT"
    assert "spec.problem.maxcut.shots" in caught.value.details


def test_a_spec_that_is_not_a_jobspec_is_refused_before_sending(client, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"problem": {"maxcut": {"shots": "many"}}}')
    with pytest.raises(qgrad.InvalidArgument) as caught:
        client.submit(bad)
    assert str(bad) in caught.value.details
    with pytest.raises(qgrad.InvalidArgument):
        client.submit('{"noSuchField": 1}')
    with pytest.raises(TypeError):
        client.submit(42)


def test_priority_out_of_range_is_invalid_argument(client):
    with pytest.raises(qgrad.InvalidArgument) as caught:
        client.submit(MAXCUT, priority=1000)
    assert "priority" in caught.value.details


def test_an_unknown_job_is_not_found(client):
    job = client.job("j-does-not-exist")
    for call in (job.status, job.result, job.cancel, lambda: list(job.watch())):
        with pytest.raises(qgrad.NotFound) as caught:
            call()
        assert isinstance(caught.value, qgrad.QgradError)


def test_another_tenants_job_is_not_found(client, other_client):
    mine = client.submit(MAXCUT)
    theirs = other_client.job(mine.id)
    with pytest.raises(qgrad.NotFound):
        theirs.status()
    with pytest.raises(qgrad.NotFound):
        theirs.cancel()
    assert mine.wait(timeout=20).state == "SUCCEEDED"


@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_a_missing_or_wrong_token_is_unauthenticated(qgradd, token):
    with qgrad.Client(qgradd.address, token, timeout=10) as stranger:
        with pytest.raises(qgrad.Unauthenticated):
            stranger.submit(MAXCUT)
        with pytest.raises(qgrad.Unauthenticated):
            stranger.backends()
        with pytest.raises(qgrad.Unauthenticated):
            list(stranger.list_jobs())


def test_every_status_code_maps_to_its_own_exception():
    import grpc
    assert set(qgrad.errors.ERRORS) == set(grpc.StatusCode) - {grpc.StatusCode.OK}
    assert len(set(qgrad.errors.ERRORS.values())) == len(qgrad.errors.ERRORS)
    for code, cls in qgrad.errors.ERRORS.items():
        assert issubclass(cls, qgrad.QgradError) and cls.__doc__.startswith(code.name)


def tiny_shadows_spec():
    """A 4-node ring Max-Cut in shadows mode: 3 iterations of 1,000 shots on the local
    backend (well under a second)."""
    return {"name": "usage", "problem": {"maxcut": {"generator": {"kind": "ring", "numNodes": 4},
                                                    "shots": 64}},
            "initialState": {"preparation": "plus", "ansatz": {"name": "qaoa"},
                             "params": [0.3, -0.3]},
            "method": {"nested": {"stepSize": 0.1,
                                  "stop": {"maxIterations": 3, "indicatorThreshold": 0}}},
            "estimation": {"shadows": {"shotsPerIteration": 1000, "shotsPerSetting": 50}},
            "seed": 8}


def test_usage_of_a_job_and_of_the_tenant(client, other_client):
    others_before = other_client.usage()
    before = client.usage()
    job = client.submit(tiny_shadows_spec())
    assert job.wait(timeout=30).state == "SUCCEEDED"
    spent = job.usage()
    assert spent.shots > 0 and spent.circuits > 0 and spent.cpu_seconds > 0
    after = client.usage(job.id)
    assert after.job == spent
    assert after.jobs == before.jobs + 1
    assert after.tenant.shots == before.tenant.shots + spent.shots
    assert after.tenant.circuits == before.tenant.circuits + spent.circuits
    # Another tenant's totals do not move with this job (its own earlier jobs may still be
    # running, so its CPU seconds may: compare what this job would have added).
    others_after = other_client.usage()
    assert others_after.jobs == others_before.jobs
    assert others_after.tenant.shots == others_before.tenant.shots
    assert others_after.tenant.circuits == others_before.tenant.circuits
    with pytest.raises(qgrad.NotFound):
        other_client.usage(job.id)
