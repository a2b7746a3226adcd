"""Tests: Job.watch() resuming after dropped streams, against qgrad_fake_server (client/),
whose first WatchJob streams end with UNAVAILABLE after two events; and an unreachable
server. The fake's binary is $QGRAD_FAKE_SERVER (CTest sets it), else build/client/."""
import logging
import os
import re
import secrets
import subprocess
import threading

import pytest

import qgrad

from conftest import REPO


@pytest.fixture
def fake_server(request):
    """(address, token) of a fake whose first 3 streams drop after `drop_after` events
    (2, or the test's parameter)."""
    drop_after = getattr(request, "param", 2)
    binary = (os.environ.get("QGRAD_FAKE_SERVER")
              or os.path.join(REPO, "build", "client", "qgrad_fake_server"))
    if not os.access(binary, os.X_OK):
        pytest.fail(f"no qgrad_fake_server at {binary}: build it, or set QGRAD_FAKE_SERVER")
    token = secrets.token_hex(8)
    process = subprocess.Popen(
        [binary, "--token", token, "--iterations", "5", "--event_interval_ms", "10",
         "--drop_watch_streams", "3", "--drop_after_events", str(drop_after)],
        stdout=subprocess.PIPE, text=True)
    line = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()))
    reader.start()
    reader.join(timeout=30)
    match = re.search(r"listening on (\S+)", line[0] if line else "")
    try:
        assert match, f"fake server did not start: {line!r}"
        yield match.group(1), token
    finally:
        process.kill()
        process.wait()


def test_watch_resumes_after_dropped_streams_without_repeats(fake_server, caplog):
    address, token = fake_server
    with qgrad.Client(address, token, timeout=10) as client:
        job = client.submit({"problem": {"maxcut": {"generator": {"kind": "paper"}}}})
        with caplog.at_level(logging.WARNING, logger="qgrad"):
            events = list(job.watch())
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    assert events[-1].state == "SUCCEEDED"
    assert sum(1 for e in events if e.iteration is not None) == 5
    lost = [r.getMessage() for r in caplog.records if "connection lost" in r.getMessage()]
    assert len(lost) == 3, lost
    assert "resuming after event 2" in lost[0]


@pytest.mark.parametrize("fake_server", [0], indirect=True)  # streams drop at once
def test_watch_gives_up_after_max_retries_in_a_row(fake_server):
    address, token = fake_server
    with qgrad.Client(address, token, timeout=10) as client:
        job = client.submit({"problem": {"maxcut": {"generator": {"kind": "paper"}}}})
        with pytest.raises(qgrad.Unavailable) as caught:
            list(job.watch(max_retries=1))
        assert "gave up after 1" in caught.value.details
        # The third stream is the last dropped one: with 2 retries in a row the watch ends.
        assert [e.sequence for e in job.watch(max_retries=2)][-1] == 8


def test_an_unreachable_server_is_unavailable():
    with qgrad.Client("127.0.0.1:1", timeout=5) as client:
        with pytest.raises(qgrad.Unavailable):
            client.backends()
