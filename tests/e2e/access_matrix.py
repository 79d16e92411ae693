"""What every generated access-matrix test does with one call: make it, and hold
the outcome against the one access policy (access_policy.py), not against the
service's own table (tests/test_access_policy.py compares the two)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from chassis.auth import Role

from . import access_policy

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
    full_method: str,
    role: Role,
    on_own: bool,
    label: str,
) -> None:
    """``full_method`` is ``package.Service/Method``: the policy row to hold it to."""
    expected = access_policy.denies(full_method, role, on_own)
    if expected is None:
        return
    try:
        await call(request, metadata=metadata)
        code, details = grpc.StatusCode.OK, ""
    except grpc.aio.AioRpcError as error:
        code, details = error.code(), error.details() or ""
    where = f"{label} as {role.value} on {'own' if on_own else 'other'} (policy: {full_method})"
    if expected:
        assert code == grpc.StatusCode.PERMISSION_DENIED, f"{where}: {code} {details}"
    else:
        assert code in PAST_ACCESS, f"{where}: {code} {details}"


async def trust_with_two_academies(
    clients: Any,
    store: dict[str, str],
    prefix: str,
    urns: tuple[str, str],
    known_to: Callable[[Any, str], Awaitable[Any]],
) -> dict[str, str]:
    """Once per module: a trust (seed 003) with an own and another academy, ready in
    the service under test (``known_to(caller, academy_id)`` answers)."""
    from trust.academies.v1 import academies_pb2 as apb
    from trust_local.clients import eventually

    if store:
        return store
    trust_id = f"{prefix}-{uuid.uuid4().hex[:8]}"
    ceo = clients.caller(f"ceo@{prefix}", Role.CHIEF_EXECUTIVE, trust_id)
    await clients.academies.CreateTrust(
        apb.CreateTrustRequest(trust_id=trust_id, name=prefix, framework="seed-003-aspire"),
        metadata=ceo.metadata,
    )
    ids = []
    for urn in urns:
        academy = await clients.academies.RegisterAcademy(
            apb.RegisterAcademyRequest(
                trust_id=trust_id,
                urn=urn,
                name=f"{prefix}{urn}",
                phase_of_education="primary",
                local_authority="Kent",
                date_joined="2020-09-01",
            ),
            metadata=ceo.metadata,
        )
        ids.append(academy.academy_id)
    # The service under test learns the academies from Kafka: wait until it knows both.
    for academy_id in ids:
        await eventually(lambda academy_id=academy_id: known_to(ceo, academy_id))
    store.update(trust_id=trust_id, own=ids[0], other=ids[1])
    return store
