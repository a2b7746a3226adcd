#!/usr/bin/env python3
"""Quickstart of the qgrad package, cell by cell as in a notebook: submit the paper's
4-node Max-Cut job (examples/maxcut.json), watch its progress, print the final cost.

    QGRAD_SERVER=127.0.0.1:50051 QGRAD_TOKEN=... python3 python/examples/quickstart.py

Needs a running qgradd (README.md, "A short tour") and the package installed
(python/README.md).
"""
import os
import pathlib

import qgrad

SPEC = pathlib.Path(__file__).resolve().parents[2] / "examples" / "maxcut.json"

# %% Connect: plaintext on loopback; pass tls_ca=... (and tls_cert/tls_key) for TLS.
client = qgrad.Client(os.environ.get("QGRAD_SERVER", "127.0.0.1:50051"),
                      token=os.environ.get("QGRAD_TOKEN"))
print("backends:", ", ".join(b.name for b in client.backends()))

# %% Submit: a path, a dict, a JSON string or a JobSpec message. The idempotency key makes
# a rerun of this cell return the same job instead of a second one.
job = client.submit(SPEC, idempotency_key="quickstart-maxcut", labels={"from": "quickstart"})
print(("submitted" if job.created else "already submitted"), job.id)

# %% Watch: every event once, in order, resuming after a dropped connection.
for event in job.watch():
    if event.iteration is not None:
        it = event.iteration
        print(f"iteration {it.iteration:2d}  cost {it.cost:+.6f}  layers {it.layers}")
    else:
        print(event.state, event.error)

# %% The result: a qgrad.v1.JobResult (or job.result(as_dict=True) for plain dicts).
status = job.status()
if status.state == "SUCCEEDED":
    result = job.result()
    print(f"final cost {result.final_cost:+.6f} (exact minimum {result.exact_cost:+.1f}), "
          f"{len(result.history)} iterations, stop reason {result.stop_reason}")
    print(f"final circuit: {len(result.qasm.splitlines())} lines of OpenQASM 3")
else:
    print(f"{job.id} {status.state}: {status.error}")
client.close()
