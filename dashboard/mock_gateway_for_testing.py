#!/usr/bin/env python3
"""Test helper: a stand-in for qgradd's HTTP/JSON gateway, serving the dashboard's files
from the source tree and a scripted job service, for working on the dashboard without a
built qgradd.

    mock_gateway_for_testing.py [--token T] [--interval_s S] [--drop_streams_after K]

Prints `mock gateway listening on 127.0.0.1:PORT` and serves until killed. Every submitted
job emits QUEUED, RUNNING, iteration events S seconds apart (cost 1/(i+1) − 1, exact cost
−1, indicator 10^-i/2) until its spec's limits.maxWallSeconds (default 4 s) is spent, then
SUCCEEDED; one job runs at a time. --drop_streams_after K closes every event stream
after K events without the `end` event, so that clients must resume with Last-Event-ID.
Standard library only; the API follows the gateway's contract (dashboard/README.md).
"""
import argparse
import json
import os
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

STATIC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static")
ASSETS = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/job.html": ("job.html", "text/html; charset=utf-8"),
    "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/static/style.css": ("style.css", "text/css; charset=utf-8"),
}
# The gateway's policy for the pages: nothing from elsewhere, no inline script or style.
CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
       "connect-src 'self'; frame-ancestors 'none'")
TERMINAL = {"JOB_STATE_SUCCEEDED", "JOB_STATE_FAILED", "JOB_STATE_CANCELLED"}


class Jobs:
    def __init__(self, interval_s):
        self.interval_s = interval_s
        self.lock = threading.Condition()
        self.jobs = {}    # id -> Job JSON
        self.events = {}  # id -> [JobEvent JSON]
        self.running = threading.Lock()  # one job runs at a time, the others queue

    def submit(self, spec):
        with self.lock:
            job_id = f"j-mock{len(self.jobs) + 1}"
            self.jobs[job_id] = {"id": job_id, "tenant": "mock", "spec": spec,
                                 "state": "JOB_STATE_QUEUED", "backend": "statevector",
                                 "createTimeUnixMicros": str(int(time.time() * 1e6))}
            self.events[job_id] = []
            self._append(job_id, {"state": "JOB_STATE_QUEUED"})
        threading.Thread(target=self._run, args=(job_id,), daemon=True).start()
        return self.jobs[job_id]

    def _append(self, job_id, kind):
        event = {"jobId": job_id, "sequence": str(len(self.events[job_id]) + 1), **kind}
        self.events[job_id].append(event)
        job = self.jobs[job_id]
        job["lastEventSequence"] = event["sequence"]
        if "state" in kind:
            job["state"] = kind["state"]
        else:
            job["iterationsDone"] = job.get("iterationsDone", 0) + 1
        self.lock.notify_all()

    def _run(self, job_id):
        with self.running:
            self._iterate(job_id)

    def _iterate(self, job_id):
        with self.lock:
            if self.jobs[job_id]["state"] in TERMINAL:
                return
            self._append(job_id, {"state": "JOB_STATE_RUNNING"})
        wall_s = self.jobs[job_id]["spec"].get("limits", {}).get("maxWallSeconds", 4)
        for i in range(round(wall_s / self.interval_s)):
            time.sleep(self.interval_s)
            with self.lock:
                if self.jobs[job_id]["state"] in TERMINAL:
                    return
                self._append(job_id, {"iteration": {
                    "iteration": i, "cost": 1 / (i + 1) - 1, "indicator": 0.5 * 10.0 ** -i,
                    "fidelity": 0.99, "layers": i + 1}})
        with self.lock:
            if self.jobs[job_id]["state"] not in TERMINAL:
                self._append(job_id, {"state": "JOB_STATE_SUCCEEDED"})

    def cancel(self, job_id):
        with self.lock:
            if self.jobs[job_id]["state"] not in TERMINAL:
                self._append(job_id, {"state": "JOB_STATE_CANCELLED", "error": "cancelled"})
            return self.jobs[job_id]

    def result(self, job_id):
        history = [e["iteration"] for e in self.events[job_id] if "iteration" in e]
        return {"name": self.jobs[job_id]["spec"].get("name", ""), "method": "nested",
                "finalCost": history[-1]["cost"] if history else 0, "exactCost": -1,
                "history": history, "qasm": "OPENQASM 3.0;\nqubit[1] q;\n"}


