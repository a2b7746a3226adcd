"""Typed exceptions for the gRPC status codes of the qgrad job service, mapped in one place
(ERRORS). Every call of qgrad.Client raises a QgradError subclass instead of grpc.RpcError.

Thread-safe: the classes and the mapping are immutable.
"""
import grpc


class QgradError(Exception):
    """A failed call to the qgrad service.

    Attributes:
        code: the grpc.StatusCode.
        details: the server's message (for INVALID_ARGUMENT it names the field path,
            e.g. "spec.problem.max_cut.edges[2].weight: must be finite").
    """

    def __init__(self, code, details):
        super().__init__(f"{code.name}: {details}")
        self.code = code
        self.details = details


class Cancelled(QgradError):
    """CANCELLED: the call (not the job) was cancelled, e.g. by the client."""


class Unknown(QgradError):
    """UNKNOWN: an error the server did not classify."""


class InvalidArgument(QgradError):
    """INVALID_ARGUMENT: a malformed request or spec; details name the field path."""


class DeadlineExceeded(QgradError, TimeoutError):
    """DEADLINE_EXCEEDED: the call's timeout (or Job.wait's) passed first; also a
    TimeoutError."""


class NotFound(QgradError):
    """NOT_FOUND: no such job for this tenant (another tenant's job is NOT_FOUND too)."""


class AlreadyExists(QgradError):
    """ALREADY_EXISTS: not used by qgradd (a repeated idempotency key returns the job)."""


class PermissionDenied(QgradError):
    """PERMISSION_DENIED: the caller may not do this."""


class ResourceExhausted(QgradError):
    """RESOURCE_EXHAUSTED: a limit (qubits, shots, queued jobs, request size) was hit."""


class FailedPrecondition(QgradError):
    """FAILED_PRECONDITION: the job is not in the state the call needs (e.g. the result of
    a job that has not succeeded)."""


class Aborted(QgradError):
    """ABORTED: a conflicting concurrent operation; retrying may succeed."""


class OutOfRange(QgradError):
    """OUT_OF_RANGE: a value past the valid range."""


class Unimplemented(QgradError):
    """UNIMPLEMENTED: the server does not offer this call."""


class Internal(QgradError):
    """INTERNAL: a bug or broken invariant on the server."""


class Unavailable(QgradError):
    """UNAVAILABLE: the server cannot be reached or is shutting down; retrying may succeed."""


class DataLoss(QgradError):
    """DATA_LOSS: unrecoverable data loss or corruption."""


class Unauthenticated(QgradError):
    """UNAUTHENTICATED: missing, malformed or unknown bearer token."""


# The one mapping from status code to exception class.
ERRORS = {
    grpc.StatusCode.CANCELLED: Cancelled,
    grpc.StatusCode.UNKNOWN: Unknown,
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceeded,
    grpc.StatusCode.NOT_FOUND: NotFound,
    grpc.StatusCode.ALREADY_EXISTS: AlreadyExists,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDenied,
    grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhausted,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPrecondition,
    grpc.StatusCode.ABORTED: Aborted,
    grpc.StatusCode.OUT_OF_RANGE: OutOfRange,
    grpc.StatusCode.UNIMPLEMENTED: Unimplemented,
    grpc.StatusCode.INTERNAL: Internal,
    grpc.StatusCode.UNAVAILABLE: Unavailable,
    grpc.StatusCode.DATA_LOSS: DataLoss,
    grpc.StatusCode.UNAUTHENTICATED: Unauthenticated,
}


def from_rpc_error(error):
    """The QgradError for a grpc.RpcError (a QgradError itself for unlisted codes)."""
    code, details = error.code(), error.details() or ""
    return ERRORS.get(code, QgradError)(code, details)
