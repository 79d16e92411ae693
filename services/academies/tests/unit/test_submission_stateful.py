"""Data submissions and their corrections under any sequence of commands.

A hypothesis state machine drives the pure domain (academies.domain.submission,
with the academy it belongs to) as the handlers compose it: a retried
submission answers again and appends nothing, anything else goes to
``decide_*``. Commands carry generated arguments, invalid ones included: bad
periods, return types, values, reasons, unknown submissions, an academy that
left. After every step the invariants below must hold.

``TRUST_STATEFUL_EXAMPLES`` (default 50) sets the number of sequences tried, e.g.
``TRUST_STATEFUL_EXAMPLES=1000 .venv/bin/python -m pytest -q -p no:cacheprovider
services/academies/tests/unit/test_submission_stateful.py``.
"""

from __future__ import annotations

import math
import os

from academies.domain import academy as academy_rules
from academies.domain import submission as submission_rules
from academies.domain.academy import AcademyState, RecordAcademyLeft, RegisterAcademy
from academies.domain.submission import CorrectSubmission, SubmissionState, SubmitData
from chassis.envelope import Actor
from chassis.errors import DomainError
from contracts.academies.v1 import ACADEMIES_EVENTS, DataSubmitted, DataValues, Period
from contracts.base import EventPayload
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

