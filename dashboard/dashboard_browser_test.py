#!/usr/bin/env python3
"""Test: the dashboard in real headless Chromium against a real qgradd (or the mock gateway).

    dashboard_browser_test.py --qgradd BIN [--default_artifact_dir DIR]
    dashboard_browser_test.py --mock      [--default_artifact_dir DIR]

With --mock the server is mock_gateway_for_testing.py, which also drops every event stream
after 7 events: the page must resume each with Last-Event-ID and lose or repeat nothing.

Starts qgradd on 127.0.0.1 port 0 (gRPC and HTTP) with a memory store, a tokens file
holding the hash of a random token and one running job at a time, and chromedriver +
headless Chromium with a temporary profile. Submits through the gateway a blocker job and
the watched job, a Max-Cut job that optimizes until its wall-clock limit (so it runs for
seconds on any machine and then succeeds). Checks, through the browser:
- the jobs list asks for a token without one, lists the jobs with the form's token and
  none after Forget, and, opened with #token=... (which then leaves the address), links to
  the jobs;
- the blocker's cancel button cancels it (state read back from the API), which starts the
  watched job;
- the watched job's plot (#convergence, data-points) grows between two reads while it
  runs;
- once it succeeded: every iteration event is plotted (data-points = the job's
  iterationsDone from the API), the error series is drawn, and the download links hold the
  result JSON and circuit the API serves (final cost included);
- the jobs list shows the last iteration's cost;
and saves a screenshot of the job page to DIR/dashboard_job.png (with --mock:
dashboard_job_mock.png), DIR = $QGRAD_ARTIFACT_DIR, else --default_artifact_dir, else
./test-artifacts; checked to be a valid PNG with varied pixels.
"""
import argparse
import hashlib
import json
import os
import re
import secrets
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zlib

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webdriver_test_util import Browser  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
WALL_SECONDS = 8  # the watched job's limit: long enough to watch it, short enough for CI

# 14-node 3-regular Max-Cut, small steps and no iteration cap: dozens of iterations per
# second in Release, a few under sanitizers, until the wall-clock limit stops it (success).
WATCHED_SPEC = {
    "name": "dashboard test: 3-regular Max-Cut, 14 nodes",
    "problem": {"maxcut": {"generator": {"kind": "random_3_regular", "numNodes": 14, "seed": 7}}},
    "initialState": {"preparation": "plus", "ansatz": {"name": "qaoa", "layers": 1}},
    "method": {"nested": {"stepSize": 0.05, "maxGatesPerLayer": 10,
                          "fidelityTarget": {"indicatorFraction": 0.1, "floor": 0.999},
                          "stop": {"maxIterations": 100000, "maxLayers": 100000}}},
    "limits": {"maxWallSeconds": WALL_SECONDS},
    "seed": 1,
}
# Runs first and holds the one running slot (--max_running_jobs=1) until the page cancels it:
# the watched job starts only once the browser is up and ready to watch it.
BLOCKER_SPEC = dict(WATCHED_SPEC, name="dashboard test: to be cancelled",
                    limits={"maxWallSeconds": 60})


def wait_for_file(path, process, timeout_s, log):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        address = open(path).read().strip() if os.path.exists(path) else ""
        if re.fullmatch(r"\S+:\d+", address):
            return address
        if process.poll() is not None:
            break
        time.sleep(0.05)
    raise SystemExit(f"server did not write {path} within {timeout_s} s (exit {process.poll()}); "
                     f"log:\n{open(log).read()[-3000:]}")


def start_qgradd(binary, work, token):
    tokens = os.path.join(work, "tokens")
    with open(tokens, "w") as f:
        f.write(f"dashboard {hashlib.sha256(token.encode()).hexdigest()}\n")
    http_port_file = os.path.join(work, "http_port")
    log = os.path.join(work, "qgradd.log")
    cmd = [binary, "--listen=127.0.0.1:0", f"--port_file={work}/port", "--store=memory",
           f"--data_dir={work}/data", f"--tokens_file={tokens}", "--max_running_jobs=1",
           "--http_listen=127.0.0.1:0", f"--http_port_file={http_port_file}"]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=open(log, "w"))
    return server, wait_for_file(http_port_file, server, 30, log), log


