"""Given the academy's record, when a command, then events or a clear refusal."""

from __future__ import annotations

import pytest
from chassis.auth import Principal, Role
from chassis.envelope import Actor
from chassis.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from evaluations.domain import decisions
from evaluations.domain.facts import AcademyFacts, LatestData, TrustFramework
from evaluations.domain.state import EvaluationState, evolve
from evaluations.domain.suggestion import suggest
from trust_frameworks.loader import presets

PRESETS = presets()
PRIMARY = AcademyFacts("a1", "t1", "Heron", "primary", True)
LEFT = AcademyFacts("a1", "t1", "Heron", "primary", False)
CEO = Principal("ceo", Role.CHIEF_EXECUTIVE, "t1", frozenset())
TRUSTEE = Principal("chair", Role.TRUSTEE, "t1", frozenset())
HEAD = Principal("head", Role.HEADTEACHER, "t1", frozenset({"a1"}))
LEAD = Principal("aip", Role.IMPROVEMENT_LEAD, "t1", frozenset({"a1"}))


def trust(preset: str) -> TrustFramework:
    return TrustFramework("t1", 1, PRESETS[preset])


def judge(**overrides) -> decisions.JudgeEvaluation:
    fields = dict(
        academy_id="a1",
        evaluation_id="e1",
        kind="trust_evaluation",
        academic_year="2026/27",
        term="autumn",
        judgements={"quality_of_education": "good"},
        evidence=["visit note 3"],
        summary="Securely good",
    )
    return decisions.JudgeEvaluation(**{**fields, **overrides})


def propose(phase: str, **overrides) -> decisions.ProposePhase:
    fields = dict(
        academy_id="a1", proposal_id="p1", phase=phase, reason="data", review="annual", subject=None
    )
    return decisions.ProposePhase(**{**fields, **overrides})


def with_events(*events_and_actors) -> EvaluationState:
    state = EvaluationState("a1")
    for event, actor in events_and_actors:
        state = evolve(state, event, actor)
    return state


def test_an_improvement_lead_judges_on_the_scheme_and_the_version_is_recorded():
    [event] = decisions.decide_judge(PRIMARY, trust("seed-000-aid"), LEAD, judge())
    assert event.scheme == "ofsted-2019" and event.framework_version == 1
    assert event.evidence == ["visit note 3"]


@pytest.mark.parametrize(
    ("command", "principal", "error", "message"),
    [
        (
            judge(judgements={"quality_of_education": "strong_standard"}),
            LEAD,
            InvalidArgument,
            "not on ofsted-2019",
        ),
        (
            judge(judgements={"sixth_form": "good"}),
            LEAD,
            InvalidArgument,
            "does not apply to Heron",
        ),
        (judge(judgements={"inclusion": "good"}), LEAD, InvalidArgument, "not in ofsted-2019"),
        (
            judge(kind="self_evaluation"),
            LEAD,
            PermissionDenied,
            "self_evaluation is made by headteacher",
        ),
        (judge(kind="trust_evaluation"), HEAD, PermissionDenied, "trust_evaluation is made by"),
        (judge(kind="gossip"), LEAD, InvalidArgument, "kind must be one of"),
        (judge(academic_year="2026"), LEAD, InvalidArgument, "academic_year"),
        (judge(summary=" "), LEAD, InvalidArgument, "summary must not be empty"),
    ],
)
def test_judgements_are_refused_clearly(command, principal, error, message):
    with pytest.raises(error, match=message):
        decisions.decide_judge(PRIMARY, trust("seed-000-aid"), principal, command)


def test_a_judgement_for_an_academy_that_left_or_is_unknown_is_refused():
    with pytest.raises(FailedPrecondition, match="left the trust"):
        decisions.decide_judge(LEFT, trust("seed-000-aid"), LEAD, judge())
    with pytest.raises(NotFound):
        decisions.decide_judge(None, trust("seed-000-aid"), LEAD, judge())


def test_propose_then_confirm_changes_the_phase_with_who_and_why():
    t = trust("seed-001-carter")
    [proposed] = decisions.decide_propose(PRIMARY, t, EvaluationState("a1"), propose("repair"))
    state = with_events((proposed, CEO.actor))
    [changed] = decisions.decide_confirm(
        PRIMARY, t, state, TRUSTEE, decisions.DecideProposal("a1", "p1", "")
    )
    assert (changed.old_phase, changed.new_phase) == (None, "repair")
    assert (changed.proposed_by.subject, changed.confirmed_by.subject) == ("ceo", "chair")
    state = evolve(state, changed, TRUSTEE.actor)
    [again] = decisions.decide_propose(PRIMARY, t, state, propose("improve", proposal_id="p2"))
    assert again.current_phase == "repair"


