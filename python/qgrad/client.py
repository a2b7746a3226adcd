"""Client and Job: the qgrad.v1 JobService and BackendService behind a small Python API.

A Client owns one gRPC channel; it is thread-safe (gRPC channels and stubs are), and so
are Job handles. A generator returned by Job.watch() belongs to the thread iterating it.
"""
import logging
import os
import random
import time
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional

import grpc
from google.protobuf import json_format

from . import errors
from .v1 import job_pb2, service_pb2, service_pb2_grpc

DEFAULT_TIMEOUT = 30.0
"""Seconds a unary call may take before it raises DeadlineExceeded."""

TERMINAL_STATES = frozenset({"SUCCEEDED", "FAILED", "CANCELLED"})
"""The state names after which a job never changes again."""

_log = logging.getLogger("qgrad")
# Results carry the whole iteration history: allow more than gRPC's 4 MiB default.
_MAX_RECEIVE_BYTES = 64 << 20


def state_name(value):
    """The short name of a JobState value: JOB_STATE_RUNNING (2) → "RUNNING"."""
    return service_pb2.JobState.Name(value)[len("JOB_STATE_"):]


def state_value(state):
    """A JobState value from an int or a name ("running", "RUNNING", "JOB_STATE_RUNNING")."""
    if isinstance(state, int):
        return state
    name = state.upper()
    return service_pb2.JobState.Value(name if name.startswith("JOB_STATE_")
                                      else "JOB_STATE_" + name)


@dataclass(frozen=True)
class JobStatus:
    """A job's record at one moment (GetJob, CancelJob, ListJobs).

    state is the short name of qgrad.v1.JobState: "QUEUED", "RUNNING", "SUCCEEDED",
    "FAILED" or "CANCELLED". Times are microseconds since the Unix epoch, 0 when not yet
    reached. message is the qgrad.v1.Job itself (its spec is empty in list_jobs()).
    """
    id: str
    state: str
    error: str
    iterations_done: int
    last_event_sequence: int
    backend: str
    tenant: str
    idempotency_key: str
    priority: int
    labels: Dict[str, str]
    create_time_unix_micros: int
    start_time_unix_micros: int
    finish_time_unix_micros: int
    message: service_pb2.Job = field(repr=False, compare=False)

    @property
    def terminal(self):
        """True when the job SUCCEEDED, FAILED or was CANCELLED."""
        return self.state in TERMINAL_STATES

    @classmethod
    def from_message(cls, job):
        """The JobStatus of a qgrad.v1.Job message."""
        return cls(id=job.id, state=state_name(job.state), error=job.error,
                   iterations_done=job.iterations_done,
                   last_event_sequence=job.last_event_sequence, backend=job.backend,
                   tenant=job.tenant, idempotency_key=job.idempotency_key,
                   priority=job.priority, labels=dict(job.labels),
                   create_time_unix_micros=job.create_time_unix_micros,
                   start_time_unix_micros=job.start_time_unix_micros,
                   finish_time_unix_micros=job.finish_time_unix_micros, message=job)


@dataclass(frozen=True)
class Usage:
    """What jobs spent (qgrad.v1.JobUsage): CPU seconds of the server's worker thread,
    measurement shots and circuits submitted to backends (shadows mode; 0 for exact jobs)."""
    cpu_seconds: float
    shots: int
    circuits: int

    @classmethod
    def from_message(cls, usage):
        """The Usage of a qgrad.v1.JobUsage message."""
        return cls(cpu_seconds=usage.cpu_seconds, shots=usage.shots, circuits=usage.circuits)


@dataclass(frozen=True)
class UsageReport:
    """GetUsage's answer: the caller's tenant's totals over its jobs (every state), how
    many jobs they cover, and one job's usage when one was asked for (else None)."""
    tenant: Usage
    jobs: int
    job: Optional[Usage]


