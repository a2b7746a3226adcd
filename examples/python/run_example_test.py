#!/usr/bin/env python3
"""Test: qgrad_client.py end to end against a server process on 127.0.0.1, port 0.

    run_example_test.py --server_binary BIN --kind fake|qgradd --spec SPEC

Run it with a Python that has the qgrad package (python/) installed; the client runs with
the same interpreter.

kind `fake`: BIN is qgrad_fake_server, scripted with dropped watch streams, so the
example's resumption is exercised. kind `qgradd`: BIN is the real server with a fresh data
directory and a tokens file holding the hash of a random token.

Checks: the job succeeds, every event arrives once and in order (1, 2, 3, ...), the
result prints and is written as JSON, and a wrong token fails with UNAUTHENTICATED.
"""
import argparse
import hashlib
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))


def start_server(args, token, work):
    if args.kind == "fake":
        cmd = [args.server_binary, "--token", token, "--iterations", "4",
               "--event_interval_ms", "20", "--drop_watch_streams", "2",
               "--drop_after_events", "2"]
    else:
        tokens = os.path.join(work, "tokens")
        with open(tokens, "w") as f:
            f.write("# tenant sha256(token)\n")
            f.write(f"example {hashlib.sha256(token.encode()).hexdigest()}\n")
        cmd = [args.server_binary, "--listen", "127.0.0.1:0",
               "--data_dir", os.path.join(work, "data"), "--tokens_file", tokens]
    log = open(os.path.join(work, "server.log"), "w")
    server = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, text=True)
    first_line = []
    reader = threading.Thread(target=lambda: first_line.append(server.stdout.readline()))
    reader.start()
    reader.join(timeout=60)
    match = re.search(r"listening on (\S+)", first_line[0] if first_line else "")
    if not match:
        server.kill()
        raise SystemExit(f"server did not start: {first_line!r}; log in {log.name}")
    return server, match.group(1)


def run_client(args, address, token, out):
    env = dict(os.environ, QGRAD_TOKEN=token)  # the example's environment fallback
    env.pop("QGRAD_SERVER", None)
    cmd = [sys.executable, os.path.join(HERE, "qgrad_client.py"), args.spec,
           "--server", address, "--out", out]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)


def check_run(run, kind, out):
    assert run.returncode == 0, f"exit {run.returncode}\n{run.stdout}\n{run.stderr}"
    lines = run.stdout.splitlines()
    assert re.match(r"submitted j-\S+$", lines[0]), lines[0]
    sequences = [int(m.group(1)) for m in map(re.compile(r"\[\s*(\d+)\]").match, lines) if m]
    assert sequences == list(range(1, len(sequences) + 1)), sequences
    events = [line for line in lines if line.startswith("[")]
    assert "QUEUED" in events[0] and "SUCCEEDED" in events[-1], events
    assert any("iteration" in e for e in events), events
    assert any(line.startswith("final cost ") for line in lines), lines
    with open(out) as f:
        result = json.load(f)
    assert "finalCost" in result and result["history"], result.keys()
    if kind == "fake":
        assert run.stderr.count("connection lost") == 2, run.stderr


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--server_binary", required=True)
    p.add_argument("--kind", choices=["fake", "qgradd"], required=True)
    p.add_argument("--spec", required=True)
    args = p.parse_args()
    token = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="qgrad_py_example_") as work:
        server, address = start_server(args, token, work)
        try:
            out = os.path.join(work, "result.json")
            run = run_client(args, address, token, out)
            check_run(run, args.kind, out)
            denied = run_client(args, address, "not-" + token, out)
            assert denied.returncode == 3 and "UNAUTHENTICATED" in denied.stderr, denied
        finally:
            server.send_signal(signal.SIGTERM)
            code = server.wait(timeout=60)
        if args.kind == "qgradd":
            assert code == 0, f"qgradd exited {code} on SIGTERM"
    print(f"run_example_test ({args.kind}): ok, {len(run.stdout.splitlines())} lines")


if __name__ == "__main__":
    main()