EXAMPLES = int(os.environ.get("TRUST_STATEFUL_EXAMPLES", "50"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    stateful_step_count=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
HEAD = Actor(subject="head@a1", role="headteacher")
SUBMISSION_IDS = st.sampled_from(["s1", "s2", "s3"])
# Mostly valid arguments, so that sequences get far; the invalid ones still come often.
VALID_PERIODS = st.sampled_from(
    [Period(academic_year="2026/27", term="autumn"), Period(academic_year="2026/27", term="summer")]
)
PERIODS = (
    VALID_PERIODS
    | VALID_PERIODS
    | VALID_PERIODS
    | st.builds(
        Period,
        academic_year=st.sampled_from(["2026/27", "2025/26", "2026/2027", "2026/28", ""]),
        term=st.sampled_from(["autumn", "spring", "summer", "winter"]),
        half_term=st.sampled_from([0, 1, 2, 3, -1]),
    )
)
RETURN_TYPES = st.sampled_from(
    ["termly_kpi"] * 6 + ["half_termly_data_drop", "annual_summary", "weekly", ""]
)
NUMBERS = st.floats(allow_nan=True, allow_infinity=True, width=32)
VALID_VALUES = st.builds(
    DataValues,
    kpis=st.dictionaries(
        st.sampled_from(["ks2_reading", "ks2_maths"]), st.integers(0, 3).map(float)
    ),
    attendance_percent=st.sampled_from([None, 90.0, 95.0, 96.5]),
    progress8_score=st.sampled_from([None, -0.6, 0.2]),
)
VALUES = (
    VALID_VALUES
    | VALID_VALUES
    | VALID_VALUES
    | st.builds(
        DataValues,
        kpis=st.dictionaries(
            st.sampled_from(["ks2_reading", "ks2_maths", "", "k" * 200]), NUMBERS, max_size=2
        ),
        attendance_percent=st.none() | st.sampled_from([0.0, 95.0, 100.0, 100.5, -1.0]) | NUMBERS,
        progress8_score=st.none() | st.sampled_from([-5.0, -0.5, 0.0, 0.5, 5.0, 5.1]) | NUMBERS,
        progress8_band=st.none()
        | st.sampled_from(["well_above", "above", "average", "below", "x"]),
    )
)
REASONS = st.sampled_from(
    ["late registers", "typo in KS2 maths", "recount"] * 2 + ["", "   ", "r" * 1_001]
)


def _replayed(recorded: list[EventPayload]) -> SubmissionState | None:
    """The submission rebuilt from its events as stored (JSON) and read back."""
    state = None
    for event in recorded:
        stored = event.model_dump(mode="json")
        parsed = ACADEMIES_EVENTS.parse(event.EVENT_TYPE, event.SCHEMA_VERSION, stored)
        state = submission_rules.evolve(state, parsed, HEAD, None)
    return state


class Submissions(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        registered = academy_rules.decide_register(
            None,
            RegisterAcademy(
                trust_id="t1",
                academy_id="a1",
                urn="100001",
                name="Alder Academy",
                phase_of_education="primary",
                local_authority="Kent",
                date_joined="2020-09-01",
                new_to_trust=False,
            ),
        )
        self.academy: AcademyState | None = None
        for event in registered:
            self.academy = academy_rules.evolve(self.academy, event)
        self.streams: dict[str, list[EventPayload]] = {}
        self.states: dict[str, SubmissionState | None] = {}
        # The test's own record: each submission's values, revision by revision.
        self.expected: dict[str, list[DataValues]] = {}
        self.left = False

    def _apply(self, submission_id: str, decide: object) -> list[EventPayload] | None:
        """Decide and fold; a refusal must be a DomainError and change nothing."""
        before = self.states.get(submission_id)
        length = len(self.streams.get(submission_id, []))
        try:
            events = decide()  # type: ignore[operator]
        except DomainError:
            assert self.states.get(submission_id) is before
            assert len(self.streams.get(submission_id, [])) == length
            return None
        state = before
        for event in events:
            state = submission_rules.evolve(state, event, HEAD, None)
        self.streams.setdefault(submission_id, []).extend(events)
        self.states[submission_id] = state
        return events

    @rule(submission_id=SUBMISSION_IDS, period=PERIODS, return_type=RETURN_TYPES, values=VALUES)
    def submit(
        self, submission_id: str, period: Period, return_type: str, values: DataValues
    ) -> None:
        command = SubmitData("a1", submission_id, period, return_type, values)
        existing = self.states.get(submission_id)

        def decide() -> list[EventPayload]:
            if existing is not None and submission_rules.is_retry_of(existing, command):
                return []
            return submission_rules.decide_submit(self.academy, existing, command)

        events = self._apply(submission_id, decide)
        if events:
            assert existing is None and not self.left
            self.expected[submission_id] = [values]
        elif events == []:
            assert existing is not None  # only a retry decides nothing

    @rule(submission_id=SUBMISSION_IDS | st.just("s9"), values=VALUES, reason=REASONS)
    def correct(self, submission_id: str, values: DataValues, reason: str) -> None:
        command = CorrectSubmission("a1", submission_id, values, reason)
        existing = self.states.get(submission_id)
        events = self._apply(
            submission_id,
            lambda: submission_rules.decide_correct(self.academy, existing, command),
        )
        if events is not None:
            assert existing is not None and not self.left
            assert values != existing.effective
            self.expected[submission_id].append(values)

    # Rarely a valid departure: it ends what may happen to the submissions.
    @rule(day=st.sampled_from(["2027-07-31", *["2019-01-01", "not a date"] * 4]))
    def leave(self, day: str) -> None:
        try:
            events = academy_rules.decide_leave(
                self.academy, RecordAcademyLeft("a1", day, "closed")
            )
        except DomainError:
            return
        for event in events:
            self.academy = academy_rules.evolve(self.academy, event)
        self.left = True

    @invariant()
    def replaying_the_events_gives_the_same_submission(self) -> None:
        for submission_id, recorded in self.streams.items():
            assert _replayed(recorded) == self.states[submission_id]

    @invariant()
    def each_correction_supersedes_exactly_the_latest_revision(self) -> None:
        for submission_id, recorded in self.streams.items():
            state = self.states[submission_id]
            if not recorded:
                continue
            assert state is not None
            first, *corrections = recorded
            assert isinstance(first, DataSubmitted)
            # revision n is the stream's n-th event (the handler stamps it with that position)
            assert [r.revision for r in state.revisions] == list(range(1, len(recorded) + 1))
            for correction in corrections:
                assert correction.submission_id == submission_id  # type: ignore[attr-defined]
                assert correction.academy_id == first.academy_id  # type: ignore[attr-defined]
            # a correction changes something, and never rewrites what came before
            for older, newer in zip(state.revisions, state.revisions[1:], strict=False):
                assert older.values != newer.values
            assert [r.values for r in state.revisions] == self.expected[submission_id]
            assert state.effective == self.expected[submission_id][-1]
            assert (state.period, state.return_type) == (first.period, first.return_type)

    @invariant()
    def every_value_kept_is_a_valid_one(self) -> None:
        for state in self.states.values():
            for revision in state.revisions if state else ():
                values = revision.values
                assert all(math.isfinite(v) for v in values.kpis.values())
                if values.attendance_percent is not None:
                    assert 0.0 <= values.attendance_percent <= 100.0


TestSubmissions = Submissions.TestCase
TestSubmissions.settings = SETTINGS