@dataclass(frozen=True)
class Event:
    """One entry of a job's event log: a state change or one outer iteration.

    sequence numbers a job's events 1, 2, 3, ... without gaps. Exactly one of state (a
    short JobState name, as in JobStatus) and iteration (a qgrad.v1.IterationEvent: cost,
    indicator, fidelity, layers, ...) is set; error says why with FAILED / CANCELLED.
    message is the qgrad.v1.JobEvent itself.
    """
    job_id: str
    sequence: int
    time_unix_micros: int
    state: Optional[str]
    iteration: Optional[job_pb2.IterationEvent]
    error: str
    message: service_pb2.JobEvent = field(repr=False, compare=False)

    @classmethod
    def from_message(cls, event):
        """The Event of a qgrad.v1.JobEvent message."""
        kind = event.WhichOneof("kind")
        return cls(job_id=event.job_id, sequence=event.sequence,
                   time_unix_micros=event.time_unix_micros,
                   state=state_name(event.state) if kind == "state" else None,
                   iteration=event.iteration if kind == "iteration" else None,
                   error=event.error, message=event)


def parse_spec(spec):
    """A qgrad.v1.JobSpec from a JobSpec, a dict (proto3 JSON form), a JSON string, or the
    path (str or os.PathLike) of a JSON file, as `qgrad run` reads them.

    Raises InvalidArgument (code INVALID_ARGUMENT, raised here, not by the server) when
    the JSON does not parse as a JobSpec; FileNotFoundError for a missing file."""
    if isinstance(spec, job_pb2.JobSpec):
        return spec
    where = "spec"
    try:
        if isinstance(spec, dict):
            return json_format.ParseDict(spec, job_pb2.JobSpec())
        if isinstance(spec, str) and spec.lstrip().startswith("{"):
            return json_format.Parse(spec, job_pb2.JobSpec())
        if isinstance(spec, (str, os.PathLike)):
            where = os.fspath(spec)
            with open(spec, encoding="utf-8") as f:
                return json_format.Parse(f.read(), job_pb2.JobSpec())
    except json_format.ParseError as e:
        raise errors.InvalidArgument(grpc.StatusCode.INVALID_ARGUMENT,
                                     f"{where}: {e}") from None
    raise TypeError(f"spec must be a JobSpec, dict, JSON string or path, not "
                    f"{type(spec).__name__}")


def _read_pem(value):
    """PEM bytes from bytes or a file path; None stays None."""
    if value is None or isinstance(value, bytes):
        return value
    with open(value, "rb") as f:
        return f.read()


