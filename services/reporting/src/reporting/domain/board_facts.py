"""What the board's report is read from: facts, each versioned as events arrive. Pure.

Every event the report needs changes one or more *facts*, each named by its
academy (empty for the trust's own), kind and key: an academy's phase, one
return, one meeting, one action, the year's entitlement. A change is a function
from the fact's previous value (None at first) to its next one, and the store
keeps every version with the time it became known (the event's ``occurred_at``).
So "the report as at 20 March" is the latest version of each fact known by the
end of that day, a correction recorded later is only a later version, and the
report's read is one indexed query however long the history.

Each kind is fed from one topic keyed by academy (or trust), so a fact's
versions arrive in the order they were published. Values are plain JSON.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from chassis.envelope import EventEnvelope
from contracts.money import days, days_text
from contracts.values import academic_year_of

from reporting.domain.timeline import ENGLAND

Value = dict[str, Any]

TRUST = "trust"
FRAMEWORK = "framework"
ACADEMY = "academy"
PHASE = "phase"
INTERVENTION = "intervention"
JUDGEMENT = "judgement"
INSPECTION = "inspection"
RETURN = "return"
MEETING = "meeting"
ACTION = "action"
ENTITLEMENT = "entitlement"


@dataclass(frozen=True)
class FactChange:
    academy_id: str  # "" for the trust's own facts
    academic_year: str | None  # "" timeless; None: the fact's year as first recorded
    kind: str
    key: str
    evolve: Callable[[Value | None], Value]


@dataclass(frozen=True)
class Fact:
    """A fact's value as known at some time."""

    academy_id: str
    academic_year: str
    kind: str
    key: str
    value: Mapping[str, Any]


def _set(value: Value) -> Callable[[Value | None], Value]:
    return lambda _previous: value


def _merge(changes: Value) -> Callable[[Value | None], Value]:
    return lambda previous: {**(previous or {}), **changes}


def _day(envelope: EventEnvelope) -> str:
    """The day an event happened in England, where the report's dates are read."""
    return envelope.occurred_at.astimezone(ENGLAND).date().isoformat()


def _academy_registered(p: Mapping[str, Any], e: EventEnvelope) -> list[FactChange]:
    value = {
        "name": p["name"],
        "phase_of_education": p.get("phase_of_education", ""),
        "joined_on": str(p.get("date_joined") or _day(e)),
        "left_on": None,
    }
    return [FactChange(p["academy_id"], "", ACADEMY, "", _set(value))]


def _academy_changed(p: Mapping[str, Any], _e: EventEnvelope) -> list[FactChange]:
    changed = {k: p[k] for k in ("name", "phase_of_education") if p.get(k) is not None}
    return [FactChange(p["academy_id"], "", ACADEMY, "", _merge(changed))]


def _academy_left(p: Mapping[str, Any], e: EventEnvelope) -> list[FactChange]:
    left = {"left_on": str(p.get("date_left") or _day(e))}
    return [FactChange(p["academy_id"], "", ACADEMY, "", _merge(left))]


def _trust_created(p: Mapping[str, Any], _e: EventEnvelope) -> list[FactChange]:
    return [FactChange("", "", TRUST, "", _set({"name": p["name"]}))]


def _framework_adopted(p: Mapping[str, Any], _e: EventEnvelope) -> list[FactChange]:
    value = {"framework_id": p["framework_id"], "version": p["version"], "document": p["document"]}
    return [FactChange("", "", FRAMEWORK, "", _set(value))]


def _data_submitted(p: Mapping[str, Any], e: EventEnvelope) -> list[FactChange]:
    period = p["period"]
    value = {
        "academic_year": period["academic_year"],
        "term": period["term"],
        "half_term": period.get("half_term", 0),
        "return_type": p["return_type"],
        "values": p["values"],
        "revision": 1,
        "submitted_on": _day(e),
        "corrected_on": None,
    }
    return [
        FactChange(
            p["academy_id"], period["academic_year"], RETURN, p["submission_id"], _set(value)
        )
    ]


def _submission_corrected(p: Mapping[str, Any], e: EventEnvelope) -> list[FactChange]:
    changes = {"values": p["values"], "revision": p["revision"], "corrected_on": _day(e)}
    return [FactChange(p["academy_id"], None, RETURN, p["submission_id"], _merge(changes))]