def make_handler(jobs, token, drop_after):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def send(self, status, body, content_type="application/json", headers=None):
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def error(self, status, code, message):
            self.send(status, json.dumps({"code": code, "message": message}))

        def authorized(self):
            if token and self.headers.get("Authorization") != f"Bearer {token}":
                self.error(401, "UNAUTHENTICATED", "missing or unknown token")
                return False
            return True

        def do_GET(self):
            url = urlsplit(self.path)
            if url.path in ASSETS:
                name, content_type = ASSETS[url.path]
                with open(os.path.join(STATIC, name), "rb") as f:
                    return self.send(200, f.read(), content_type, {"Content-Security-Policy": CSP})
            if not self.authorized():
                return
            if url.path == "/v1/jobs":
                listed = [{k: v for k, v in job.items() if k != "spec"}
                          for job in jobs.jobs.values()]
                return self.send(200, json.dumps({"jobs": listed}))
            m = re.fullmatch(r"/v1/jobs/([^/:]+)(/result|/circuit\.qasm|/events)?", url.path)
            if not m or m.group(1) not in jobs.jobs:
                return self.error(404, "NOT_FOUND", f"no such job: {url.path}")
            job_id, what = m.groups()
            if what is None:
                return self.send(200, json.dumps(jobs.jobs[job_id]))
            if what == "/events":
                try:
                    return self.stream(job_id, parse_qs(url.query))
                except (BrokenPipeError, ConnectionResetError):
                    return  # the client went away (it stops reading once it has what it needs)
            if jobs.jobs[job_id]["state"] != "JOB_STATE_SUCCEEDED":
                return self.error(409, "FAILED_PRECONDITION", "job has not succeeded")
            result = jobs.result(job_id)
            if what == "/result":
                return self.send(200, json.dumps(result))
            return self.send(200, result["qasm"], "text/plain; charset=utf-8")

        def stream(self, job_id, query):
            after = int(self.headers.get("Last-Event-ID") or query.get("after", ["0"])[0])
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            sent = 0
            while True:
                with jobs.lock:
                    events = jobs.events[job_id]
                    while len(events) <= after:
                        if not jobs.lock.wait(timeout=5):
                            break
                    fresh = events[after:]
                for event in fresh:
                    if drop_after and sent == drop_after:
                        return  # the connection drops: no `end`
                    self.wfile.write(f"id: {event['sequence']}\nevent: job_event\n"
                                     f"data: {json.dumps(event)}\n\n".encode())
                    sent += 1
                    after = int(event["sequence"])
                    if event.get("state") in TERMINAL:
                        self.wfile.write(b"event: end\ndata: {}\n\n")
                        return
                self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()

        def do_POST(self):
            if not self.authorized():
                return
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            path = urlsplit(self.path).path
            if path == "/v1/jobs":
                job = jobs.submit(json.loads(body or b"{}").get("spec", {}))
                return self.send(200, json.dumps({"job": job, "created": True}))
            m = re.fullmatch(r"/v1/jobs/([^/:]+):cancel", path)
            if not m or m.group(1) not in jobs.jobs:
                return self.error(404, "NOT_FOUND", f"no such job: {path}")
            return self.send(200, json.dumps({"job": jobs.cancel(m.group(1))}))

    return Handler


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--token", default="")
    p.add_argument("--interval_s", type=float, default=0.2)
    p.add_argument("--drop_streams_after", type=int, default=0)
    args = p.parse_args()
    jobs = Jobs(args.interval_s)
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 make_handler(jobs, args.token, args.drop_streams_after))
    server.daemon_threads = True
    print(f"mock gateway listening on 127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