def test_a_phase_the_framework_lacks_and_per_subject_phases_follow_the_framework():
    with pytest.raises(InvalidArgument, match="'category_4' is not in the framework"):
        decisions.decide_propose(
            PRIMARY, trust("seed-003-aspire"), EvaluationState("a1"), propose("category_4")
        )
    with pytest.raises(InvalidArgument, match="does not phase academies per subject"):
        decisions.decide_propose(
            PRIMARY,
            trust("seed-003-aspire"),
            EvaluationState("a1"),
            propose("category_2", subject="maths"),
        )
    [per_subject] = decisions.decide_propose(
        PRIMARY,
        trust("seed-001-carter"),
        EvaluationState("a1"),
        propose("sustain", subject="maths"),
    )
    assert per_subject.subject == "maths"


def test_confirming_a_withdrawn_or_decided_proposal_is_refused():
    t = trust("seed-003-aspire")
    [proposed] = decisions.decide_propose(PRIMARY, t, EvaluationState("a1"), propose("category_2"))
    state = with_events((proposed, CEO.actor))
    [withdrawn] = decisions.decide_withdraw(
        state, "t1", decisions.DecideProposal("a1", "p1", "new data")
    )
    state = evolve(state, withdrawn, CEO.actor)
    with pytest.raises(FailedPrecondition, match="already withdrawn"):
        decisions.decide_confirm(
            PRIMARY, t, state, TRUSTEE, decisions.DecideProposal("a1", "p1", "")
        )
    with pytest.raises(NotFound, match="no proposal p9"):
        decisions.decide_confirm(
            PRIMARY, t, state, TRUSTEE, decisions.DecideProposal("a1", "p9", "")
        )


def test_one_open_proposal_at_a_time_and_nobody_confirms_their_own():
    t = trust("seed-003-aspire")
    [proposed] = decisions.decide_propose(PRIMARY, t, EvaluationState("a1"), propose("category_2"))
    state = with_events((proposed, Actor(subject="chair", role="chief_executive")))
    with pytest.raises(FailedPrecondition, match="already awaiting the board"):
        decisions.decide_propose(PRIMARY, t, state, propose("category_3", proposal_id="p2"))
    with pytest.raises(PermissionDenied, match="cannot also confirm"):
        decisions.decide_confirm(
            PRIMARY, t, state, TRUSTEE, decisions.DecideProposal("a1", "p1", "")
        )


def test_suggestion_from_progress8_band_seed_001():
    data = LatestData("2026/27", "summer", 0, "below", -0.4)
    suggestion = suggest(PRESETS["seed-001-carter"], data, [])
    assert suggestion.phase == "repair" and "Progress 8 band below" in suggestion.reasons[0]


def test_suggestion_from_judgements_seed_003_and_the_cautious_choice():
    [judged] = decisions.decide_judge(
        PRIMARY,
        trust("seed-003-aspire"),
        LEAD,
        judge(judgements={"overall_effectiveness": "requires_improvement"}),
    )
    assert suggest(PRESETS["seed-003-aspire"], None, [judged]).phase == "category_2"
    [outstanding] = decisions.decide_judge(
        PRIMARY,
        trust("seed-003-aspire"),
        LEAD,
        judge(judgements={"overall_effectiveness": "outstanding"}),
    )
    assert suggest(PRESETS["seed-003-aspire"], None, [outstanding]).phase == "category_1"
    nothing = suggest(PRESETS["seed-003-aspire"], None, [])
    assert nothing.phase is None and "no Progress 8 band or trust judgement" in nothing.reasons[0]


def test_a_self_evaluation_alone_suggests_nothing():
    [own] = decisions.decide_judge(
        PRIMARY,
        trust("seed-003-aspire"),
        HEAD,
        judge(kind="self_evaluation", judgements={"overall_effectiveness": "outstanding"}),
    )
    assert suggest(PRESETS["seed-003-aspire"], None, [own]).phase is None


def test_a_judgement_retried_with_its_id_is_found_and_other_content_already_exists():
    [judged] = decisions.decide_judge(PRIMARY, trust("seed-000-aid"), LEAD, judge())
    state = with_events((judged, Actor(subject="aip", role="improvement_lead")))
    assert decisions.repeated_judgement(state, LEAD, judge(evaluation_id="e2")) is None
    assert decisions.repeated_judgement(state, LEAD, judge(summary=" Securely good ")) == judged
    assert state.judged_by["e1"].subject == "aip"
    with pytest.raises(AlreadyExists, match="evaluation e1 already exists"):
        decisions.repeated_judgement(state, LEAD, judge(summary="Requires improvement"))
    with pytest.raises(PermissionDenied):  # a retry is still made by one who may make it
        decisions.repeated_judgement(state, HEAD, judge())


def test_a_proposal_retried_with_its_id_is_found_whatever_became_of_it():
    [proposed] = decisions.decide_propose(
        PRIMARY, trust("seed-003-aspire"), EvaluationState("a1"), propose("category_2")
    )
    state = with_events((proposed, Actor(subject="ceo", role="chief_executive")))
    found = decisions.repeated_proposal(state, propose("category_2"))
    assert found is not None and found.status == "open"
    assert decisions.repeated_proposal(state, propose("category_2", proposal_id="p2")) is None
    with pytest.raises(AlreadyExists, match="proposal p1 already exists"):
        decisions.repeated_proposal(state, propose("category_3"))