class Client:
    """A connection to a qgradd server.

        with qgrad.Client("127.0.0.1:50051", token="...") as client:
            job = client.submit("examples/maxcut.json")
            for event in job.watch():
                ...

    server: "host:port". token: the bearer token (sent as `authorization: Bearer TOKEN`
    on every call); None when the server has no tokens file. Without any tls_* argument
    the channel is plaintext (qgradd allows that on loopback only). tls_ca: PEM (bytes
    or a file path) of the CA that signed the server's certificate, or True for the
    system's roots. tls_cert, tls_key: the client certificate and key for mutual TLS.
    tls_server_name: the name to verify in the server's certificate, when it differs
    from the host in `server`. timeout: seconds per unary call (DeadlineExceeded after).

    Every call raises a qgrad.errors.QgradError subclass on failure.
    """

    def __init__(self, server, token=None, *, tls_ca=None, tls_cert=None, tls_key=None,
                 tls_server_name=None, timeout=DEFAULT_TIMEOUT):
        options = [("grpc.max_receive_message_length", _MAX_RECEIVE_BYTES)]
        if tls_ca is None and tls_cert is None and tls_key is None:
            self._channel = grpc.insecure_channel(server, options=options)
        else:
            if tls_server_name:
                options.append(("grpc.ssl_target_name_override", tls_server_name))
            credentials = grpc.ssl_channel_credentials(
                root_certificates=None if tls_ca is True else _read_pem(tls_ca),
                private_key=_read_pem(tls_key), certificate_chain=_read_pem(tls_cert))
            self._channel = grpc.secure_channel(server, credentials, options=options)
        self._metadata = (("authorization", "Bearer " + token),) if token else ()
        self._jobs = service_pb2_grpc.JobServiceStub(self._channel)
        self._backends = service_pb2_grpc.BackendServiceStub(self._channel)
        self.timeout = timeout

    def close(self):
        """Closes the channel; calls in flight are cancelled."""
        self._channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _call(self, method, request, timeout=None):
        """One unary call with the token and timeout; RpcError → QgradError."""
        try:
            return method(request, metadata=self._metadata, timeout=timeout or self.timeout)
        except grpc.RpcError as e:
            raise errors.from_rpc_error(e) from None

    def submit(self, spec, *, idempotency_key=None, labels=None, priority=0,
               deadline_seconds=0, backend=""):
        """Submits a job and returns its Job handle.

        spec: see parse_spec (dict, JSON string, path, or JobSpec). idempotency_key: the
        same key (per tenant) returns the job first submitted with it instead of a new
        one (Job.created is then False). labels: dict of str → str (keys [a-z0-9_.-]).
        priority: -100..100, higher runs first. deadline_seconds: cancel the job this
        long after submission (0: never). backend: "" for the server's default.
        Raises InvalidArgument (the message names the field path), ResourceExhausted, ...
        """
        request = service_pb2.SubmitJobRequest(
            spec=parse_spec(spec), idempotency_key=idempotency_key or "",
            labels=labels or {}, priority=priority, deadline_seconds=deadline_seconds,
            backend=backend)
        response = self._call(self._jobs.SubmitJob, request)
        return Job(self, response.job.id, created=response.created)

    def job(self, job_id):
        """The Job handle of an existing job id (no call is made; a wrong id raises
        NotFound at the handle's first call)."""
        return Job(self, job_id)

    def list_jobs(self, states=None, labels=None, page_size=100) -> Iterator[JobStatus]:
        """Every job of the caller's tenant, oldest first, as JobStatus (spec omitted),
        fetching pages of page_size (1..1000) as the iteration goes on.

        states: names ("running", "QUEUED", ...) or JobState values; any of them matches
        (None: all). labels: dict that every listed job's labels must contain."""
        request = service_pb2.ListJobsRequest(
            page_size=page_size, states=[state_value(s) for s in states or ()],
            labels=labels or {})
        while True:
            response = self._call(self._jobs.ListJobs, request)
            for job in response.jobs:
                yield JobStatus.from_message(job)
            if not response.next_page_token:
                return
            request.page_token = response.next_page_token

    def usage(self, job_id=None) -> UsageReport:
        """What the caller's jobs spent (GetUsage): the tenant's totals, and job_id's
        usage when given (NotFound for a job the caller does not own)."""
        response = self._call(self._jobs.GetUsage,
                              service_pb2.GetUsageRequest(job_id=job_id or ""))
        return UsageReport(tenant=Usage.from_message(response.tenant), jobs=response.jobs,
                           job=Usage.from_message(response.job) if job_id else None)

    def backends(self) -> List[service_pb2.Backend]:
        """The server's backends as qgrad.v1.Backend messages (name, description,
        max_qubits, native_gates, max_shots, status, exact)."""
        return list(self._call(self._backends.ListBackends,
                               service_pb2.ListBackendsRequest()).backends)


