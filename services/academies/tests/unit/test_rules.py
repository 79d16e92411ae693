"""Given events, when a command, then events or a clear rejection."""

from __future__ import annotations

import datetime as dt

import pytest
from academies.domain import academy, submission, trust
from chassis.envelope import Actor
from chassis.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from contracts.academies.v1 import (
    AcademyLeftTrust,
    AcademyRegistered,
    DataSubmitted,
    DataValues,
    Period,
    SubmissionCorrected,
)

REGISTERED = AcademyRegistered(
    trust_id="t1",
    academy_id="a1",
    urn="123456",
    name="Heron",
    phase_of_education="primary",
    local_authority="Kent",
    date_joined=dt.date(2020, 9, 1),
    new_to_trust=False,
)
HEAD = Actor(subject="head", role="headteacher")
NOW = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)


def given(*events):
    state = None
    for event in events:
        state = academy.evolve(state, event)
    return state


def register(**overrides):
    fields = dict(
        trust_id="t1",
        academy_id="a1",
        urn="123456",
        name="Heron",
        phase_of_education="primary",
        local_authority="Kent",
        date_joined="2020-09-01",
        new_to_trust=False,
    )
    return academy.RegisterAcademy(**{**fields, **overrides})


def submit(**overrides):
    fields = dict(
        academy_id="a1",
        submission_id="s1",
        period=Period(academic_year="2026/27", term="autumn"),
        return_type="termly_kpi",
        values=DataValues(attendance_percent=95.0),
    )
    return submission.SubmitData(**{**fields, **overrides})


def test_registering_a_new_academy_records_it():
    assert academy.decide_register(None, register()) == [REGISTERED]


@pytest.mark.parametrize("urn", ["12345", "1234567", "12A456", ""])
def test_a_malformed_urn_is_refused(urn):
    with pytest.raises(InvalidArgument, match="URN must be six digits"):
        academy.decide_register(None, register(urn=urn))


def test_registering_twice_is_refused():
    with pytest.raises(AlreadyExists):
        academy.decide_register(given(REGISTERED), register())


def test_unknown_phase_of_education_and_bad_dates_are_refused():
    with pytest.raises(InvalidArgument, match="phase_of_education"):
        academy.decide_register(None, register(phase_of_education="college"))
    with pytest.raises(InvalidArgument, match="ISO date"):
        academy.decide_register(None, register(date_joined="01/09/2020"))


def test_details_change_records_only_what_differs():
    events = academy.decide_change_details(
        given(REGISTERED),
        academy.ChangeAcademyDetails("a1", name="Heron Academy", local_authority="Kent"),
    )
    assert [e.model_dump(exclude_none=True) for e in events] == [
        {"trust_id": "t1", "academy_id": "a1", "name": "Heron Academy"}
    ]
    assert (
        academy.decide_change_details(
            given(REGISTERED), academy.ChangeAcademyDetails("a1", name="Heron")
        )
        == []
    )


def test_an_academy_that_left_takes_no_more_data():
    left = AcademyLeftTrust(
        trust_id="t1", academy_id="a1", date_left=dt.date(2026, 8, 31), reason="transfer"
    )
    with pytest.raises(FailedPrecondition, match="left the trust"):
        submission.decide_submit(given(REGISTERED, left), None, submit())


def test_leaving_before_joining_is_refused():
    with pytest.raises(InvalidArgument, match="before the academy joined"):
        academy.decide_leave(given(REGISTERED), academy.RecordAcademyLeft("a1", "2019-01-01", "x"))


def test_submitting_data_for_an_unknown_academy_is_refused():
    with pytest.raises(NotFound, match="not registered"):
        submission.decide_submit(None, None, submit())


def test_submitting_data_records_it():
    events = submission.decide_submit(given(REGISTERED), None, submit())
    assert events == [
        DataSubmitted(
            trust_id="t1",
            academy_id="a1",
            submission_id="s1",
            period=Period(academic_year="2026/27", term="autumn"),
            return_type="termly_kpi",
            values=DataValues(attendance_percent=95.0),
        )
    ]


@pytest.mark.parametrize(
    ("period", "message"),
    [
        (Period(academic_year="2026-27", term="autumn"), "must look like 2026/27"),
        (Period(academic_year="2026/28", term="autumn"), "consecutive years"),
        (Period(academic_year="2026/27", term="winter"), "term must be one of"),
        (Period(academic_year="2026/27", term="autumn", half_term=3), "half_term must be"),
    ],
)
def test_a_malformed_period_is_refused(period, message):
    with pytest.raises(InvalidArgument, match=message):
        submission.decide_submit(given(REGISTERED), None, submit(period=period))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (DataValues(attendance_percent=100.5), "between 0 and 100"),
        (DataValues(attendance_percent=-1), "between 0 and 100"),
        (DataValues(progress8_score=0.2, progress8_band="below"), "contradicts"),
        (DataValues(progress8_score=0.3, progress8_band="well_above"), "contradicts"),
        (DataValues(progress8_score=-0.3, progress8_band="well_below"), "contradicts"),
        (DataValues(progress8_band="excellent"), "progress8_band must be one of"),
        (DataValues(progress8_score=7.0), "progress8_score must be between"),
        (DataValues(), "at least one value"),
    ],
)
def test_values_out_of_range_are_refused(values, message):
    with pytest.raises(InvalidArgument, match=message):
        submission.decide_submit(given(REGISTERED), None, submit(values=values))


