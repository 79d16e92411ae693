"""The board's inbox table: kept in step with the events, and filled from the
event store when it is first created (a platform that ran before it existed)."""

from __future__ import annotations

from chassis.db import apply_schema
from chassis.envelope import Actor, CausationContext, new_events
from chassis.eventstore import SCHEMA as EVENT_SCHEMA
from chassis.eventstore import PostgresEventStore
from contracts.evaluations.v1 import ActorRef, PhaseChanged, PhaseProposalWithdrawn, PhaseProposed
from evaluations.adapters import proposal_view
from evaluations.adapters.facts_store import SCHEMA as FACTS_SCHEMA

CEO = CausationContext(Actor(subject="ceo@t", role="chief_executive"), "corr")


def _proposed(academy_id: str, proposal_id: str) -> PhaseProposed:
    return PhaseProposed(
        trust_id="t",
        academy_id=academy_id,
        proposal_id=proposal_id,
        current_phase=None,
        proposed_phase="repair",
        reason="progress",
        review="annual",
        framework_version=1,
    )


def _confirmed(academy_id: str, proposal_id: str) -> PhaseChanged:
    board = ActorRef(subject="chair@t", role="trustee")
    return PhaseChanged(
        trust_id="t",
        academy_id=academy_id,
        proposal_id=proposal_id,
        old_phase=None,
        new_phase="repair",
        reason="progress",
        review="annual",
        proposed_by=ActorRef(subject="ceo@t", role="chief_executive"),
        confirmed_by=board,
        framework_version=1,
    )


async def test_the_view_is_filled_from_stored_events_once_and_then_kept_in_step(fresh_db):
    await apply_schema(fresh_db, [*EVENT_SCHEMA, *FACTS_SCHEMA])
    store = PostgresEventStore(fresh_db, "evaluations")
    async with fresh_db.acquire() as conn, conn.transaction():
        await store.append(conn, "academy-a1", 0, new_events([_proposed("a1", "p1")], "a1"), CEO)
        await store.append(conn, "academy-a1", 1, new_events([_confirmed("a1", "p1")], "a1"), CEO)
        await store.append(conn, "academy-a2", 0, new_events([_proposed("a2", "p2")], "a2"), CEO)

    await apply_schema(fresh_db, proposal_view.SCHEMA)
    await apply_schema(fresh_db, proposal_view.SCHEMA)  # a restart: no second fill
    async with fresh_db.acquire() as conn:
        rows = await conn.fetch("SELECT academy_id, status FROM proposal_view ORDER BY 1")
        assert [tuple(r) for r in rows] == [("a1", "confirmed"), ("a2", "open")]
        [waiting] = await proposal_view.open_proposals(conn, "t", None, None, 10)
        assert (waiting["proposal_id"], waiting["proposed_by"]) == ("p2", "ceo@t")

        async with conn.transaction():
            appended = await store.append(
                conn, "academy-a3", 0, new_events([_proposed("a3", "p3")], "a3"), CEO
            )
            await proposal_view.apply(conn, appended)
        waiting = await proposal_view.open_proposals(conn, "t", None, None, 10)
        assert [r["proposal_id"] for r in waiting] == ["p2", "p3"]
        assert [
            r["proposal_id"]
            for r in await proposal_view.open_proposals(conn, "t", ["a3"], None, 10)
        ] == ["p3"]
        after_first = proposal_view.open_proposal_key(waiting[0])
        assert [
            r["proposal_id"]
            for r in await proposal_view.open_proposals(conn, "t", None, after_first, 10)
        ] == ["p3"]

        async with conn.transaction():
            withdrawn = PhaseProposalWithdrawn(
                trust_id="t", academy_id="a2", proposal_id="p2", reason="new evidence"
            )
            appended = await store.append(conn, "academy-a2", 1, new_events([withdrawn], "a2"), CEO)
            await proposal_view.apply(conn, appended)
        waiting = await proposal_view.open_proposals(conn, "t", None, None, 10)
        assert [r["proposal_id"] for r in waiting] == ["p3"]
