"""Given meetings' facts, when the consumer applies a register or evaluations
event, then the diary is brought in line with the cadence by the platform: the
meetings required scheduled, those no longer required cancelled, each event
caused by the triggering one; a replay schedules nothing twice."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from chassis.streams import category_of
from contracts.academies.v1 import AcademyLeftTrust
from contracts.evaluations.v1 import (
    ActorRef,
    FormalInterventionEnded,
    FormalInterventionStarted,
    PhaseChanged,
    WrittenNotice,
)
from contracts.meetings.v1 import ACADEMY_TOPIC, TRUST_TOPIC, MeetingCancelled, MeetingScheduled
from meetings.application.scheduling import SCHEDULER
from meetings.application.streams import topic_for
from meetings_controls import ACADEMY, PRESETS, TRUST
from meetings_world import adopted, trigger
from trustfacts.model import TrustFramework

WORSE, BETTER = dt.date(2027, 1, 11), dt.date(2027, 4, 19)


def phase_changed(new_phase: str, subject: str | None = None) -> PhaseChanged:
    who = ActorRef(subject="ceo@trust.example", role="chief_executive")
    return PhaseChanged(
        trust_id=TRUST,
        academy_id=ACADEMY,
        proposal_id=f"p-{new_phase}",
        subject=subject,
        old_phase=None,
        new_phase=new_phase,
        reason="annual review",
        review="annual",
        proposed_by=who,
        confirmed_by=ActorRef(subject="chair@board.example", role="trustee"),
        framework_version=1,
    )


def kinds(world, academy_id: str | None = ACADEMY) -> Counter[tuple[str, str]]:
    return Counter((r.meeting_type, r.status) for r in world.rows(academy_id))


async def test_registration_schedules_the_years_meetings_as_the_platform_caused_by_the_event(
    world,
):
    world.trust("seed-000-aid")
    await world.register()
    assert kinds(world) == {("aim", "scheduled"): 3}
    envelopes = world.envelopes()
    assert {e.event_type for e in envelopes} == {MeetingScheduled.EVENT_TYPE}
    assert {(e.actor, e.causation_id, e.key) for e in envelopes} == {
        (SCHEDULER, f"registered-{ACADEMY}", ACADEMY)
    }
    assert {category_of(e.stream) for e in envelopes} == {"meeting"}
    assert {topic_for(e) for e in envelopes} == {ACADEMY_TOPIC}
    assert all(e.payload["origin"] == "cadence" for e in envelopes)
    await world.register()  # replayed: the same slots, the same ids
    assert len(world.envelopes()) == 3


async def test_an_academy_registered_before_its_trusts_framework_is_scheduled_when_it_comes(
    world,
):
    await world.register()
    assert world.rows() == []
    framework = TrustFramework(TRUST, 1, PRESETS["seed-000-aid"], "seed-000-aid")
    outcome = await world.reactor.react(adopted(framework), trigger(dt.date(2026, 8, 21)))
    assert outcome.scheduled == 3 and kinds(world) == {("aim", "scheduled"): 3}
    older = TrustFramework(TRUST, 1, PRESETS["seed-004-focus"], "seed-004-focus")
    assert (await world.reactor.react(adopted(older), trigger(dt.date(2026, 8, 22)))).scheduled == 0
    assert world.facts.frameworks[TRUST].based_on_preset == "seed-000-aid"


async def test_good_then_less_than_good_then_good_adds_then_cancels_the_interim_meetings(world):
    world.trust("seed-000-aid")
    await world.register()
    await world.reactor.react(phase_changed("not_yet_good"), trigger(WORSE, "worse"))
    added = [r for r in world.rows(meeting_type="interim_aim")]
    assert [r.scheduled_for.date() >= WORSE + dt.timedelta(days=7) for r in added] == [True] * 2
    scheduled_by_change = [e for e in world.envelopes() if e.causation_id == "worse"]
    assert len(scheduled_by_change) == 2 and all(e.actor == SCHEDULER for e in scheduled_by_change)
    await world.reactor.react(phase_changed("not_yet_good"), trigger(WORSE, "again"))
    assert len(world.envelopes()) == 5  # the same facts again: nothing new

    await world.reactor.react(phase_changed("good_or_better"), trigger(BETTER, "better"))
    cancelled = [e for e in world.envelopes() if e.causation_id == "better"]
    assert [e.event_type for e in cancelled] == [MeetingCancelled.EVENT_TYPE]
    assert cancelled[0].payload["why"] == "no_longer_required"
    # the spring one is before the change (past, left for a person); the summer one goes
    assert kinds(world) == {
        ("aim", "scheduled"): 3,
        ("interim_aim", "scheduled"): 1,
        ("interim_aim", "cancelled"): 1,
    }


async def test_a_subjects_phase_changes_nothing_of_the_academys_meetings(world):
    world.trust("seed-001-carter")
    await world.register()
    before = len(world.envelopes())
    await world.reactor.react(phase_changed("stabilise", subject="maths"), trigger(WORSE))
    assert len(world.envelopes()) == before and world.facts.histories == {}
    await world.reactor.react(phase_changed("stabilise"), trigger(WORSE))
    assert kinds(world)[("academy_intervention_group", "scheduled")] == 4


async def test_formal_intervention_brings_monthly_task_groups_and_ending_it_cancels_the_rest(
    world,
):
    world.trust("seed-004-focus")
    await world.register()
    assert "task_group" not in {r.meeting_type for r in world.rows()}
    notice = WrittenNotice(dated=WORSE, to_roles=["headteacher"], reference="letter")
    started = FormalInterventionStarted(
        trust_id=TRUST,
        academy_id=ACADEMY,
        intervention_id="i1",
        started_on=WORSE,
        reason="inadequate",
        notice=notice,
    )
    await world.reactor.react(started, trigger(WORSE))
    assert [r.status for r in world.rows(meeting_type="task_group")] == ["scheduled"] * 6
    ended = FormalInterventionEnded(
        trust_id=TRUST,
        academy_id=ACADEMY,
        intervention_id="i1",
        ended_on=dt.date(2027, 4, 30),
        reason="improved",
    )
    await world.reactor.react(ended, trigger(dt.date(2027, 4, 30)))
    assert Counter(r.status for r in world.rows(meeting_type="task_group")) == {
        "scheduled": 3,
        "cancelled": 3,
    }


async def test_the_trust_wide_series_is_scheduled_once_for_the_trust_on_its_own_topic(world):
    sussex = TrustFramework(TRUST, 1, PRESETS["seed-002-sussex"], "seed-002-sussex")
    await world.reactor.react(adopted(sussex), trigger(dt.date(2026, 8, 20), "adopted"))
    series = world.rows(academy_id=None)
    assert {r.meeting_type for r in series} == {"heads_executive_meeting"} and len(series) == 19
    envelopes = world.envelopes()
    assert {(e.key, topic_for(e), category_of(e.stream)) for e in envelopes} == {
        (TRUST, TRUST_TOPIC, "trust_meeting")
    }
    assert all(e.payload["academy_id"] is None for e in envelopes)
    await world.register()
    assert kinds(world) == {("annual_review", "scheduled"): 1}
    again = TrustFramework(TRUST, 2, PRESETS["seed-002-sussex"], "seed-002-sussex")
    await world.reactor.react(adopted(again), trigger(dt.date(2026, 8, 25)))
    assert len(world.rows(academy_id=None)) == 19  # a new version, the same slots


async def test_an_academy_that_leaves_has_its_meetings_after_leaving_cancelled(world):
    world.trust("seed-000-aid")
    await world.register()
    left = AcademyLeftTrust(
        trust_id=TRUST, academy_id=ACADEMY, date_left=dt.date(2027, 1, 31), reason="rebrokered"
    )
    await world.reactor.react(left, trigger(dt.date(2027, 1, 15)))
    statuses = [(r.scheduled_for.date() > dt.date(2027, 1, 31), r.status) for r in world.rows()]
    assert statuses == [(False, "scheduled"), (False, "scheduled"), (True, "cancelled")]
    assert not world.facts.academies[ACADEMY].is_open


async def test_in_the_summer_holidays_the_next_year_is_scheduled_too(world):
    world.trust("seed-000-aid")
    await world.register(on=dt.date(2027, 7, 30))
    assert {r.academic_year for r in world.rows()} == {"2027/28"}
    assert len(world.rows()) == 3
