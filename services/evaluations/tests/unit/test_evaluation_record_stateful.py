"""An academy's evaluation record under any sequence of commands: judgements,
phase proposals and their confirmation, rejection or withdrawal (per subject
too), formal interventions and concerns.

A hypothesis state machine drives the pure domain (evaluations.domain) as the
handlers compose it (a retried call with its id answers again and appends
nothing), with generated arguments, invalid ones included, on seed 001's
framework (it phases per subject). After every step the invariants below must
hold.

``TRUST_STATEFUL_EXAMPLES`` (default 50) sets the number of sequences tried, e.g.
``TRUST_STATEFUL_EXAMPLES=1000 .venv/bin/python -m pytest -q -p no:cacheprovider
services/evaluations/tests/unit/test_evaluation_record_stateful.py``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import replace

from chassis.auth import Principal, Role
from chassis.errors import DomainError
from contracts.base import EventPayload
from contracts.evaluations.v1 import (
    EVALUATIONS_EVENTS,
    ConcernRaised,
    EvaluationJudged,
    FormalInterventionEnded,
    FormalInterventionStarted,
    PhaseChanged,
    PhaseProposalRejected,
    PhaseProposalWithdrawn,
    PhaseProposed,
)
from evaluations.domain import decisions, intervention
from evaluations.domain.decisions import DecideProposal, JudgeEvaluation, ProposePhase
from evaluations.domain.facts import AcademyFacts, TrustFramework
from evaluations.domain.intervention import EndFormalIntervention, Notice, StartFormalIntervention
from evaluations.domain.state import EvaluationState, evolve
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from trust_frameworks.loader import presets

EXAMPLES = int(os.environ.get("TRUST_STATEFUL_EXAMPLES", "50"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    stateful_step_count=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TODAY = dt.date(2026, 11, 23)
TRUST = TrustFramework("t1", 1, presets()["seed-001-carter"])
CEO = Principal("ceo@t1", Role.CHIEF_EXECUTIVE, "t1", frozenset())
BOARD = Principal("chair@t1", Role.TRUSTEE, "t1", frozenset())
HEAD = Principal("head@a1", Role.HEADTEACHER, "t1", frozenset({"a1"}))
LEAD = Principal("aip@t1", Role.IMPROVEMENT_LEAD, "t1", frozenset({"a1"}))
# A concern's text is confidential: it must never reach an event.
CONCERN_TEXT = "CONFIDENTIAL-concern-about-safeguarding"

IDS = st.sampled_from(["x1", "x2", "x3"])
# Mostly valid arguments, so that sequences get far; the invalid ones still come often.
PHASES = st.sampled_from(["sustain", "improve", "repair", "stabilise", "category_9"])
SUBJECTS = st.sampled_from([None, None, "maths", "english"])
TEXT = st.sampled_from(["evidence from the data", "a second look", "reviewed", "", "   "])
DAYS = st.sampled_from([None, TODAY, TODAY - dt.timedelta(days=30), TODAY + dt.timedelta(days=1)])
AREAS = st.sampled_from(["inclusion", "achievement", "attendance_and_behaviour", "sixth_form", "x"])
GRADES = st.sampled_from(["strong_standard", "needs_attention", "expected_standard", "good", ""])


class EvaluationRecord(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.academy = AcademyFacts("a1", "t1", "Alder Academy", "primary", True)
        self.state = EvaluationState("a1")
        self.recorded: list[tuple[EventPayload, Principal]] = []
        self.left_at = 10**9  # how many events the record held when the academy left

    def _apply(self, by: Principal, decide: Callable[[], list[EventPayload]]) -> list[EventPayload]:
        """Decide and fold; a refusal must be a DomainError (never a crash) and
        leave the record as it was."""
        before, length = self.state, len(self.recorded)
        try:
            events = decide()
        except DomainError:
            assert self.state is before and len(self.recorded) == length
            return []
        for event in events:
            self.state = evolve(self.state, event, by.actor)
            self.recorded.append((event, by))
        return events

    # -- commands --------------------------------------------------------------------

    @rule(
        by=st.sampled_from([LEAD, LEAD, HEAD, BOARD]),
        evaluation_id=IDS,
        kind=st.sampled_from(["trust_evaluation", "trust_evaluation", "self_evaluation", "gossip"]),
        year=st.sampled_from(["2026/27", "2026/27", "2026/28"]),
        judgements=st.dictionaries(AREAS, GRADES, max_size=2),
        summary=TEXT,
    )
    def judge(
        self,
        by: Principal,
        evaluation_id: str,
        kind: str,
        year: str,
        judgements: dict[str, str],
        summary: str,
    ) -> None:
        command = JudgeEvaluation(
            "a1", evaluation_id, kind, year, "autumn", judgements, [], summary
        )

        def decide() -> list[EventPayload]:
            if decisions.repeated_judgement(self.state, by, command) is not None:
                return []
            return decisions.decide_judge(self.academy, TRUST, by, command)

        self._apply(by, decide)

    @rule(
        proposal_id=IDS,
        phase=PHASES,
        subject=SUBJECTS,
        reason=TEXT,
        review=st.sampled_from(["annual", "exceptional", "whenever"]),
    )
    def propose(
        self, proposal_id: str, phase: str, subject: str | None, reason: str, review: str
    ) -> None:
        command = ProposePhase("a1", proposal_id, phase, reason, review, subject)

        def decide() -> list[EventPayload]:
            if decisions.repeated_proposal(self.state, command) is not None:
                return []
            return decisions.decide_propose(self.academy, TRUST, self.state, command)

        self._apply(CEO, decide)

    @rule(by=st.sampled_from([BOARD, BOARD, CEO, HEAD]), proposal_id=IDS | st.just("x9"))
    def confirm(self, by: Principal, proposal_id: str) -> None:
        command = DecideProposal("a1", proposal_id, "")
        self._apply(
            by, lambda: decisions.decide_confirm(self.academy, TRUST, self.state, by, command)
        )

    @rule(proposal_id=IDS, reason=TEXT)
    def reject(self, proposal_id: str, reason: str) -> None:
        command = DecideProposal("a1", proposal_id, reason)
        self._apply(BOARD, lambda: decisions.decide_reject(self.state, "t1", command))

    @rule(proposal_id=IDS, reason=TEXT)
    def withdraw(self, proposal_id: str, reason: str) -> None:
        command = DecideProposal("a1", proposal_id, reason)
        self._apply(CEO, lambda: decisions.decide_withdraw(self.state, "t1", command))

    @rule(intervention_id=IDS, reason=TEXT, issued_on=DAYS, started_on=DAYS)
    def start_intervention(
        self,
        intervention_id: str,
        reason: str,
        issued_on: dt.date | None,
        started_on: dt.date | None,
    ) -> None:
        notice = Notice(issued_on or TODAY, "letter 7")
        command = StartFormalIntervention("a1", intervention_id, reason, notice, started_on)

        def decide() -> list[EventPayload]:
            if intervention.repeated_start(self.state, command) is not None:
                return []
            return intervention.decide_start(self.academy, self.state, command, TODAY)

        self._apply(CEO, decide)

    @rule(intervention_id=IDS, reason=TEXT, ended_on=DAYS)
    def end_intervention(self, intervention_id: str, reason: str, ended_on: dt.date | None) -> None:
        command = EndFormalIntervention("a1", intervention_id, reason, ended_on)

        def decide() -> list[EventPayload]:
            if intervention.repeated_end(self.state, command) is not None:
                return []
            return intervention.decide_end(self.state, "t1", command, TODAY)

        self._apply(CEO, decide)

    @rule(concern_id=IDS, text=st.sampled_from([CONCERN_TEXT, "  "]))
    def raise_concern(self, concern_id: str, text: str) -> None:
        self._apply(LEAD, lambda: decisions.decide_concern(self.academy, "a1", concern_id, text))

    @rule(chance=st.integers(0, 9))
    def academy_leaves(self, chance: int) -> None:
        if self.academy.is_open and chance == 0:  # rarely: it ends most of what may happen
            self.academy = replace(self.academy, is_open=False)
            self.left_at = len(self.recorded)

    # -- invariants ------------------------------------------------------------------

    @invariant()
    def replaying_the_events_gives_the_same_record(self) -> None:
        state = EvaluationState("a1")
        for event, by in self.recorded:
            stored = event.model_dump(mode="json")
            parsed = EVALUATIONS_EVENTS.parse(event.EVENT_TYPE, event.SCHEMA_VERSION, stored)
            state = evolve(state, parsed, by.actor)
        assert state == self.state

    @invariant()
    def a_phase_changes_only_by_confirming_an_open_proposal_of_another_person(self) -> None:
        open_by_id: dict[str, PhaseProposed] = {}
        closed: set[str] = set()
        phases: dict[str | None, str] = {}
        for event, by in self.recorded:
            if isinstance(event, PhaseProposed):
                assert event.proposal_id not in open_by_id and event.proposal_id not in closed
                assert event.current_phase == phases.get(event.subject)
                assert event.proposed_phase != event.current_phase
                assert all(p.subject != event.subject for p in open_by_id.values())
                open_by_id[event.proposal_id] = event
            elif isinstance(event, PhaseChanged | PhaseProposalRejected | PhaseProposalWithdrawn):
                proposed = open_by_id.pop(event.proposal_id)  # a proposal came first, still open
                closed.add(event.proposal_id)
                if isinstance(event, PhaseChanged):
                    assert event.confirmed_by.subject != event.proposed_by.subject
                    assert event.confirmed_by.subject == by.subject
                    assert (event.subject, event.new_phase) == (
                        proposed.subject,
                        proposed.proposed_phase,
                    )
                    assert event.old_phase == phases.get(event.subject)
                    phases[event.subject] = event.new_phase
        assert self.state.phases == phases
        assert {p.proposal_id for p in self.state.proposals.values() if p.status == "open"} == set(
            open_by_id
        )

    @invariant()
    def one_intervention_open_at_a_time_and_each_ended_once(self) -> None:
        open_ones: dict[str, FormalInterventionStarted] = {}
        seen: set[str] = set()
        for event, _by in self.recorded:
            if isinstance(event, FormalInterventionStarted):
                assert not open_ones and event.intervention_id not in seen
                assert event.started_on <= TODAY
                open_ones[event.intervention_id] = event
                seen.add(event.intervention_id)
            elif isinstance(event, FormalInterventionEnded):
                started = open_ones.pop(event.intervention_id)
                assert started.started_on <= event.ended_on <= TODAY
        assert len([i for i in self.state.interventions.values() if i.is_open]) == len(open_ones)

    @invariant()
    def judgements_are_unique_and_on_the_scheme(self) -> None:
        judged = [e for e, _ in self.recorded if isinstance(e, EvaluationJudged)]
        assert len({j.evaluation_id for j in judged}) == len(judged)
        scheme = TRUST.framework.scheme
        for judgement in judged:
            assert judgement.judgements
            assert all(scheme.area(a) and scheme.grade(g) for a, g in judgement.judgements.items())

    @invariant()
    def a_concern_text_is_in_no_event(self) -> None:
        for event, _by in self.recorded:
            assert CONCERN_TEXT not in event.model_dump_json()
        concerns = [e for e, _ in self.recorded if isinstance(e, ConcernRaised)]
        assert len({c.concern_id for c in concerns}) <= len(concerns)

    @invariant()
    def once_the_academy_left_only_open_matters_are_closed(self) -> None:
        closing = FormalInterventionEnded | PhaseProposalRejected | PhaseProposalWithdrawn
        for event, _by in self.recorded[self.left_at :]:
            assert isinstance(event, closing)


TestEvaluationRecord = EvaluationRecord.TestCase
TestEvaluationRecord.settings = SETTINGS