def test_return_types_fit_their_period():
    with pytest.raises(InvalidArgument, match="half_term 1 or 2"):
        submission.decide_submit(
            given(REGISTERED), None, submit(return_type="half_termly_data_drop")
        )
    with pytest.raises(InvalidArgument, match="summer"):
        submission.decide_submit(given(REGISTERED), None, submit(return_type="annual_summary"))


def test_a_correction_supersedes_without_overwriting():
    submitted = submission.decide_submit(given(REGISTERED), None, submit())[0]
    state = submission.evolve(None, submitted, HEAD, NOW)
    command = submission.CorrectSubmission(
        "a1", "s1", DataValues(attendance_percent=96.0), "late registers"
    )
    events = submission.decide_correct(given(REGISTERED), state, command)
    assert events == [
        SubmissionCorrected(
            trust_id="t1",
            academy_id="a1",
            submission_id="s1",
            revision=2,
            values=DataValues(attendance_percent=96.0),
            reason="late registers",
        )
    ]
    corrected = submission.evolve(state, events[0], HEAD, NOW)
    assert corrected.effective.attendance_percent == 96.0
    assert [r.values.attendance_percent for r in corrected.revisions] == [95.0, 96.0]


def test_correcting_a_submission_that_does_not_exist_is_refused():
    command = submission.CorrectSubmission("a1", "nope", DataValues(attendance_percent=96.0), "x")
    with pytest.raises(NotFound, match="no submission nope"):
        submission.decide_correct(given(REGISTERED), None, command)


def test_a_correction_that_changes_nothing_is_refused():
    submitted = submission.decide_submit(given(REGISTERED), None, submit())[0]
    state = submission.evolve(None, submitted, HEAD, NOW)
    with pytest.raises(FailedPrecondition, match="does not change"):
        submission.decide_correct(
            given(REGISTERED),
            state,
            submission.CorrectSubmission("a1", "s1", DataValues(attendance_percent=95.0), "x"),
        )


def test_a_trust_is_created_on_a_preset_as_framework_version_1():
    presets = trust_presets()
    events = trust.decide_create(None, trust.CreateTrust("t1", "Demo", "seed-004-focus"), presets)
    state = None
    for event in events:
        state = trust.evolve(state, event)
    assert state.framework.id == "seed-004-focus" and state.framework_version == 1
    with pytest.raises(AlreadyExists):
        trust.decide_create(state, trust.CreateTrust("t1", "Demo", "seed-004-focus"), presets)


def test_a_trust_runs_on_a_known_framework():
    with pytest.raises(InvalidArgument, match="not a known framework; presets: seed-000-aid"):
        trust.decide_create(None, trust.CreateTrust("t1", "Demo", "made-up"), trust_presets())


def test_changing_the_framework_adds_a_version_and_refuses_a_broken_one():
    presets = trust_presets()
    state = None
    for event in trust.decide_create(
        None, trust.CreateTrust("t1", "D", "seed-003-aspire"), presets
    ):
        state = trust.evolve(state, event)
    document = state.framework.model_dump(mode="json")
    document["entitlements"]["core_days_per_year"] = 5
    [changed] = trust.decide_change_framework(state, trust.ChangeFramework("t1", document))
    assert changed.version == 2 and changed.based_on_preset == "seed-003-aspire"
    assert trust.evolve(state, changed).framework.entitlements.core_days_per_year == 5
    assert (
        trust.decide_change_framework(
            state, trust.ChangeFramework("t1", state.framework.model_dump(mode="json"))
        )
        == []
    )
    document["rag"]["areas"] = ["inclusion"]
    with pytest.raises(
        InvalidArgument, match=r"rag.areas\[0\]: area 'inclusion' is not in ofsted-2019"
    ):
        trust.decide_change_framework(state, trust.ChangeFramework("t1", document))


def trust_presets():
    from trust_frameworks.loader import presets

    return presets()


def test_a_repeat_of_the_original_submission_is_a_retry_and_a_different_one_is_not():
    submitted = submission.decide_submit(given(REGISTERED), None, submit())[0]
    state = submission.evolve(None, submitted, HEAD, NOW)
    assert submission.is_retry_of(state, submit())
    assert not submission.is_retry_of(state, submit(values=DataValues(attendance_percent=94.0)))
    with pytest.raises(AlreadyExists):
        submission.decide_submit(
            given(REGISTERED), state, submit(values=DataValues(attendance_percent=94.0))
        )


def test_a_registration_retried_with_its_id_is_recognised_and_other_details_are_not():
    assert academy.is_retry_of(REGISTERED, register())
    assert academy.is_retry_of(REGISTERED, register(name="  Heron "))  # trimmed the same
    assert not academy.is_retry_of(REGISTERED, register(name="Heron Academy"))
    assert not academy.is_retry_of(REGISTERED, register(trust_id="t2"))
    assert not academy.is_retry_of(REGISTERED, register(urn="12AB"))  # refused: not a retry


def test_a_trust_records_who_created_it_and_knows_a_retried_creation():
    ceo = Actor(subject="ceo", role="chief_executive")
    command = trust.CreateTrust("t1", "Demo", "seed-004-focus")
    events = trust.decide_create(None, command, trust_presets())
    state = None
    for event in events:
        state = trust.evolve(state, event, ceo)
    assert state.created_by == ceo and state.framework_version == 1
    created = events[0]
    assert trust.is_retry_of(created, command)
    assert trust.is_retry_of(created, trust.CreateTrust("t1", " Demo ", "seed-004-focus"))
    assert not trust.is_retry_of(created, trust.CreateTrust("t1", "Demo", "seed-003-aspire"))
    assert not trust.is_retry_of(created, trust.CreateTrust("t1", "Other", "seed-004-focus"))