def start_mock(work, token):
    log = os.path.join(work, "mock.log")
    server = subprocess.Popen([sys.executable, os.path.join(HERE, "mock_gateway_for_testing.py"),
                               "--token", token, "--interval_s", "0.1",
                               "--drop_streams_after", "7"],
                              stdout=subprocess.PIPE, stderr=open(log, "w"), text=True)
    line = []
    reader = threading.Thread(target=lambda: line.append(server.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout=10)
    match = re.search(r"listening on (\S+)", line[0] if line else "")
    if not match:
        server.kill()
        raise SystemExit(f"mock gateway did not start: {line!r}")
    return server, match.group(1), log


class Api:
    """The gateway's JSON API, called directly: the oracle for what the page shows."""

    def __init__(self, base, token):
        self.base = base
        self.token = token

    def call(self, method, path, body=None):
        request = urllib.request.Request(
            self.base + path, method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.read().decode()
        except urllib.error.HTTPError as e:
            raise AssertionError(f"{method} {path}: HTTP {e.code} {e.read().decode()[:500]}") from None

    def json(self, method, path, body=None):
        return json.loads(self.call(method, path, body))


def check_png(png, path):
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "screenshot is not a PNG"
    chunks, offset = {}, 8
    while offset < len(png):
        length, kind = struct.unpack(">I4s", png[offset:offset + 8])
        data = png[offset + 8:offset + 8 + length]
        crc, = struct.unpack(">I", png[offset + 8 + length:offset + 12 + length])
        assert zlib.crc32(kind + data) == crc, f"bad CRC in {kind} chunk of {path}"
        chunks[kind] = chunks.get(kind, b"") + data
        offset += 12 + length
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    assert width >= 640 and height >= 480, (width, height)
    pixels = zlib.decompress(chunks[b"IDAT"])
    # A blank or single-colour page compresses to a few distinct (filtered) byte values.
    assert len(set(pixels)) > 32, f"screenshot looks blank: {len(set(pixels))} distinct bytes"
    return width, height


def describe_page(browser):
    try:
        return browser.run("return location.href + '\\n' + document.body.innerText.slice(0, 2000)")
    except Exception as e:  # the browser itself may be what failed
        return f"(page unreadable: {e})"


def run(args, server_base, token, work):
    api = Api(server_base, token)
    started = time.monotonic()
    # Fail fast, and plainly, when the server serves no dashboard at all.
    assert api.call("GET", "/").startswith("<!DOCTYPE html>"), "GET / is not the dashboard"
    with Browser(args.chromedriver, args.chromium) as browser:
        try:
            check_pages(args, server_base, token, api, browser, started)
        except BaseException:
            print(f"--- the page ---\n{describe_page(browser)}", file=sys.stderr)
            raise


def click_job_link(browser, job_id):
    browser.wait_for("return !!document.querySelector(`tr[data-job-id='${arguments[0]}'] a`)",
                     10, job_id, what=f"{job_id} in the jobs list")
    browser.run("document.querySelector(`tr[data-job-id='${arguments[0]}'] a`).click()", job_id)


def check_pages(args, server_base, token, api, browser, started):
    print(f"browser up in {time.monotonic() - started:.1f} s", flush=True)
    blocker = api.json("POST", "/v1/jobs", {"spec": BLOCKER_SPEC})["job"]
    job_id = api.json("POST", "/v1/jobs", {"spec": WATCHED_SPEC})["job"]["id"]

    # The jobs list: without a token it asks for one; with the form's token it lists the
    # jobs, and without it again (Forget) it lists none.
    browser.get(f"{server_base}/")
    unauthenticated = ("const m = document.getElementById('message'); return !!m && "
                       "m.textContent.includes('enter a bearer token') && "
                       "document.querySelectorAll('tr[data-job-id]').length === 0")
    browser.wait_for(unauthenticated, 10, what="the request for a token")
    browser.run("document.getElementById('token-input').value = arguments[0];"
                "document.querySelector('#token-form button[type=submit]').click()", token)
    browser.wait_for("return document.querySelectorAll('tr[data-job-id]').length === 2", 10,
                     what="both jobs in the list")
    browser.run("document.getElementById('token-forget').click()")
    browser.wait_for(unauthenticated, 10, what="the request for a token after Forget")

    # Opened with the token in the fragment, which then leaves the address.
    browser.get(f"{server_base}/#token={token}")
    click_job_link(browser, blocker["id"])
    assert browser.run("return location.hash") == "", "the token stayed in the address"

    # The blocker's page cancels it, which lets the watched job start.
    # (Null-safe: the click's navigation may not have replaced the list yet.)
    browser.wait_for("const c = document.getElementById('cancel'); return c && !c.disabled", 10,
                     what="an enabled cancel button")
    browser.run("document.getElementById('cancel').click()")
    browser.wait_for("return document.getElementById('job-state').textContent === 'cancelled'",
                     10, what="the cancelled state on the page")
    assert api.json("GET", f"/v1/jobs/{blocker['id']}")["state"] == "JOB_STATE_CANCELLED"

    # The watched job's page (the token now from sessionStorage): the plot grows while the
    # job runs.
    browser.get(f"{server_base}/")
    click_job_link(browser, job_id)
    read = ("const s = document.getElementById('job-state'); const c = "
            "document.getElementById('convergence'); return s && c && "
            "[s.textContent, Number(c.getAttribute('data-points'))]")
    state, first = browser.wait_for(
        "const r = (() => {" + read + "})(); return r && r[1] > 0 && r", 15,
        what="the first plotted iteration")
    assert state == "running", f"job already {state} at the first read; nothing to watch"
    state, second = browser.wait_for(
        "const r = (() => {" + read + "})(); return r && r[1] > arguments[0] && r", 15, first,
        what="more plotted iterations")
    print(f"plot: {first} then {second} points while running", flush=True)
    # The pages' policy (connect-src 'self') keeps scripts from fetching blob: URLs: keep
    # each blob the page makes a link to, to read the downloads back.
    browser.run("window.testBlobs = {}; const create = URL.createObjectURL;"
                "URL.createObjectURL = (blob) => {"
                "  const url = create.call(URL, blob); window.testBlobs[url] = blob; return url; };")

    # Success: every iteration plotted; the downloads are the API's result and circuit.
    browser.wait_for("const a = document.getElementById('download-qasm');"
                     "return a && !a.classList.contains('disabled')", WALL_SECONDS + 15,
                     what="the download links after success")
    assert browser.run("return document.getElementById('job-state').textContent") == "succeeded"
    done = api.json("GET", f"/v1/jobs/{job_id}")
    points = int(browser.run("return document.getElementById('convergence')"
                             ".getAttribute('data-points')"))
    assert points == done["iterationsDone"] >= second, (points, done["iterationsDone"])
    assert browser.run("return document.querySelectorAll('#convergence .series-error').length") == 1
    fetch = ("const done = arguments[arguments.length - 1];"
             "const blob = window.testBlobs[document.getElementById(arguments[0]).href];"
             "blob ? blob.text().then(done, (e) => done('ERROR ' + e)) : done('ERROR no blob')")
    page_result = json.loads(browser.run_async(fetch, "download-result"))
    result = api.json("GET", f"/v1/jobs/{job_id}/result")
    assert page_result["finalCost"] == result["finalCost"], (page_result["finalCost"], result)
    shown = browser.run("return document.getElementById('final-cost').textContent")
    assert shown == f"{result['finalCost']:.8f}", (shown, result["finalCost"])
    assert page_result == result
    qasm = browser.run_async(fetch, "download-qasm")
    assert qasm.startswith("OPENQASM 3") and qasm == api.call("GET", f"/v1/jobs/{job_id}/circuit.qasm")
    assert browser.run("return document.getElementById('download-result').download") == \
        f"{job_id}.result.json"
    path = os.path.join(args.artifact_dir,
                        "dashboard_job_mock.png" if args.mock else "dashboard_job.png")
    png = browser.screenshot_png()
    os.makedirs(args.artifact_dir, exist_ok=True)
    with open(path, "wb") as f:
        f.write(png)
    width, height = check_png(png, path)
    print(f"screenshot: {path} ({width}x{height}, {len(png)} bytes)", flush=True)

    # The jobs list reads the last iteration's cost from the event log.
    last_cost = result["history"][-1]["cost"]
    browser.get(f"{server_base}/")
    shown = browser.wait_for(
        "const c = document.querySelector(`tr[data-job-id='${arguments[0]}'] td.cost`);"
        "return c && c.textContent !== '–' && c.textContent", 10, job_id,
        what="the last cost in the jobs list")
    assert shown == f"{last_cost:.8f}", (shown, last_cost)
    print(f"dashboard_browser_test: ok in {time.monotonic() - started:.1f} s "
          f"({points} iterations plotted)")


def main():
    p = argparse.ArgumentParser()
    server = p.add_mutually_exclusive_group(required=True)
    server.add_argument("--qgradd", help="the qgradd binary")
    server.add_argument("--mock", action="store_true", help="use mock_gateway_for_testing.py")
    p.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    p.add_argument("--chromium", default="/usr/bin/chromium")
    p.add_argument("--default_artifact_dir", default=os.path.abspath("test-artifacts"),
                   help="where the screenshot goes when QGRAD_ARTIFACT_DIR is not set")
    args = p.parse_args()
    args.artifact_dir = os.environ.get("QGRAD_ARTIFACT_DIR") or args.default_artifact_dir
    token = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="qgrad_dashboard_") as work:
        if args.qgradd:
            server, address, log = start_qgradd(args.qgradd, work, token)
        else:
            server, address, log = start_mock(work, token)
        try:
            run(args, f"http://{address}", token, work)
        except BaseException:
            print(f"--- server log (tail) ---\n{open(log).read()[-3000:]}", file=sys.stderr)
            raise
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


if __name__ == "__main__":
    main()
