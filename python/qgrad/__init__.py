"""qgrad: a Python client of the qgrad job service (qgradd, gRPC API qgrad.v1).

    import qgrad
    with qgrad.Client("127.0.0.1:50051", token=TOKEN) as client:
        job = client.submit("examples/maxcut.json", labels={"team": "lab1"})
        for event in job.watch():
            print(event.sequence, event.state or event.iteration.cost)
        print(job.result().final_cost)

Client, Job, JobStatus, Event, Usage and UsageReport are in qgrad.client; the exceptions (one per gRPC status
code, all QgradError) in qgrad.errors; the generated messages and stubs in qgrad.v1
(job_pb2, service_pb2, service_pb2_grpc).
"""
from .client import (DEFAULT_TIMEOUT, TERMINAL_STATES, Client, Event, Job, JobStatus,
                     Usage, UsageReport, parse_spec, state_name, state_value)
from .errors import (Aborted, AlreadyExists, Cancelled, DataLoss, DeadlineExceeded,
                     FailedPrecondition, Internal, InvalidArgument, NotFound, OutOfRange,
                     PermissionDenied, QgradError, ResourceExhausted, Unauthenticated,
                     Unavailable, Unimplemented, Unknown)

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_TIMEOUT", "TERMINAL_STATES", "Client", "Event", "Job", "JobStatus", "Usage",
    "UsageReport", "parse_spec",
    "state_name", "state_value", "Aborted", "AlreadyExists", "Cancelled", "DataLoss",
    "DeadlineExceeded", "FailedPrecondition", "Internal", "InvalidArgument", "NotFound",
    "OutOfRange", "PermissionDenied", "QgradError", "ResourceExhausted", "Unauthenticated",
    "Unavailable", "Unimplemented", "Unknown",
]
