"""Given a trust's facts recorded version after version in PostgreSQL, when the
board's readings are taken in one query (BoardStore.readings: current versions,
the history walked only for facts recorded again since), then each reading is
what a plain walk of the history gives at its time (BoardStore.facts), and a
reading marked lines-only is that without the kinds no rating line reads."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from chassis.envelope import Actor, EventEnvelope
from reporting.adapters.board_store import BoardStore, board_schema_statements
from reporting.domain.board_facts import Fact
from reporting.domain.board_report import NOT_IN_LINES

TRUST = "oak"
YEARS = ("2025/26", "2026/27")
T0 = dt.datetime(2026, 9, 1, 8, tzinfo=dt.UTC)


def envelope(event_type: str, occurred_at: dt.datetime, **payload: Any) -> EventEnvelope:
    return EventEnvelope(
        event_id=uuid.uuid4(),
        event_type=event_type,
        schema_version=1,
        stream="s-1",
        stream_position=1,
        global_position=1,
        source=event_type.split(".")[0],
        key=TRUST,
        occurred_at=occurred_at,
        actor=Actor(subject="lead", role="improvement_lead"),
        correlation_id="test",
        payload={"trust_id": TRUST, **payload},
    )


def a_year(rng: random.Random) -> list[EventEnvelope]:
    """Academies with actions, meetings, entitlement and phases, each fact
    changed again on later days (a clock that only moves on, as one topic's)."""
    events: list[EventEnvelope] = []
    day = 0

    def later(event_type: str, **payload: Any) -> None:
        nonlocal day
        day += rng.randint(0, 3)  # several on one day too
        at = T0 + dt.timedelta(days=day, minutes=len(events))
        events.append(envelope(event_type, at, **payload))

    later("academies.TrustCreated", name="Oak Trust")
    academies = [f"a{n}" for n in range(4)]
    for academy in academies:
        later("academies.AcademyRegistered", academy_id=academy, name=academy.upper())
    for n in range(40):
        academy = rng.choice(academies)
        raised = (T0 + dt.timedelta(days=day)).date()
        action, meeting = f"act-{n}", f"m-{n}"
        later(
            "meetings.ActionRaised",
            academy_id=academy,
            action_id=action,
            title=f"action {n}",
            owner={"subject": "head", "role": "headteacher"},
            raised_on=raised.isoformat(),
            due_on=(raised + dt.timedelta(days=14)).isoformat(),
        )
        later(
            "meetings.MeetingScheduled",
            academy_id=academy,
            meeting_id=meeting,
            meeting_type="lgb",
            academic_year="2026/27",
            term="autumn",
            scheduled_for=(raised + dt.timedelta(days=7)).isoformat(),
            origin="cadence",
        )
        later("support.EntitlementUsed", academy_id=academy, academic_year="2026/27", days="0.50")
        if rng.random() < 0.6:
            later(
                "meetings.ActionCarriedForward",
                academy_id=academy,
                action_id=action,
                due_on=(raised + dt.timedelta(days=30)).isoformat(),
            )
        if rng.random() < 0.5:
            later(
                "meetings.MeetingHeld",
                academy_id=academy,
                meeting_id=meeting,
                held_on=(raised + dt.timedelta(days=7)).isoformat(),
                meeting_type="lgb",
                academic_year="2026/27",
                term="autumn",
            )
        if rng.random() < 0.3:
            later("evaluations.PhaseChanged", academy_id=academy, new_phase=rng.choice("abc"))
    return events


def plain(facts: list[Fact], lines_only: bool) -> list[tuple[Any, ...]]:
    return sorted(
        (f.academy_id, f.kind, f.key, f.academic_year, repr(f.value))
        for f in facts
        if not (lines_only and f.kind in NOT_IN_LINES)
    )


async def test_readings_are_the_history_walked_at_each_time(fresh_db):
    rng = random.Random(12)
    store = BoardStore()
    async with fresh_db.acquire() as conn:
        for statement in board_schema_statements():
            await conn.execute(statement)
        events = a_year(rng)
        for event in events:
            async with conn.transaction():
                await store.project(conn, event)
        first, last = events[0].occurred_at, events[-1].occurred_at
        for _ in range(12):
            # Random times: between versions, on them, before the first, after the last.
            times = [
                first + (last - first) * rng.uniform(-0.05, 1.05),
                rng.choice(events).occurred_at,
                last + dt.timedelta(days=1),
            ]
            rng.shuffle(times)
            lines_only = [rng.random() < 0.5 for _ in times]
            readings = await store.readings(conn, TRUST, YEARS, times, lines_only)
            for when, only, found in zip(times, lines_only, readings, strict=True):
                expected = await store.facts(conn, TRUST, YEARS, when)
                assert plain(found, only) == plain(expected, only)
                assert len(found) == len(plain(found, only))  # nothing left out was read
