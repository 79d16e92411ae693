"""Domain and application errors with the gRPC status each one maps to.

Services raise these; the gRPC bootstrap turns them into a status code and the
message, so a client always learns what was wrong and nothing is appended.
"""

from __future__ import annotations

import grpc


class DomainError(Exception):
    """A request that the rules refuse. Subclasses choose the status code."""

    status: grpc.StatusCode = grpc.StatusCode.FAILED_PRECONDITION

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidArgument(DomainError):
    status = grpc.StatusCode.INVALID_ARGUMENT


class NotFound(DomainError):
    status = grpc.StatusCode.NOT_FOUND


class AlreadyExists(DomainError):
    status = grpc.StatusCode.ALREADY_EXISTS


class FailedPrecondition(DomainError):
    status = grpc.StatusCode.FAILED_PRECONDITION


class PermissionDenied(DomainError):
    status = grpc.StatusCode.PERMISSION_DENIED


class Unauthenticated(DomainError):
    status = grpc.StatusCode.UNAUTHENTICATED


class ConcurrencyConflict(DomainError):
    """Another writer appended to the stream first (stale expected version)."""

    status = grpc.StatusCode.ABORTED