def _inspection(p: Mapping[str, Any], _e: EventEnvelope) -> list[FactChange]:
    value = {
        "inspection_date": str(p["inspection_date"]),
        "scheme": p["scheme"],
        "grades": p.get("grades") or {},
        "safeguarding": p.get("safeguarding"),
    }
    return [FactChange(p["academy_id"], "", INSPECTION, str(p["inspection_date"]), _set(value))]


def _judged(p: Mapping[str, Any], e: EventEnvelope) -> list[FactChange]:
    value = {
        "kind": p["kind"],
        "academic_year": p["academic_year"],
        "term": p["term"],
        "scheme": p["scheme"],
        "judgements": p.get("judgements") or {},
        "judged_on": _day(e),
        "framework_version": p.get("framework_version"),
    }
    return [
        FactChange(p["academy_id"], p["academic_year"], JUDGEMENT, p["evaluation_id"], _set(value))
    ]


def _phase_changed(p: Mapping[str, Any], e: EventEnvelope) -> list[FactChange]:
    change = {"phase": p["new_phase"], "since": _day(e)}

    def evolve(previous: Value | None) -> Value:
        # The history too: a report as at a date takes the phase in force then,
        # even when a later decision is already known.
        history = [*(previous or {}).get("history", []), change]
        return {**change, "framework_version": p.get("framework_version"), "history": history}

    return [FactChange(p["academy_id"], "", PHASE, p.get("subject") or "", evolve)]


def _intervention_started(p: Mapping[str, Any], _e: EventEnvelope) -> list[FactChange]:
    value = {"open": True, "started_on": str(p["started_on"]), "ended_on": None}
    return [FactChange(p["academy_id"], "", INTERVENTION, "", _set(value))]


def _intervention_ended(p: Mapping[str, Any], _e: EventEnvelope) -> list[FactChange]:
    ended = {"open": False, "ended_on": str(p["ended_on"])}
    return [FactChange(p["academy_id"], "", INTERVENTION, "", _merge(ended))]


def _meeting_scheduled(p: Mapping[str, Any], _e: EventEnvelope) -> list[FactChange]:
    value = {
        "meeting_type": p["meeting_type"],
        "academic_year": p["academic_year"],
        "term": p["term"],
        "scheduled_on": str(p["scheduled_for"])[:10],
        "origin": p["origin"],
        "cancelled": False,
        "held_on": None,
        "papers": {},
        "deadlines": [],
    }
    return [FactChange(p["academy_id"], p["academic_year"], MEETING, p["meeting_id"], _set(value))]


def _meeting_rescheduled(p: Mapping[str, Any], _e: EventEnvelope) -> list[FactChange]:
    moved = {"scheduled_on": str(p["scheduled_for"])[:10], "term": p["term"]}
    return [FactChange(p["academy_id"], None, MEETING, p["meeting_id"], _merge(moved))]


def _meeting_cancelled(p: Mapping[str, Any], _e: EventEnvelope) -> list[FactChange]:
    return [
        FactChange(p["academy_id"], None, MEETING, p["meeting_id"], _merge({"cancelled": True}))
    ]


def _paper_submitted(p: Mapping[str, Any], _e: EventEnvelope) -> list[FactChange]:
    on_time = str(p["submitted_on"]) <= str(p["due_on"])

    def evolve(previous: Value | None) -> Value:
        meeting = dict(previous or {})
        meeting["papers"] = {**meeting.get("papers", {}), p["paper"]: on_time}
        return meeting

    return [FactChange(p["academy_id"], None, MEETING, p["meeting_id"], evolve)]


def _meeting_held(p: Mapping[str, Any], _e: EventEnvelope) -> list[FactChange]:
    held = {
        "held_on": str(p["held_on"]),
        "meeting_type": p["meeting_type"],
        "academic_year": p["academic_year"],
        "term": p["term"],
    }
    return [FactChange(p["academy_id"], p["academic_year"], MEETING, p["meeting_id"], _merge(held))]


def _notes_drafted(p: Mapping[str, Any], _e: EventEnvelope) -> list[FactChange]:
    """The first draft's day: a note deadline to someone the draft reaches (the
    framework's MeetingType.draft_reaches) is met by it, as meetings counts it."""

    def evolve(previous: Value | None) -> Value:
        meeting = dict(previous or {})
        meeting["drafted_on"] = meeting.get("drafted_on") or str(p["drafted_on"])
        return meeting

    return [FactChange(p["academy_id"], None, MEETING, p["meeting_id"], evolve)]


