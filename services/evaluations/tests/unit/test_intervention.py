"""Given the academy's record, when a formal intervention is started or ended,
then the events, or a clear refusal (seed 004, "Trust intervention")."""

from __future__ import annotations

import datetime as dt

import pytest
from chassis.auth import Principal, Role
from chassis.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from contracts.evaluations.v1 import FormalInterventionEnded, FormalInterventionStarted
from evaluations.domain import intervention
from evaluations.domain.facts import AcademyFacts
from evaluations.domain.state import EvaluationState, evolve
from evaluations.entrypoints.access import ACCESS

HERON = AcademyFacts("a1", "t1", "Heron", "primary", True)
LEFT = AcademyFacts("a1", "t1", "Heron", "primary", False)
CEO = Principal("ceo", Role.CHIEF_EXECUTIVE, "t1", frozenset())
TODAY = dt.date(2026, 11, 23)


def start(**overrides) -> intervention.StartFormalIntervention:
    notice = intervention.Notice(
        issued_on=overrides.pop("issued_on", dt.date(2026, 11, 20)),
        reference=overrides.pop("reference", "letters/2026-11-20-heron.pdf"),
    )
    fields = dict(
        academy_id="a1",
        intervention_id="i1",
        reason=" Inadequate: safeguarding ",
        notice=notice,
        started_on=dt.date(2026, 11, 23),
    )
    return intervention.StartFormalIntervention(**{**fields, **overrides})


def end(**overrides) -> intervention.EndFormalIntervention:
    fields = dict(
        academy_id="a1", intervention_id="i1", reason="Priorities met", ended_on=dt.date(2027, 7, 1)
    )
    return intervention.EndFormalIntervention(**{**fields, **overrides})


def with_events(*events) -> EvaluationState:
    state = EvaluationState("a1")
    for event in events:
        state = evolve(state, event, CEO.actor)
    return state


def started(**overrides) -> FormalInterventionStarted:
    [event] = intervention.decide_start(HERON, EvaluationState("a1"), start(**overrides), TODAY)
    assert isinstance(event, FormalInterventionStarted)
    return event


def test_the_chief_executive_alone_starts_or_ends_one():
    for rpc in ("StartFormalIntervention", "EndFormalIntervention"):
        assert ACCESS.rule(rpc).roles == {Role.CHIEF_EXECUTIVE}


def test_starting_records_the_written_notice_to_the_principal_and_the_chair():
    event = started()
    assert (event.trust_id, event.academy_id, event.intervention_id) == ("t1", "a1", "i1")
    assert (event.started_on, event.reason) == (dt.date(2026, 11, 23), "Inadequate: safeguarding")
    assert event.notice.dated == dt.date(2026, 11, 20)
    assert event.notice.reference == "letters/2026-11-20-heron.pdf"
    assert event.notice.to_roles == ["headteacher", "chair_of_lgb"]
    state = with_events(event)
    current = state.open_intervention()
    assert current is not None and current.started == event and current.started_by == CEO.actor


def test_a_start_without_a_date_starts_today():
    assert started(started_on=None).started_on == TODAY


def test_ending_closes_it_and_another_may_start_after():
    state = with_events(started())
    [ended] = intervention.decide_end(state, "t1", end(), dt.date(2027, 7, 1))
    assert isinstance(ended, FormalInterventionEnded)
    assert (ended.intervention_id, ended.ended_on, ended.reason) == (
        "i1",
        dt.date(2027, 7, 1),
        "Priorities met",
    )
    state = evolve(state, ended, CEO.actor)
    assert state.open_intervention() is None
    assert state.interventions["i1"].ended_by == CEO.actor
    [again] = intervention.decide_start(
        HERON, state, start(intervention_id="i2", started_on=None), dt.date(2027, 9, 1)
    )
    assert again.intervention_id == "i2"


OPEN = with_events(started())


