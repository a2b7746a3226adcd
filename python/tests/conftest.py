"""pytest fixtures for the qgrad package's tests: a real qgradd on 127.0.0.1, port 0, in a
temporary directory, with the memory store and a tokens file of two tenants.

The binary is $QGRADD (CTest sets it), else build/server/qgradd in the repository.
"""
import hashlib
import os
import secrets
import signal
import subprocess
import time
from dataclasses import dataclass

import pytest

import qgrad

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXAMPLES = os.path.join(REPO, "examples")


@dataclass
class QgraddForTesting:
    """A running qgradd: its address, the tokens of tenants lab1 and lab2, its log."""
    address: str
    tokens: dict
    log_path: str


def qgradd_binary_for_testing():
    path = os.environ.get("QGRADD") or os.path.join(REPO, "build", "server", "qgradd")
    if not os.access(path, os.X_OK):
        pytest.fail(f"no qgradd binary at {path}: build it, or set QGRADD")
    return path


def start_qgradd_for_testing(work, tokens, extra_flags=()):
    """Starts qgradd in WORK with a tokens file for TOKENS (tenant → token); returns the
    process and its address once the port file names it (at most 30 s)."""
    tokens_file = os.path.join(work, "tokens")
    with open(tokens_file, "w") as f:
        for tenant, token in tokens.items():
            f.write(f"{tenant} {hashlib.sha256(token.encode()).hexdigest()}\n")
    port_file = os.path.join(work, "port")
    log = open(os.path.join(work, "qgradd.log"), "w")
    process = subprocess.Popen(
        [qgradd_binary_for_testing(), "--listen=127.0.0.1:0", "--port_file=" + port_file,
         "--store=memory", "--tokens_file=" + tokens_file, "--max_running_jobs=4",
         *extra_flags], stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        if os.path.exists(port_file):
            with open(port_file) as f:
                address = f.read().strip()
            if address:
                return process, address
        time.sleep(0.02)
    process.kill()
    with open(log.name) as f:
        pytest.fail(f"qgradd did not start (exit {process.poll()}):\n{f.read()}")


def stop_qgradd_for_testing(process):
    """SIGTERM, and the exit status qgradd documents for it: 0."""
    process.send_signal(signal.SIGTERM)
    try:
        assert process.wait(timeout=30) == 0, f"qgradd exited {process.returncode}"
    except subprocess.TimeoutExpired:
        process.kill()
        raise


@pytest.fixture(scope="session")
def qgradd(tmp_path_factory):
    """One qgradd for the session (tests label their jobs to stay apart)."""
    work = str(tmp_path_factory.mktemp("qgradd"))
    tokens = {"lab1": secrets.token_hex(16), "lab2": secrets.token_hex(16)}
    process, address = start_qgradd_for_testing(work, tokens)
    yield QgraddForTesting(address, tokens, os.path.join(work, "qgradd.log"))
    stop_qgradd_for_testing(process)


@pytest.fixture
def client(qgradd):
    """A Client of tenant lab1."""
    with qgrad.Client(qgradd.address, qgradd.tokens["lab1"], timeout=10) as c:
        yield c


@pytest.fixture
def other_client(qgradd):
    """A Client of tenant lab2."""
    with qgrad.Client(qgradd.address, qgradd.tokens["lab2"], timeout=10) as c:
        yield c


@pytest.fixture
def unique_label(request):
    """labels={"test": <unique>} for one test's jobs, so listings see only them."""
    return {"test": f"{request.node.name[:40].lower().replace('[', '.').replace(']', '')}"
                    f".{secrets.token_hex(4)}"}
