"""What every use case on a meeting starts from: whose meeting it is, whether the
caller reaches it (the access table's row, with the meeting's academy or trust),
the trust's framework in force, and the academy as meetings knows it; and the
one way a decision on a meeting is appended, with the meeting list kept in step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from chassis.access import Access
from chassis.aggregate import Decided, Session, execute
from chassis.auth import Principal
from chassis.envelope import CausationContext
from chassis.errors import AlreadyExists, FailedPrecondition, NotFound, PermissionDenied
from contracts.base import EventPayload
from contracts.meetings.v1 import Person
from trust_frameworks.model import MeetingType
from trustfacts.model import AcademyFacts, TrustFramework
from trustfacts.ports import FactsReader

from meetings.application.ports import MeetingList, MeetingRow, Ports
from meetings.application.streams import MeetingRecord, key_of, meetings_of
from meetings.domain.facts import Party, party_of, trust
from meetings.domain.meeting import MeetingState
from meetings.entrypoints.access import RUN

# Those who run an academy's meetings whatever their chair: the chief executive
# and the academy's improvement leads. A provider acts only on the types it chairs.
RUNS_MEETINGS = frozenset(RUN)


def person(principal: Principal) -> Person:
    """The caller as the events name people."""
    return Person(subject=principal.subject, role=principal.role.value)


def require_party(
    rule: Access, principal: Principal, trust_id: str, academy_id: str | None
) -> None:
    """An academy's meeting: the academy in the caller's reach; a trust-wide one:
    the caller's trust."""
    if academy_id is None:
        rule.require_trust(principal, trust_id)
    else:
        rule.require_academy(principal, trust_id, academy_id)


async def framework_of(facts: FactsReader, trust_id: str) -> TrustFramework:
    found = await facts.framework(trust_id)
    if found is None:
        raise FailedPrecondition(
            f"trust {trust_id} has no framework known to meetings yet (not created?)"
        )
    return found


async def academy_in_reach(
    facts: FactsReader, principal: Principal, rule: Access, trust_id: str, academy_id: str
) -> AcademyFacts:
    academy = await facts.academy(academy_id)
    if academy is None:
        raise NotFound(f"academy {academy_id} is not known to meetings (not registered?)")
    rule.require_academy(principal, academy.trust_id, academy_id)
    if academy.trust_id != trust_id:
        raise NotFound(f"academy {academy_id} is not in trust {trust_id}")
    return academy


@dataclass(frozen=True)
class PartyInReach:
    party: Party
    framework: TrustFramework
    academy: AcademyFacts | None  # None: the trust, for its trust-wide meetings


async def party_in_reach(
    facts: FactsReader, principal: Principal, rule: Access, trust_id: str, academy_id: str | None
) -> PartyInReach:
    """An academy (in reach, with its phases) or the trust (the caller's)."""
    rule.require_trust(principal, trust_id)
    if academy_id is None:
        return PartyInReach(trust(trust_id), await framework_of(facts, trust_id), None)
    academy = await academy_in_reach(facts, principal, rule, trust_id, academy_id)
    framework = await framework_of(facts, trust_id)
    party = party_of(framework, academy, await facts.history(academy_id))
    return PartyInReach(party, framework, academy)


@dataclass(frozen=True)
class MeetingInReach:
    row: MeetingRow
    framework: TrustFramework
    academy: AcademyFacts | None

    @property
    def meeting_id(self) -> str:
        return self.row.meeting_id

    @property
    def academy_id(self) -> str | None:
        return self.row.academy_id

    @property
    def meeting_type(self) -> MeetingType:
        found = self.framework.meeting_type(self.row.meeting_type)
        if found is None:
            raise FailedPrecondition(
                f"meeting type {self.row.meeting_type!r} is no longer in the trust's framework "
                f"(version {self.framework.version})"
            )
        return found


async def meeting_in_reach(
    ports: Ports, principal: Principal, rule: Access, meeting_id: str
) -> MeetingInReach:
    row = await ports.meetings.locate(meeting_id)
    if row is None:
        raise NotFound(f"there is no meeting {meeting_id}")
    require_party(rule, principal, row.trust_id, row.academy_id)
    academy = await ports.facts.academy(row.academy_id) if row.academy_id else None
    return MeetingInReach(row, await framework_of(ports.facts, row.trust_id), academy)


def require_runs(principal: Principal, meeting_type: MeetingType, doing: str) -> None:
    """The chief executive and improvement leads act on any meeting they reach;
    another role (a provider) only on a type it chairs."""
    if principal.role in RUNS_MEETINGS:
        return
    if principal.role.value != meeting_type.chair_role:
        raise PermissionDenied(
            f"{doing}: the {meeting_type.id} is chaired by the {meeting_type.chair_role}; "
            f"you are {principal.role}"
        )


def row_of(state: MeetingState) -> MeetingRow:
    plan = state.plan
    assert plan is not None
    return MeetingRow(
        meeting_id=state.meeting_id,
        trust_id=plan.trust_id,
        academy_id=plan.academy_id,
        meeting_type=plan.meeting_type,
        academic_year=plan.academic_year,
        scheduled_for=plan.scheduled_for,
        status=state.status.value,
    )


async def keep_row(meetings: MeetingList, session: Session, state: MeetingState) -> None:
    if not await meetings.save(session.conn, row_of(state)):
        raise AlreadyExists(f"meeting {state.meeting_id} already exists (another party's)")


async def on_meeting(
    ports: Ports,
    where: MeetingInReach,
    decide: Callable[[MeetingState], Sequence[EventPayload]],
    cause: CausationContext,
) -> MeetingRecord:
    """The meeting after ``decide`` (nothing appended when it decides nothing),
    the meeting list updated in the same transaction."""

    async def keep(session: Session, decided: Decided[MeetingRecord]) -> None:
        if decided.events:
            await keep_row(ports.meetings, session, decided.state.meeting)

    decided = await execute(
        ports.store,
        meetings_of(where.academy_id),
        [where.meeting_id],
        lambda loaded: decide(loaded.state.meeting),
        key_of(where.row.trust_id, where.academy_id),
        cause,
        after=keep,
    )
    return decided.state