def _notes_circulated(p: Mapping[str, Any], _e: EventEnvelope) -> list[FactChange]:
    deadlines = [
        {"document": d["document"], "to_role": d["to_role"], "met": bool(d["met"])}
        for d in p.get("deadlines") or ()
    ]
    circulated = {"deadlines": deadlines, "circulated_on": str(p["circulated_on"])}
    return [FactChange(p["academy_id"], None, MEETING, p["meeting_id"], _merge(circulated))]


def _action_raised(p: Mapping[str, Any], _e: EventEnvelope) -> list[FactChange]:
    raised_on = dt.date.fromisoformat(str(p["raised_on"]))
    value = {
        "title": p["title"],
        "owner_subject": p["owner"]["subject"],
        "owner_role": p["owner"]["role"],
        "raised_on": raised_on.isoformat(),
        "due_on": str(p["due_on"]),
        "completed_on": None,
    }
    year = academic_year_of(raised_on)
    return [FactChange(p["academy_id"], year, ACTION, p["action_id"], _set(value))]


def _action_completed(p: Mapping[str, Any], _e: EventEnvelope) -> list[FactChange]:
    done = {"completed_on": str(p["completed_on"])}
    return [FactChange(p["academy_id"], None, ACTION, p["action_id"], _merge(done))]


def _action_carried(p: Mapping[str, Any], _e: EventEnvelope) -> list[FactChange]:
    due = {"due_on": str(p["due_on"])}
    return [FactChange(p["academy_id"], None, ACTION, p["action_id"], _merge(due))]


def _entitlement(p: Mapping[str, Any], _e: EventEnvelope) -> list[FactChange]:
    total = {"total_days": p["total_days"]}
    year = p["academic_year"]  # a fact per year: a new year starts with no days used
    return [FactChange(p["academy_id"], year, ENTITLEMENT, year, _merge(total))]


def _entitlement_used(p: Mapping[str, Any], _e: EventEnvelope) -> list[FactChange]:
    def evolve(previous: Value | None) -> Value:
        value = dict(previous or {"total_days": "0.00"})
        used = days(value.get("used_days", "0.00")) + days(p["days"])
        value["used_days"] = days_text(used)
        return value

    year = p["academic_year"]
    return [FactChange(p["academy_id"], year, ENTITLEMENT, year, evolve)]


_CHANGES: dict[str, Callable[[Mapping[str, Any], EventEnvelope], list[FactChange]]] = {
    "academies.TrustCreated": _trust_created,
    "academies.FrameworkAdopted": _framework_adopted,
    "academies.AcademyRegistered": _academy_registered,
    "academies.AcademyDetailsChanged": _academy_changed,
    "academies.AcademyLeftTrust": _academy_left,
    "academies.DataSubmitted": _data_submitted,
    "academies.SubmissionCorrected": _submission_corrected,
    "academies.InspectionRecorded": _inspection,
    "evaluations.EvaluationJudged": _judged,
    "evaluations.PhaseChanged": _phase_changed,
    "evaluations.FormalInterventionStarted": _intervention_started,
    "evaluations.FormalInterventionEnded": _intervention_ended,
    "meetings.MeetingScheduled": _meeting_scheduled,
    "meetings.MeetingRescheduled": _meeting_rescheduled,
    "meetings.MeetingCancelled": _meeting_cancelled,
    "meetings.PaperSubmitted": _paper_submitted,
    "meetings.MeetingHeld": _meeting_held,
    "meetings.NotesDrafted": _notes_drafted,
    "meetings.NotesCirculated": _notes_circulated,
    "meetings.ActionRaised": _action_raised,
    "meetings.ActionCompleted": _action_completed,
    "meetings.ActionCarriedForward": _action_carried,
    "support.EntitlementGranted": _entitlement,
    "support.EntitlementAdjusted": _entitlement,
    "support.EntitlementUsed": _entitlement_used,
}
BOARD_EVENTS = frozenset(_CHANGES)


def fact_changes(envelope: EventEnvelope) -> list[FactChange]:
    """The facts an event changes; none for an event the report does not read, or
    for a trust-wide meeting's (the report is per academy)."""
    change = _CHANGES.get(envelope.event_type)
    payload = envelope.payload
    if change is None or not payload.get("trust_id"):
        return []
    if envelope.event_type.startswith("meetings.") and not payload.get("academy_id"):
        return []
    return change(payload, envelope)
