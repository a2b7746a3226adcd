"""Test: python/examples/quickstart.py runs against the session's qgradd and prints the
final cost that the job's result holds; run twice, its idempotency key finds the job."""
import os
import re
import subprocess
import sys

import pytest


QUICKSTART = os.path.join(os.path.dirname(__file__), "..", "examples", "quickstart.py")


def run_quickstart(qgradd):
    env = dict(os.environ, QGRAD_SERVER=qgradd.address, QGRAD_TOKEN=qgradd.tokens["lab2"])
    run = subprocess.run([sys.executable, QUICKSTART], env=env, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_quickstart(qgradd, other_client):
    out = run_quickstart(qgradd)
    job_id = re.search(r"^submitted (\S+)$", out, re.M).group(1)
    final = float(re.search(r"^final cost (\S+) ", out, re.M).group(1))
    result = other_client.job(job_id).result()
    assert final == pytest.approx(result.final_cost, abs=1e-6)
    assert final == pytest.approx(-2, abs=1e-5)
    assert re.search(r"^SUCCEEDED", out, re.M)
    assert f"already submitted {job_id}" in run_quickstart(qgradd)
