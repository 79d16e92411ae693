"""What every generated access-matrix test does with one call: make it, and hold
the outcome against what the service's access table promises (Access.denies)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from chassis.access import Access
from chassis.auth import Role

# Past the access check, a call may still be refused for what it asks.
PAST_ACCESS = frozenset(
    {
        grpc.StatusCode.OK,
        grpc.StatusCode.INVALID_ARGUMENT,
        grpc.StatusCode.NOT_FOUND,
        grpc.StatusCode.ALREADY_EXISTS,
        grpc.StatusCode.FAILED_PRECONDITION,
    }
)


async def check_cell(
    call: Callable[..., Awaitable[Any]],
    request: Any,
    metadata: Any,
    rule: Access,
    role: Role,
    on_own: bool,
    label: str,
) -> None:
    expected = rule.denies(role, on_own)
    if expected is None:
        return
    try:
        await call(request, metadata=metadata)
        code, details = grpc.StatusCode.OK, ""
    except grpc.aio.AioRpcError as error:
        code, details = error.code(), error.details() or ""
    where = f"{label} as {role.value} on {'own' if on_own else 'other'}"
    if expected:
        assert code == grpc.StatusCode.PERMISSION_DENIED, f"{where}: {code} {details}"
    else:
        assert code in PAST_ACCESS, f"{where}: {code} {details}"
