"""Load for the fault harness: concurrent clients sending a mix of every service's
main commands through the gRPC APIs (some through the gateway), retrying a call
whose outcome they do not know the way the platform tells clients to.

How a client retries (README, "A create call that takes a client-chosen id is
safe to retry with it"; the same rule in the meetings and support contracts):
every command that offers a client-chosen id is sent with one, and a call that
ends UNAVAILABLE or DEADLINE_EXCEEDED (the client cannot know whether it was
applied) is sent again, identical, with the same ``x-correlation-id``: the
service answers the first call's result and appends nothing. ABORTED (an
optimistic-concurrency conflict the service did not resolve) is retried too:
nothing was appended.

Some commands offer no id (CorrectSubmission, HoldMeeting, WithdrawProposal).
They are retried the same way; when the retry is refused after an unknown
outcome (e.g. "the correction does not change any value": the first call had
been applied), the client cannot tell whether it succeeded. Such a command is
recorded as ``ambiguous``, never as acknowledged, and the check still counts
its events (exactly once is the requirement whether or not the client knows).

Only commands answered OK count as acknowledged. Every command is recorded with
the service that owns it, its correlation id and the event types it must have
appended, for trust_local.fault_check.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import grpc
from chassis.correlation import CORRELATION_HEADER
from trust.academies.v1 import academies_pb2 as apb
from trust.academies.v1 import academies_pb2_grpc
from trust.evaluations.v1 import evaluations_pb2 as epb
from trust.evaluations.v1 import evaluations_pb2_grpc
from trust.meetings.v1 import meetings_pb2 as mpb
from trust.meetings.v1 import meetings_pb2_grpc
from trust.support.v1 import support_pb2 as spb
from trust.support.v1 import support_pb2_grpc

from trust_local.clients import Caller
from trust_local.fault_world import (
    BUDGET_LINE,
    COMMISSION_DAYS,
    COMMISSION_PENCE,
    DAY_RATE_PENCE,
    LoadAcademy,
    LoadWorld,
    uid,
)

UNKNOWN_OUTCOME = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)
RETRY_NOTHING_APPENDED = (grpc.StatusCode.ABORTED,)
CALL_DEADLINE_SECONDS = 5.0
GIVE_UP_AFTER_SECONDS = 120.0  # a command still unanswered by then is "unknown"
GATEWAY_SHARE = 0.2  # of the calls that go through the gateway rather than direct


@dataclass
class Command:
    """One logical command, however many times it was sent."""

    name: str
    service: str  # the owning service (its event store must hold the events)
    correlation_id: str
    expects: dict[str, int]  # event type -> how many events it appends
    outcome: str = "pending"  # acknowledged | ambiguous | refused | unknown
    attempts: int = 0
    via_gateway: bool = False
    refusal: str = ""
    unknown_attempts: int = 0


@dataclass
class Stubs:
    academies: Any
    evaluations: Any
    meetings: Any
    support: Any


def stubs_on(channels: dict[str, grpc.aio.Channel]) -> Stubs:
    return Stubs(
        academies_pb2_grpc.AcademiesServiceStub(channels["academies"]),
        evaluations_pb2_grpc.EvaluationsServiceStub(channels["evaluations"]),
        meetings_pb2_grpc.MeetingsServiceStub(channels["meetings"]),
        support_pb2_grpc.SupportServiceStub(channels["support"]),
    )


@dataclass
class Load:
    """Clients sending commands until ``target`` commands were issued."""

    world: LoadWorld
    direct: Stubs
    gateway: Stubs | None
    target: int
    rng: random.Random
    commands: list[Command] = field(default_factory=list)
    _issued: int = 0
    codes: Counter[str] = field(default_factory=Counter)

    def budget_left(self) -> bool:
        return self._issued < self.target

    @property
    def issued(self) -> int:
        return self._issued

    async def run(self) -> None:
        # One client per academy: their commands never race each other's.
        await asyncio.gather(*(self._client(a) for a in self.world.academies))

    async def _client(self, academy: LoadAcademy) -> None:
        chains = (
            self._data_chain,
            self._evaluation_chain,
            self._meeting_chain,
            self._support_chain,
        )
        while self.budget_left():
            await self.rng.choice(chains)(academy)

    # -- sending -----------------------------------------------------------------

    async def send(
        self,
        name: str,
        service: str,
        expects: dict[str, int],
        call: Callable[[Stubs], Callable[..., Awaitable[Any]]],
        request: Any,
        caller: Caller,
    ) -> Any | None:
        """Send until answered; the reply, or None when not acknowledged."""
        self._issued += 1
        via_gateway = self.gateway is not None and self.rng.random() < GATEWAY_SHARE
        command = Command(name, service, str(uuid.uuid4()), expects, via_gateway=via_gateway)
        self.commands.append(command)
        stubs = self.gateway if via_gateway and self.gateway is not None else self.direct
        metadata = (*caller.metadata, (CORRELATION_HEADER, command.correlation_id))
        loop = asyncio.get_running_loop()
        give_up = loop.time() + GIVE_UP_AFTER_SECONDS
        backoff = 0.05
        while True:
            command.attempts += 1
            try:
                reply = await call(stubs)(request, metadata=metadata, timeout=CALL_DEADLINE_SECONDS)
            except grpc.aio.AioRpcError as error:
                code = error.code()
                self.codes[code.name] += 1
                if code in UNKNOWN_OUTCOME or code in RETRY_NOTHING_APPENDED:
                    if code in UNKNOWN_OUTCOME:
                        command.unknown_attempts += 1
                    if loop.time() > give_up:
                        command.refusal = f"{code.name} until given up: {error.details()}"
                        command.outcome = "unknown"
                        return None
                    await asyncio.sleep(backoff * (1 + self.rng.random()))
                    backoff = min(backoff * 2, 1.0)
                    continue
                command.refusal = f"{code.name}: {error.details()}"
                command.outcome = "ambiguous" if command.unknown_attempts else "refused"
                return None
            self.codes["OK"] += 1
            command.outcome = "acknowledged"
            return reply

    # -- the chains: each a piece of a trust's real work -----------------------------

    def _period(self, academy: LoadAcademy) -> apb.Period:
        """A period no submission of this academy has used (one per period and type)."""
        n = academy.next_period
        academy.next_period += 1
        year = 1990 + n // 3
        return apb.Period(
            academic_year=f"{year}/{(year + 1) % 100:02d}",
            term=("autumn", "spring", "summer")[n % 3],
        )

    async def _data_chain(self, academy: LoadAcademy) -> None:
        submission_id = f"sub-{uid()}"
        submitted = await self.send(
            "SubmitData",
            "academies",
            {"academies.DataSubmitted": 1},
            lambda s: s.academies.SubmitData,
            apb.SubmitDataRequest(
                academy_id=academy.academy_id,
                period=self._period(academy),
                return_type="termly_kpi",
                values=apb.DataValues(attendance_percent=95.0),
                submission_id=submission_id,
            ),
            academy.head,
        )
        if submitted is None or not self.budget_left():
            return
        await self.send(
            "CorrectSubmission",
            "academies",
            {"academies.SubmissionCorrected": 1},
            lambda s: s.academies.CorrectSubmission,
            apb.CorrectSubmissionRequest(
                academy_id=academy.academy_id,
                submission_id=submission_id,
                values=apb.DataValues(attendance_percent=96.5),
                reason="register re-checked",
            ),
            academy.head,
        )

    async def _evaluation_chain(self, academy: LoadAcademy) -> None:
        await self.send(
            "JudgeEvaluation",
            "evaluations",
            {"evaluations.EvaluationJudged": 1},
            lambda s: s.evaluations.JudgeEvaluation,
            epb.JudgeEvaluationRequest(
                academy_id=academy.academy_id,
                kind="trust_evaluation",
                academic_year=self.world.academic_year,
                term="autumn",
                judgements={"curriculum_and_teaching": "strong_standard"},
                evidence=["visit"],
                summary="secure",
                evaluation_id=f"eval-{uid()}",
            ),
            academy.lead,
        )
        if not self.budget_left():
            return
        proposal_id = f"prop-{uid()}"
        proposed = await self.send(
            "ProposePhase",
            "evaluations",
            {"evaluations.PhaseProposed": 1},
            lambda s: s.evaluations.ProposePhase,
            epb.ProposePhaseRequest(
                academy_id=academy.academy_id,
                phase="sustain",
                reason="steady progress",
                review="exceptional",
                proposal_id=proposal_id,
            ),
            self.world.ceo,
        )
        if proposed is None:
            return
        # Withdrawn even past the round's budget: an open proposal would refuse the
        # academy's next one (one awaits the board at a time).
        await self.send(
            "WithdrawProposal",
            "evaluations",
            {"evaluations.PhaseProposalWithdrawn": 1},
            lambda s: s.evaluations.WithdrawProposal,
            epb.DecideProposalRequest(
                academy_id=academy.academy_id, proposal_id=proposal_id, reason="not yet"
            ),
            self.world.ceo,
        )

    async def _meeting_chain(self, academy: LoadAcademy) -> None:
        meeting_id = f"meet-{uid()}"
        # Today, a minute from now at the latest, so that it can be held today.
        at = max(
            dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1),
            dt.datetime.combine(self.world.today, dt.time(0, 0), dt.UTC),
        )
        scheduled = await self.send(
            "ScheduleMeeting",
            "meetings",
            {"meetings.MeetingScheduled": 1},
            lambda s: s.meetings.ScheduleMeeting,
            mpb.ScheduleMeetingRequest(
                trust_id=self.world.trust_id,
                academy_id=academy.academy_id,
                meeting_type="quality_assurance_review",
                scheduled_for=at.isoformat(),
                reason="fault harness",
                meeting_id=meeting_id,
            ),
            academy.lead,
        )
        if scheduled is None or not self.budget_left():
            return
        held = await self.send(
            "HoldMeeting",
            "meetings",
            {"meetings.MeetingHeld": 1},
            lambda s: s.meetings.HoldMeeting,
            mpb.HoldMeetingRequest(
                meeting_id=meeting_id,
                held_on=self.world.today.isoformat(),
                attendees=[
                    mpb.Person(subject=academy.lead_subject, role="improvement_lead"),
                    mpb.Person(subject=academy.head_subject, role="headteacher"),
                ],
                focus_areas=["curriculum_and_teaching"],
            ),
            academy.lead,
        )
        if held is None or not self.budget_left():
            return
        await self.send(
            "DraftNotes",
            "meetings",
            {"meetings.NotesDrafted": 1},
            lambda s: s.meetings.DraftNotes,
            mpb.DraftNotesRequest(
                meeting_id=meeting_id,
                text="confidential: discussed at the review",
                notes_id=f"notes-{uid()}",
            ),
            academy.lead,
        )
        if not self.budget_left():
            return
        await self.send(
            "RaiseAction",
            "meetings",
            {"meetings.ActionRaised": 1},
            lambda s: s.meetings.RaiseAction,
            mpb.RaiseActionRequest(
                meeting_id=meeting_id,
                title="Share the plan",
                owner=mpb.Person(subject=academy.head_subject, role="headteacher"),
                due_on=(self.world.today + dt.timedelta(days=14)).isoformat(),
                action_id=f"act-{uid()}",
            ),
            academy.lead,
        )

    async def _support_chain(self, academy: LoadAcademy) -> None:
        request_id = f"req-{uid()}"
        requested = await self.send(
            "RequestSupport",
            "support",
            {"support.SupportRequested": 1},
            lambda s: s.support.RequestSupport,
            spb.RequestSupportRequest(
                academy_id=academy.academy_id,
                need_area="attendance",
                days_wanted="1",
                summary="persistent absence",
                request_id=request_id,
            ),
            academy.head,
        )
        if requested is None or not self.budget_left():
            return
        commission_id = f"com-{uid()}"
        today = self.world.today.isoformat()
        commissioned = await self.send(
            "CommissionSupport",
            "support",
            {"support.SupportCommissioned": 1, "support.ProviderCapacityBooked": 1},
            lambda s: s.support.CommissionSupport,
            spb.CommissionSupportRequest(
                academy_id=academy.academy_id,
                need_area="attendance",
                provider_id=academy.provider_id,
                days=COMMISSION_DAYS,
                day_rate_pence=DAY_RATE_PENCE,
                budget_line=BUDGET_LINE,
                starts_on=today,
                ends_on=today,
                commission_id=commission_id,
            ),
            academy.lead,
        )
        if commissioned is None or not self.budget_left():
            return
        delivered = await self.send(
            "LogDelivery",
            "support",
            {"support.SupportDelivered": 1},
            lambda s: s.support.LogDelivery,
            spb.LogDeliveryRequest(
                commission_id=commission_id, days=COMMISSION_DAYS, delivery_id=f"del-{uid()}"
            ),
            academy.provider,
        )
        if delivered is None or not self.budget_left():
            return
        await self.send(
            "RecordInvoice",
            "support",
            {"support.InvoiceRecorded": 1},
            lambda s: s.support.RecordInvoice,
            spb.RecordInvoiceRequest(
                provider_id=academy.provider_id,
                invoice_number=f"INV-{uid()}",
                commission_id=commission_id,
                amount_pence=COMMISSION_PENCE,
                days_covered=COMMISSION_DAYS,
                invoice_id=f"inv-{uid()}",
            ),
            self.world.finance,
        )
