"""Given an event, then its timeline line: formal interventions with their notice,
and every meetings event without confidential text (no reason, paper title or
reference, no note text); a trust-wide meeting has no academy timeline.

The payloads are the published examples (contracts.examples), built through the
contract models, so a contract change that a line no longer fits shows here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from chassis.envelope import Actor, EventEnvelope
from contracts.evaluations.v1 import FormalInterventionEnded, FormalInterventionStarted
from contracts.examples import records
from contracts.meetings.v1 import MEETINGS_EVENTS
from reporting.domain.timeline import entry_for, summarize

EXAMPLES: dict[str, dict[str, Any]] = {
    model.EVENT_TYPE: record["value"]["payload"]
    for model, record in records(lambda _model: "topic").items()
}
MEETINGS = sorted(model.EVENT_TYPE for model in MEETINGS_EVENTS)

EXPECTED = {
    "evaluations.FormalInterventionStarted": (
        "Formal intervention started on 2027-01-11: Safeguarding culture weak; leadership "
        "capacity insufficient; written notice dated 2027-01-08 (letter CEO/2027/004) to the "
        "headteacher and the chair of the LGB"
    ),
    "evaluations.FormalInterventionEnded": (
        "Formal intervention ended on 2027-07-09: Task group satisfied that the priorities "
        "are secure"
    ),
    "meetings.MeetingScheduled": (
        "Meeting scheduled: aim on 2026-11-03 09:30 (120 minutes), autumn 2026/27, "
        "by the framework's cadence (meeting 1 of the year)"
    ),
    "meetings.MeetingRescheduled": "Meeting moved from 2026-11-03 09:30 to 2026-11-05 09:30",
    "meetings.MeetingCancelled": "Meeting cancelled (no longer required)",
    "meetings.ApologiesGiven": (
        "Apologies from chair@alder.example (chair of the LGB); "
        "vice-chair@alder.example (chair of the LGB) attends instead"
    ),
    "meetings.PaperSubmitted": (
        "Paper submitted: headteacher report by head@alder.example (headteacher) "
        "on 2026-10-27, due 2026-10-29"
    ),
    "meetings.MeetingHeld": (
        "Meeting held: aim on 2026-11-05, 3 attending; focus quality of education, "
        "behaviour and attitudes; judged quality of education: good; 1.00 entitlement days"
    ),
    "meetings.NotesDrafted": (
        "Notes drafted (revision 1) by lead@oakvalley.example (improvement lead) on 2026-11-06"
    ),
    "meetings.NotesApproved": "Notes approved by head@alder.example (headteacher)",
    "meetings.NotesCirculated": "Notes circulated on 2026-11-10",
    "meetings.ActionRaised": (
        "Action raised: Phonics catch-up groups for year 2 (quality of education), "
        "owner head@alder.example (headteacher), due 2027-01-29"
    ),
    "meetings.ActionCompleted": "Action completed on 2027-03-05",
    "meetings.ActionCarriedForward": "Action carried forward to a later meeting, due 2027-03-12",
}


def test_every_meetings_event_and_both_intervention_events_have_a_line():
    covered = {*MEETINGS, FormalInterventionStarted.EVENT_TYPE, FormalInterventionEnded.EVENT_TYPE}
    assert covered == set(EXPECTED)


@pytest.mark.parametrize("event_type", sorted(EXPECTED))
def test_the_line_of_each_event(event_type):
    assert summarize(event_type, EXAMPLES[event_type]) == EXPECTED[event_type]


# Free text a meetings event may carry that is not marked as fit to show: why a
# meeting was scheduled by hand, moved or cancelled; a paper's own title and link.
NOT_SHOWN = ("reason", "title", "reference")


@pytest.mark.parametrize("event_type", MEETINGS)
def test_a_meetings_line_shows_no_reason_paper_title_or_reference(event_type):
    payload = EXAMPLES[event_type]
    line = summarize(event_type, payload)
    shown = {"title"} if event_type == "meetings.ActionRaised" else set()  # not note text
    hidden = [
        payload[field]
        for field in NOT_SHOWN
        if field not in shown and isinstance(payload.get(field), str)
    ]
    assert all(text not in line for text in hidden), (line, hidden)


def test_the_examples_do_carry_the_text_that_is_not_shown():
    assert EXAMPLES["meetings.MeetingRescheduled"]["reason"]
    assert EXAMPLES["meetings.MeetingCancelled"]["reason"]
    assert EXAMPLES["meetings.PaperSubmitted"]["title"]
    assert EXAMPLES["meetings.PaperSubmitted"]["reference"]


def test_lines_of_the_other_shapes_a_meetings_event_may_take():
    by_hand = {
        **EXAMPLES["meetings.MeetingScheduled"],
        "origin": "by_hand",
        "cadence_slot": None,
        "reason": "An extra visit before the inspection window",
    }
    line = summarize("meetings.MeetingScheduled", by_hand)
    assert line.endswith("by hand") and "inspection window" not in line
    summer = {**by_hand, "scheduled_for": "2027-06-10T08:00:00Z"}  # 09:00 in England in June
    assert "2027-06-10 09:00" in summarize("meetings.MeetingScheduled", summer)
    cancelled = {**EXAMPLES["meetings.MeetingCancelled"], "why": "by_hand", "reason": "ill"}
    assert summarize("meetings.MeetingCancelled", cancelled) == "Meeting cancelled (by hand)"
    alone = {**EXAMPLES["meetings.ApologiesGiven"], "substitute": None}
    assert summarize("meetings.ApologiesGiven", alone).endswith("; no substitute")
    late = {**EXAMPLES["meetings.PaperSubmitted"], "submitted_on": "2026-10-30"}
    assert summarize("meetings.PaperSubmitted", late).endswith("due 2026-10-29 (late)")
    unjudged = {**EXAMPLES["meetings.MeetingHeld"], "area_judgements": {}}
    assert "judged" not in summarize("meetings.MeetingHeld", unjudged)
    deadlines = {
        **EXAMPLES["meetings.NotesCirculated"],
        "deadlines": [
            {
                "document": "Note of Visit",
                "to_role": "headteacher",
                "due_on": "2026-11-08",
                "delivered_on": "2026-11-08",
                "met": True,
            },
            {
                "document": "agreed Note of Visit",
                "to_role": "chief_executive",
                "due_on": "2026-11-12",
                "delivered_on": "2026-11-14",
                "met": False,
            },
        ],
    }
    assert summarize("meetings.NotesCirculated", deadlines) == (
        "Notes circulated on 2026-11-10: Note of Visit to the headteacher by 2026-11-08 met; "
        "agreed Note of Visit to the chief executive by 2026-11-12 missed (delivered 2026-11-14)"
    )
    no_area = {**EXAMPLES["meetings.ActionRaised"], "area": None}
    assert "(quality of education)" not in summarize("meetings.ActionRaised", no_area)


def test_a_payload_a_line_cannot_be_made_from_still_appears_by_its_type():
    assert summarize("meetings.MeetingHeld", {"academy_id": "a1"}) == "MeetingHeld"


def _envelope(event_type: str, payload: dict[str, Any]) -> EventEnvelope:
    return EventEnvelope(
        event_id=uuid.uuid4(),
        event_type=event_type,
        schema_version=1,
        stream="meeting-m1",
        stream_position=1,
        global_position=4,
        source="meetings",
        key=payload.get("academy_id") or payload["trust_id"],
        occurred_at=dt.datetime(2026, 11, 5, 16, 0, tzinfo=dt.UTC),
        actor=Actor(subject="lead@oakvalley.example", role="improvement_lead"),
        correlation_id="c1",
        payload=payload,
    )


@pytest.mark.parametrize("event_type", MEETINGS)
def test_an_academys_meeting_is_on_its_timeline_and_a_trust_wide_one_is_on_none(event_type):
    entry = entry_for(_envelope(event_type, EXAMPLES[event_type]))
    assert entry is not None
    assert (entry.academy_id, entry.source_service, entry.confidential) == (
        "alder-primary",
        "meetings",
        False,
    )
    assert entry.summary == EXPECTED[event_type]
    trust_wide = {**EXAMPLES[event_type], "academy_id": None}
    assert entry_for(_envelope(event_type, trust_wide)) is None


def test_an_intervention_is_on_the_academys_timeline_for_every_reader():
    event_type = "evaluations.FormalInterventionStarted"
    entry = entry_for(_envelope(event_type, EXAMPLES[event_type]))
    assert entry is not None and not entry.confidential
    assert entry.summary == EXPECTED[event_type]


# -- support ------------------------------------------------------------------------

SUPPORT_LINES = {
    "support.EntitlementGranted": (
        "Entitlement 2026/27: 6.00 days (core 6.00, tier 0.00, formal intervention 0.00, "
        "package items 0)"
    ),
    "support.EntitlementAdjusted": (
        "Entitlement 2026/27 adjusted (formal intervention started) from 2027-01-11: "
        "6.00 -> 11.00 days"
    ),
    "support.EntitlementUsed": "1.00 entitlement days used by a meeting on 2026-11-05",
    "support.ConflictOfInterestDeclared": (
        "Provider birch-attendance-lp declared a conflict of interest"
    ),
    "support.InvoiceRecorded": (
        "Invoice BIRCH-2027-014 from provider birch-attendance-lp: \u00a3700.00 for 1.50 days; "
        "discrepancy \u00a325.00"
    ),
    "support.InvoiceCredited": "Invoice BIRCH-2027-014 credited by BIRCH-CN-2027-003: \u00a3700.00",
    "support.BudgetProposed": (
        "Improvement budget 2026/27 proposed (revision 1): \u00a33,500.00 in 2 lines"
    ),
    "support.BudgetAgreed": (
        "Budget revision 1 agreed by ceo@oakvalley.example (chief executive); now in force"
    ),
    "support.OverCommitmentApproved": (
        "Over-commitment of \u00a3300.00 on line attendance approved by ceo@oakvalley.example "
        "(chief executive)"
    ),
    "support.SupportCommissioned": (
        "Support commissioned: attendance from provider birch-attendance-lp, 3.00 days at "
        "\u00a3450.00 = \u00a31,350.00 on line attendance, 2027-01-18 to 2027-03-26"
    ),
    "support.SupportDelivered": "Support delivered on 2027-01-20: 1.50 days (\u00a3675.00)",
}


@pytest.mark.parametrize("event_type", sorted(SUPPORT_LINES))
def test_the_line_of_a_support_event(event_type):
    assert summarize(event_type, EXAMPLES[event_type]) == SUPPORT_LINES[event_type]


def test_a_conflicts_nature_is_not_on_the_timeline():
    payload = EXAMPLES["support.ConflictOfInterestDeclared"]
    assert payload["nature"] and payload["nature"] not in summarize(
        "support.ConflictOfInterestDeclared", payload
    )


def test_a_providers_capacity_bookings_are_on_no_timeline():
    for event_type in ("support.ProviderCapacityBooked", "support.ProviderCapacityReleased"):
        assert entry_for(_envelope(event_type, EXAMPLES[event_type])) is None


def test_money_is_shown_in_pounds_from_exact_pence():
    invoice = {**EXAMPLES["support.InvoiceRecorded"], "amount_pence": 1, "discrepancy_pence": -5}
    line = summarize("support.InvoiceRecorded", invoice)
    assert "\u00a30.01 for" in line and "discrepancy -\u00a30.05" in line