@pytest.mark.parametrize(
    ("academy", "state", "command", "error", "message"),
    [
        (None, EvaluationState("a1"), start(), NotFound, "not known to evaluations"),
        (LEFT, EvaluationState("a1"), start(), FailedPrecondition, "Heron.* has left the trust"),
        (HERON, EvaluationState("a1"), start(reason=" "), InvalidArgument, "reason must not be"),
        (
            HERON,
            EvaluationState("a1"),
            start(reference=" "),
            InvalidArgument,
            "notice.reference must not be empty",
        ),
        (
            HERON,
            EvaluationState("a1"),
            start(issued_on=dt.date(2026, 11, 24)),
            InvalidArgument,
            r"notice.issued_on 2026-11-24 is after today \(2026-11-23\)",
        ),
        (
            HERON,
            EvaluationState("a1"),
            start(started_on=dt.date(2026, 12, 1)),
            InvalidArgument,
            "started_on 2026-12-01 is after today",
        ),
        (
            HERON,
            OPEN,
            start(intervention_id="i2"),
            FailedPrecondition,
            r"already under formal intervention i1 \(since 2026-11-23\); end it first",
        ),
    ],
)
def test_a_start_is_refused_clearly(academy, state, command, error, message):
    with pytest.raises(error, match=message):
        intervention.decide_start(academy, state, command, TODAY)


ENDED = with_events(
    started(),
    FormalInterventionEnded(
        trust_id="t1",
        academy_id="a1",
        intervention_id="i1",
        ended_on=dt.date(2027, 7, 1),
        reason="Priorities met",
    ),
)


@pytest.mark.parametrize(
    ("state", "command", "error", "message"),
    [
        (
            EvaluationState("a1"),
            end(),
            NotFound,
            "no formal intervention i1 for academy a1",
        ),
        (OPEN, end(intervention_id="i9"), NotFound, "no formal intervention i9"),
        (ENDED, end(), FailedPrecondition, "i1 already ended on 2027-07-01"),
        (OPEN, end(reason=""), InvalidArgument, "reason must not be empty"),
        (
            OPEN,
            end(ended_on=dt.date(2027, 7, 2)),
            InvalidArgument,
            "ended_on 2027-07-02 is after today",
        ),
        (
            OPEN,
            end(ended_on=dt.date(2026, 11, 22)),
            InvalidArgument,
            r"ended_on 2026-11-22 is before the intervention started \(2026-11-23\)",
        ),
    ],
)
def test_an_end_is_refused_clearly(state, command, error, message):
    with pytest.raises(error, match=message):
        intervention.decide_end(state, "t1", command, dt.date(2027, 7, 1))


def test_a_start_retried_with_its_id_is_found_and_other_content_already_exists():
    assert intervention.repeated_start(OPEN, start(intervention_id="i2")) is None
    found = intervention.repeated_start(OPEN, start(reason="Inadequate: safeguarding"))
    assert found is not None and found.intervention_id == "i1"
    # a retry that left the date to the server, on another day, is still the same call
    assert intervention.repeated_start(OPEN, start(started_on=None)) is not None
    assert intervention.repeated_start(ENDED, start()) is not None  # whatever became of it
    for other in (
        start(reason="Finance"),
        start(reference="letters/other.pdf"),
        start(issued_on=dt.date(2026, 11, 19)),
        start(started_on=dt.date(2026, 11, 22)),
    ):
        with pytest.raises(AlreadyExists, match="formal intervention i1 already exists"):
            intervention.repeated_start(OPEN, other)


def test_an_end_retried_is_found_and_an_end_with_other_content_is_refused():
    assert intervention.repeated_end(OPEN, end()) is None
    assert intervention.repeated_end(ENDED, end()) is not None
    assert intervention.repeated_end(ENDED, end(ended_on=None)) is not None
    with pytest.raises(FailedPrecondition, match="already ended on 2027-07-01"):
        intervention.repeated_end(ENDED, end(reason="Something else"))
    with pytest.raises(NotFound):
        intervention.repeated_end(OPEN, end(intervention_id="i9"))


def test_today_is_englands_date():
    late_summer_evening = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)
    assert intervention.england_date(late_summer_evening) == dt.date(2026, 7, 1)
