"""A database that is away is UNAVAILABLE to the caller (retry), not INTERNAL (a bug)."""

from __future__ import annotations

import asyncpg
import pytest
from chassis.grpc_server import database_away


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connection refused"),
        ConnectionResetError(104, "Connection reset by peer"),
        TimeoutError(),
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle"),
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
        asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator"),
        asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already"),
        asyncpg.InterfaceError("cannot call Connection.fetch(): connection is closed"),
    ],
)
def test_the_database_away_is_recognised(error: BaseException) -> None:
    assert database_away(error)


@pytest.mark.parametrize(
    "error",
    [
        ValueError("a bug"),
        KeyError("academy_id"),
        asyncpg.exceptions.UniqueViolationError("duplicate key value"),
        asyncpg.InterfaceError("the server expects 2 arguments for this query, 1 was passed"),
    ],
)
def test_a_bug_is_not_mistaken_for_the_database_away(error: BaseException) -> None:
    assert not database_away(error)