class Job:
    """A handle on one job of a Client: its id and the calls about it.

    created: from Client.submit, False when an idempotency key matched an existing job;
    None for handles from Client.job().
    """

    def __init__(self, client, job_id, created=None):
        self.client = client
        self.id = job_id
        self.created = created

    def __repr__(self):
        return f"Job({self.id!r})"

    def _request(self, message_type, **fields):
        return message_type(job_id=self.id, **fields)

    def status(self) -> JobStatus:
        """The job's current record (GetJob) as a JobStatus. Raises NotFound for an
        unknown job, or another tenant's."""
        return JobStatus.from_message(
            self.client._call(self.client._jobs.GetJob, self._request(service_pb2.GetJobRequest)))

    def cancel(self) -> JobStatus:
        """Cancels the job (a no-op for a finished one); returns its record afterwards."""
        response = self.client._call(self.client._jobs.CancelJob,
                                     self._request(service_pb2.CancelJobRequest))
        return JobStatus.from_message(response.job)

    def usage(self) -> Usage:
        """What this job spent so far (CPU seconds, shots, circuits)."""
        return self.client.usage(self.id).job

    def result(self, as_dict=False):
        """The qgrad.v1.JobResult of a SUCCEEDED job (FailedPrecondition otherwise); with
        as_dict=True its proto3 JSON form as a dict (lowerCamelCase keys, as the
        `qgrad result` files)."""
        result = self.client._call(self.client._jobs.GetJobResult,
                                   self._request(service_pb2.GetJobResultRequest))
        return json_format.MessageToDict(result) if as_dict else result

    def watch(self, after_sequence=0, *, max_retries=10) -> Iterator[Event]:
        """Iterates over the job's events with a sequence above after_sequence, stored
        ones first, then live ones, and stops after the terminal state event.

        When the stream breaks (UNAVAILABLE, or it ends before the terminal event) it is
        reopened after the last sequence seen, with growing pauses (at most max_retries
        in a row), so every event arrives exactly once and in order. Each reconnection
        is logged at WARNING on the "qgrad" logger. Other errors raise at once."""
        return self._watch(after_sequence, max_retries, deadline=None)

    def wait(self, timeout=None) -> JobStatus:
        """Blocks until the job is terminal and returns its final JobStatus. Raises
        DeadlineExceeded (also a TimeoutError) after timeout seconds (None: no limit)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        status = self.status()
        if not status.terminal:
            try:
                for _ in self._watch(status.last_event_sequence, 10, deadline):
                    pass
            except errors.DeadlineExceeded:
                raise errors.DeadlineExceeded(
                    grpc.StatusCode.DEADLINE_EXCEEDED,
                    f"job {self.id} not finished after {timeout} s") from None
            status = self.status()
        return status

    def _watch(self, after_sequence, max_retries, deadline):
        """watch() with an optional time.monotonic() deadline on the whole iteration."""
        last, failures = after_sequence, 0
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            stream = self.client._jobs.WatchJob(
                self._request(service_pb2.WatchJobRequest, after_sequence=last),
                metadata=self.client._metadata, timeout=remaining)
            try:
                for message in stream:
                    if message.sequence <= last:
                        continue  # a server may replay an overlap; never yield twice
                    last, failures = message.sequence, 0
                    event = Event.from_message(message)
                    yield event
                    if event.state in TERMINAL_STATES:
                        return
                status = self.status()  # a clean end: finished, or cut off?
                if status.terminal and status.last_event_sequence <= last:
                    return
                cause = "stream ended before the terminal event"
            except grpc.RpcError as e:
                if e.code() != grpc.StatusCode.UNAVAILABLE:
                    raise errors.from_rpc_error(e) from None
                cause = e.details()
            finally:
                stream.cancel()  # also when the caller stops iterating early
            failures += 1
            if failures > max_retries:
                raise errors.Unavailable(
                    grpc.StatusCode.UNAVAILABLE,
                    f"watch of {self.id}: gave up after {max_retries} reconnections ({cause})")
            delay = min(5.0, 0.1 * 2 ** (failures - 1)) * random.uniform(0.5, 1.0)
            if deadline is not None and time.monotonic() + delay >= deadline:
                raise errors.DeadlineExceeded(grpc.StatusCode.DEADLINE_EXCEEDED,
                                              f"watch of {self.id}: deadline passed ({cause})")
            _log.warning("watch of %s: connection lost (%s); resuming after event %d in %.1fs",
                         self.id, cause, last, delay)
            time.sleep(delay)
