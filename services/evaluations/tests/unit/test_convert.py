"""Proto <-> domain, one converter per type: requests become the commands they
name, and what was decided becomes the reply field by field."""

from __future__ import annotations

import datetime as dt

import pytest
from chassis.envelope import Actor
from chassis.errors import InvalidArgument
from contracts.evaluations.v1 import (
    ActorRef,
    EvaluationJudged,
    FormalInterventionEnded,
    FormalInterventionStarted,
    PhaseChanged,
    WrittenNotice,
)
from evaluations.application.concerns import RaiseConcern
from evaluations.application.judgements import Judged
from evaluations.application.phases import SuggestionFor
from evaluations.application.ports import ConcernNote, OpenProposal
from evaluations.application.schemes import SchemeInForce
from evaluations.domain import decisions, intervention
from evaluations.domain.facts import AcademyFacts, TrustFramework, applicable_areas
from evaluations.domain.state import EvaluationState, Intervention, Proposal
from evaluations.domain.suggestion import Suggestion
from evaluations.entrypoints import convert
from trust.common.v1 import common_pb2
from trust.evaluations.v1 import evaluations_pb2 as pb
from trust_frameworks.loader import presets

CEO = Actor(subject="ceo", role="chief_executive")
AT = dt.datetime(2026, 11, 23, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
PROPOSAL = Proposal("p1", "a1", None, "category_1", "category_2", "data", "annual", CEO)


def test_requests_become_commands():
    judge = pb.JudgeEvaluationRequest(
        academy_id="a1",
        kind="roundtable",
        academic_year="2026/27",
        term="spring",
        judgements={"leadership": "good"},
        evidence=["note"],
        summary="s",
        evaluation_id="e1",
    )
    assert convert.judge_from_proto(judge) == decisions.JudgeEvaluation(
        "a1", "e1", "roundtable", "2026/27", "spring", {"leadership": "good"}, ["note"], "s"
    )
    whole = convert.propose_from_proto(pb.ProposePhaseRequest(academy_id="a1", phase="x"))
    assert (whole.subject, whole.review) == (None, "annual")
    maths = pb.ProposePhaseRequest(
        academy_id="a1", phase="x", subject="maths", review="exceptional"
    )
    assert (
        convert.propose_from_proto(maths).subject,
        convert.propose_from_proto(maths).review,
    ) == (
        "maths",
        "exceptional",
    )
    decide = pb.DecideProposalRequest(academy_id="a1", proposal_id="p1", reason="r")
    assert convert.decide_from_proto(decide) == decisions.DecideProposal("a1", "p1", "r")
    raised = pb.RaiseConcernRequest(academy_id="a1", text="t", concern_id="c1")
    assert convert.concern_from_proto(raised) == RaiseConcern("a1", "c1", "t")


def test_an_evaluation_and_who_judged_it():
    event = EvaluationJudged(
        trust_id="t1",
        academy_id="a1",
        evaluation_id="e1",
        kind="trust_evaluation",
        academic_year="2026/27",
        term="autumn",
        scheme="ofsted-2019",
        judgements={"quality_of_education": "good"},
        evidence=["note"],
        summary="s",
        framework_version=2,
    )
    reply = convert.evaluation_to_proto(Judged(event, CEO))
    assert reply == pb.Evaluation(
        evaluation_id="e1",
        academy_id="a1",
        kind="trust_evaluation",
        academic_year="2026/27",
        term="autumn",
        scheme="ofsted-2019",
        judgements={"quality_of_education": "good"},
        evidence=["note"],
        summary="s",
        framework_version=2,
        judged_by=common_pb2.Actor(subject="ceo", role="chief_executive"),
    )


def test_a_proposal_as_decided_and_as_the_inbox_lists_it():
    reply = convert.proposal_to_proto(PROPOSAL)
    assert (reply.proposal_id, reply.academy_id, reply.subject, reply.status) == (
        "p1",
        "a1",
        "",
        "open",
    )
    assert (reply.current_phase, reply.proposed_phase, reply.proposed_by.subject) == (
        "category_1",
        "category_2",
        "ceo",
    )
    assert (reply.academy_name, reply.proposed_at) == ("", "")
    listed = convert.open_proposal_to_proto(OpenProposal(PROPOSAL, "Heron", AT))
    assert (listed.academy_name, listed.proposed_at) == ("Heron", "2026-11-23T10:00:00+00:00")


def test_a_phase_change_and_the_record_it_belongs_to():
    change = PhaseChanged(
        trust_id="t1",
        academy_id="a1",
        proposal_id="p1",
        subject=None,
        old_phase=None,
        new_phase="category_2",
        reason="data",
        review="annual",
        proposed_by=ActorRef(subject="ceo", role="chief_executive"),
        confirmed_by=ActorRef(subject="chair", role="trustee"),
        framework_version=1,
    )
    reply = convert.change_to_proto(change)
    assert (reply.old_phase, reply.new_phase, reply.subject) == ("", "category_2", "")
    assert (reply.proposed_by.subject, reply.confirmed_by.role) == ("ceo", "trustee")
    record = EvaluationState(
        "a1",
        phases={None: "category_2", "maths": "category_1"},
        proposals={"p1": PROPOSAL, "p0": Proposal(**{**PROPOSAL.__dict__, "status": "confirmed"})},
        changes=(change,),
    )
    answered = convert.phase_record_to_proto(record)
    assert answered.academy_id == "a1"
    assert [(c.subject, c.phase) for c in answered.current] == [
        ("", "category_2"),
        ("maths", "category_1"),
    ]
    assert list(answered.history) == [reply]
    assert [p.proposal_id for p in answered.open_proposals] == ["p1"]


def test_a_suggestion_and_a_concern():
    found = SuggestionFor("a1", Suggestion("repair", ["band below"]), None)
    assert convert.suggestion_to_proto(found) == pb.PhaseSuggestion(
        academy_id="a1", suggested_phase="repair", reasons=["band below"], current_phase=""
    )
    note = ConcernNote("c1", "a1", "t1", "Registers", CEO, AT)
    assert convert.concern_to_proto(note) == pb.Concern(
        concern_id="c1",
        academy_id="a1",
        text="Registers",
        raised_by=common_pb2.Actor(subject="ceo", role="chief_executive"),
        raised_at="2026-11-23T10:00:00+00:00",
    )


def test_a_scheme_with_the_areas_of_each_academy():
    framework = presets()["seed-003-aspire"]
    heron = AcademyFacts("a1", "t1", "Heron", "primary", True)
    areas = applicable_areas(framework.scheme, heron)
    reply = convert.scheme_to_proto(
        SchemeInForce(TrustFramework("t1", 3, framework), [(heron, areas)])
    )
    assert (reply.trust_id, reply.framework_version, reply.scheme) == ("t1", 3, "ofsted-2019")
    assert reply.in_force_from == framework.scheme.in_force_from
    assert [g.rank for g in reply.grades] == sorted(g.rank for g in reply.grades)
    assert [a.area_id for a in reply.areas] == [a.id for a in framework.scheme.areas]
    [academy] = reply.academies
    assert (academy.academy_id, academy.name, list(academy.area_ids)) == (
        "a1",
        "Heron",
        [a.id for a in areas],
    )


def test_intervention_requests_become_commands():
    started = pb.StartFormalInterventionRequest(
        academy_id="a1",
        reason="Inadequate",
        notice=pb.NoticeGiven(issued_on="2026-11-20", reference="letters/heron.pdf"),
        intervention_id="i1",
    )
    assert convert.start_intervention_from_proto(started) == intervention.StartFormalIntervention(
        academy_id="a1",
        intervention_id="i1",
        reason="Inadequate",
        notice=intervention.Notice(dt.date(2026, 11, 20), "letters/heron.pdf"),
        started_on=None,
    )
    dated = pb.StartFormalInterventionRequest(
        academy_id="a1", notice=pb.NoticeGiven(issued_on="2026-11-20"), started_on="2026-11-23"
    )
    assert convert.start_intervention_from_proto(dated).started_on == dt.date(2026, 11, 23)
    with pytest.raises(InvalidArgument, match=r"notice\.issued_on must be an ISO date"):
        convert.start_intervention_from_proto(
            pb.StartFormalInterventionRequest(notice=pb.NoticeGiven(issued_on="20/11/2026"))
        )
    ended = pb.EndFormalInterventionRequest(
        academy_id="a1", intervention_id="i1", reason="Met", ended_on="2027-07-01"
    )
    assert convert.end_intervention_from_proto(ended) == intervention.EndFormalIntervention(
        "a1", "i1", "Met", dt.date(2027, 7, 1)
    )
    assert (
        convert.end_intervention_from_proto(
            pb.EndFormalInterventionRequest(academy_id="a1", intervention_id="i1")
        ).ended_on
        is None
    )


def test_an_intervention_open_then_ended_and_on_the_phase_record():
    begun = FormalInterventionStarted(
        trust_id="t1",
        academy_id="a1",
        intervention_id="i1",
        started_on=dt.date(2026, 11, 23),
        reason="Inadequate",
        notice=WrittenNotice(
            dated=dt.date(2026, 11, 20),
            to_roles=["headteacher", "chair_of_lgb"],
            reference="letters/heron.pdf",
        ),
    )
    running = Intervention(begun, CEO)
    reply = convert.intervention_to_proto(running)
    assert reply == pb.FormalIntervention(
        intervention_id="i1",
        academy_id="a1",
        status="open",
        started_on="2026-11-23",
        reason="Inadequate",
        notice=pb.WrittenNotice(
            issued_on="2026-11-20",
            reference="letters/heron.pdf",
            to_roles=["headteacher", "chair_of_lgb"],
        ),
        started_by=common_pb2.Actor(subject="ceo", role="chief_executive"),
    )
    record = convert.phase_record_to_proto(EvaluationState("a1", interventions={"i1": running}))
    assert record.formal_intervention == reply and list(record.interventions) == [reply]

    closing = FormalInterventionEnded(
        trust_id="t1",
        academy_id="a1",
        intervention_id="i1",
        ended_on=dt.date(2027, 7, 1),
        reason="Priorities met",
    )
    ended = convert.intervention_to_proto(Intervention(begun, CEO, closing, CEO))
    assert (ended.status, ended.ended_on, ended.end_reason, ended.ended_by.subject) == (
        "ended",
        "2027-07-01",
        "Priorities met",
        "ceo",
    )
    after = convert.phase_record_to_proto(
        EvaluationState("a1", interventions={"i1": Intervention(begun, CEO, closing, CEO)})
    )
    assert not after.HasField("formal_intervention") and list(after.interventions) == [ended]
