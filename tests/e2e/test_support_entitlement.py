"""Support's entitlement end to end, for every preset, through the gRPC APIs with
the events flowing over Kafka.

A trust on the preset registers an academy: support grants the year's days from
the framework (core + the package; no phase yet). A phase confirmed in
evaluations adds its support tier's days; meetings whose type uses entitlement
days (seed 000: its three AIMs), held in meetings, use them as of their day (the
day before they are unused); formal intervention started in evaluations adds its
days; support delivered from the entitlement uses most of what is left, and a
lower phase (seed 000, whose tiers add nothing: formal intervention ended) then
takes the total down, never below the days used. Finally PhaseChanged, the intervention events and
MeetingHeld are redelivered, as the same records and as copies under new event
ids (a second publication), and nothing changes: the same figures, the same
changes and uses, no event appended.

Every figure is written out per preset below and checked against the preset
files, so a change to a preset shows here first.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from chassis.auth import Role
from chassis.envelope import EventEnvelope
from contracts.evaluations.v1 import ACADEMY_TOPIC as EVALUATIONS_TOPIC
from contracts.meetings.v1 import ACADEMY_TOPIC as MEETINGS_TOPIC
from contracts.money import days, days_text
from trust.evaluations.v1 import evaluations_pb2 as epb
from trust.meetings.v1 import meetings_pb2 as mpb
from trust.support.v1 import support_pb2 as spb
from trust_local import launcher
from trust_local.clients import Caller, PlatformClients, eventually

from .test_meetings_support import PRESETS, meetings_when, new_trust, person, this_year, today

# Days as support reads and publishes them (two places).
d, text = days, days_text


@dataclass(frozen=True)
class Case:
    high: str  # a phase whose support tier adds the most days
    low: str  # a phase whose support tier adds the fewest
    core: str
    tiers: dict[str, str]  # support tier -> days it adds (the preset's additional_days_by_tier)
    high_tier: str
    low_tier: str
    formal_intervention: str
    package: int  # items of the standard annual package
    package_days: str
    meeting: str | None  # a type scheduled for the academy in `high` that uses days
    meeting_days: str = "0.00"
    held: int = 1  # how many of them are held


CASES = {
    # Seed 000: six AID days, the three AIMs (1 day each) among them; no tier adds days.
    "seed-000-aid": Case(
        "not_yet_good",
        "good_or_better",
        core="6.00",
        tiers={"additional": "0.00"},
        high_tier="additional",
        low_tier="core",
        formal_intervention="4.00",
        package=0,
        package_days="0.00",
        meeting="aim",
        meeting_days="1.00",
        held=3,
    ),
    "seed-001-carter": Case(
        "stabilise",
        "sustain",
        core="3.00",
        tiers={
            "universal": "0.00",
            "targeted": "3.00",
            "intensive": "6.00",
            "intervention": "12.00",
        },
        high_tier="intervention",
        low_tier="universal",
        formal_intervention="6.00",
        package=0,
        package_days="0.00",
        meeting="quality_assurance_review",
        meeting_days="1.00",
    ),
    # Seed 002: no core days; the fifteen initiatives of the standard package.
    "seed-002-sussex": Case(
        "immediate_intervention",
        "standard",
        core="0.00",
        tiers={"additional": "5.00", "intensive": "20.00"},
        high_tier="intensive",
        low_tier="standard",
        formal_intervention="10.00",
        package=15,
        package_days="10.50",
        meeting=None,  # neither of its meeting types uses entitlement days
    ),
    "seed-003-aspire": Case(
        "category_3",
        "category_1",
        core="3.00",
        tiers={"light_touch": "0.00", "external_input": "6.00", "intervention": "12.00"},
        high_tier="intervention",
        low_tier="light_touch",
        formal_intervention="6.00",
        package=0,
        package_days="0.00",
        meeting="termly_review",  # scheduled once the academy is in category 2 or 3
        meeting_days="1.00",
    ),
    # Seed 004: six days of Focus Education consultancy, a day per consultancy visit.
    "seed-004-focus": Case(
        "formal_intervention",
        "self_managing",
        core="6.00",
        tiers={"bespoke": "4.00", "intervention": "10.00"},
        high_tier="intervention",
        low_tier="partnership",
        formal_intervention="5.00",
        package=0,
        package_days="0.00",
        meeting="consultancy_visit",
        meeting_days="1.00",
    ),
}


def tier_days(case: Case, tier: str) -> Decimal:
    return d(case.tiers.get(tier, "0"))


@pytest.mark.parametrize("preset", sorted(CASES))
def test_the_figures_here_are_the_preset_files(preset):
    framework, case = PRESETS[preset], CASES[preset]
    rules = framework.entitlements
    assert d(rules.core_days_per_year) == d(case.core)
    assert {t: d(x) for t, x in rules.additional_days_by_tier.items()} == {
        t: d(x) for t, x in case.tiers.items()
    }
    assert d(rules.formal_intervention_days) == d(case.formal_intervention)
    assert len(rules.package) == case.package
    assert sum((d(i.days) for i in rules.package), d(0)) == d(case.package_days)
    high, low = framework.phase(case.high), framework.phase(case.low)
    assert high and low and (high.support_tier, low.support_tier) == (case.high_tier, case.low_tier)
    assert max(tier_days(case, p.support_tier) for p in framework.phases) == tier_days(
        case, case.high_tier
    )
    used_by = {m.id: d(m.entitlement_days) for m in framework.meeting_types}
    if case.meeting is None:
        assert set(used_by.values()) == {d(0)}
    else:
        assert used_by[case.meeting] == d(case.meeting_days) > 0
    if preset == "seed-001-carter":  # the brief's numbers, written out once more
        assert rules.additional_days_by_tier == {
            "universal": 0,
            "targeted": 3,
            "intensive": 6,
            "intervention": 12,
        }


# -- the platform's parts this test reaches into ----------------------------------------


async def _fetchval(platform, database: str, sql: str, *args):
    conn = await asyncpg.connect(platform.postgres.dsn(database))
    try:
        return await conn.fetchval(sql, *args)
    finally:
        await conn.close()


async def support_events_of(platform, academy_id: str) -> int:
    """Events support appended for the academy (its entitlement, budget, requests)."""
    return await _fetchval(
        platform, "support", "SELECT count(*) FROM events WHERE partition_key = $1", academy_id
    )


async def processed_by_support(platform, event_id: uuid.UUID) -> None:
    """Until one of support's consumers has applied the event (its inbox has it)."""
    await eventually(
        lambda: _fetchval(
            platform,
            "support",
            "SELECT count(*) FROM processed_messages WHERE event_id = $1",
            event_id,
        ),
        accept=lambda n: n > 0,
        timeout=60,
    )


@dataclass(frozen=True)
class Published:
    partition: int
    key: bytes
    value: bytes
    headers: tuple
    envelope: EventEnvelope


async def published(
    platform, topic: str, key: str, wanted: Callable[[EventEnvelope], bool]
) -> list[Published]:
    """The records on ``topic`` under ``key`` that ``wanted`` takes, in order: the topic
    read from the beginning to the end it had when asked."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=platform.kafka.bootstrap_servers,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    found: list[Published] = []
    try:
        parts = [TopicPartition(topic, p) for p in range(launcher.PARTITIONS)]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        left = {p for p in parts if ends[p] > 0}
        while left:
            batch = await consumer.getmany(*left, timeout_ms=500)
            for part, records in batch.items():
                for record in records:
                    if record.key == key.encode():
                        envelope = EventEnvelope.from_json_bytes(record.value)
                        if wanted(envelope):
                            found.append(
                                Published(
                                    record.partition,
                                    record.key,
                                    record.value,
                                    tuple(record.headers or ()),
                                    envelope,
                                )
                            )
                if await consumer.position(part) >= ends[part]:
                    left.discard(part)
    finally:
        await consumer.stop()
    return found


async def replay(platform, topic: str, records: list[Published], fresh_ids: bool = False) -> list:
    """The records sent again to their partition, as they were or (``fresh_ids``)
    as copies with new event ids; the event ids sent."""
    producer = AIOKafkaProducer(bootstrap_servers=platform.kafka.bootstrap_servers)
    await producer.start()
    sent = []
    try:
        for record in records:
            value, event_id = record.value, record.envelope.event_id
            headers = list(record.headers)
            if fresh_ids:
                event_id = uuid.uuid4()
                value = record.envelope.model_copy(update={"event_id": event_id}).to_json_bytes()
                headers = [
                    (name, str(event_id).encode() if name == "event_id" else raw)
                    for name, raw in headers
                ]
            await producer.send_and_wait(
                topic, value, key=record.key, partition=record.partition, headers=headers
            )
            sent.append(event_id)
    finally:
        await producer.stop()
    return sent


# -- the steps --------------------------------------------------------------------------


async def confirm_phase(
    clients: PlatformClients, ceo: Caller, trustee: Caller, academy_id: str, phase: str
) -> str:
    proposal = await eventually(  # evaluations learns the academy from Kafka
        lambda: clients.evaluations.ProposePhase(
            epb.ProposePhaseRequest(
                academy_id=academy_id, phase=phase, reason="support e2e", review="exceptional"
            ),
            metadata=ceo.metadata,
        )
    )
    await clients.evaluations.ConfirmPhase(
        epb.DecideProposalRequest(academy_id=academy_id, proposal_id=proposal.proposal_id),
        metadata=trustee.metadata,
    )
    return proposal.proposal_id


def summary(e: spb.Entitlement) -> tuple:
    return (
        e.granted_days,
        e.used_days,
        e.remaining_days,
        [(c.change, c.effective_on, c.total_days) for c in e.changes],
        [(u.use, u.source_id, u.days, u.used_on) for u in e.uses],
    )


@pytest.mark.parametrize("preset", sorted(CASES))
async def test_the_entitlement_follows_phase_meetings_intervention_and_redelivery(
    platform, clients, preset
):
    case = CASES[preset]
    framework = PRESETS[preset]
    support = clients.support
    trust_id, ceo, [academy_id] = await new_trust(clients, preset, prefix="se")
    trustee = clients.caller("trustee@se", Role.TRUSTEE, trust_id)
    day, year = today(), this_year()
    yesterday = day - dt.timedelta(days=1)

    def entitlement(as_of: dt.date | None = None):
        return support.GetEntitlement(
            spb.GetEntitlementRequest(
                academy_id=academy_id,
                academic_year=year,
                as_of=as_of.isoformat() if as_of else "",
            ),
            metadata=ceo.metadata,
        )

    def entitlement_when(accept: Callable[[spb.Entitlement], bool]):
        return eventually(entitlement, accept=accept, timeout=60)

    core, package_days = d(case.core), d(case.package_days)
    high, low = tier_days(case, case.high_tier), tier_days(case, case.low_tier)
    fi_days = d(case.formal_intervention)

    # 1. Granted when support knows the academy and the trust's framework: core +
    #    package, no phase yet.
    total = core + package_days
    granted = await entitlement_when(lambda e: e.granted)
    assert (granted.trust_id, granted.academy_id, granted.academic_year) == (
        trust_id,
        academy_id,
        year,
    )
    assert (granted.core_days, granted.tier_days, granted.phase) == (case.core, "0.00", "")
    assert not granted.formal_intervention and granted.framework_version == 1
    assert [(p.name, p.need_area, p.days) for p in granted.package] == [
        (i.name, i.need_area, text(d(i.days))) for i in framework.entitlements.package
    ]
    assert len(granted.package) == case.package
    assert (granted.granted_days, granted.used_days, granted.remaining_days) == (
        text(total),
        "0.00",
        text(total),
    )
    assert [(c.change, c.total_days) for c in granted.changes] == [("granted", text(total))]
    assert list(granted.uses) == []
    expected_changes = [("granted", text(total))]

    # 2. A phase confirmed: its tier's days added from today (nothing when it adds none).
    proposal = await confirm_phase(clients, ceo, trustee, academy_id, case.high)
    if high:
        total += high
        expected_changes.append(("phase_changed", text(total)))
        now = await entitlement_when(lambda e: e.granted_days == text(total))
        last = now.changes[-1]
        assert (last.change, last.effective_on, last.phase, last.support_tier) == (
            "phase_changed",
            day.isoformat(),
            case.high,
            case.high_tier,
        )
        assert (now.phase, now.support_tier, now.tier_days) == (
            case.high,
            case.high_tier,
            text(high),
        )
    else:  # once support has applied the PhaseChanged: nothing appended
        changed = await _fetchval(
            platform,
            "evaluations",
            "SELECT event_id FROM events WHERE event_type = 'evaluations.PhaseChanged' "
            "AND payload->>'proposal_id' = $1",
            proposal,
        )
        await processed_by_support(platform, changed)
        now = await entitlement()
        assert now.granted_days == text(total)
    assert [(c.change, c.total_days) for c in now.changes] == expected_changes

    # 3. Meetings held use their days on their day; the day before they are unused
    #    (seed 000: the three AIMs, a day each, out of its six).
    used = d(0)
    if case.meeting:
        found = await meetings_when(
            clients,
            ceo,
            trust_id,
            academy_id,
            lambda ms: (
                sum(m.meeting_type == case.meeting and m.status == "scheduled" for m in ms)
                >= case.held
            ),
        )
        meeting_ids = [
            m.meeting_id
            for m in sorted(found, key=lambda m: m.scheduled_for)
            if m.meeting_type == case.meeting and m.status == "scheduled"
        ][: case.held]
        for meeting_id in meeting_ids:
            held = await clients.meetings.HoldMeeting(
                mpb.HoldMeetingRequest(
                    meeting_id=meeting_id,
                    held_on=day.isoformat(),
                    attendees=[person("ceo@mt", Role.CHIEF_EXECUTIVE)],
                ),
                metadata=ceo.metadata,
            )
            assert held.entitlement_days == case.meeting_days
            used += d(case.meeting_days)
        now = await entitlement_when(lambda e: e.used_days == text(used))
        assert now.remaining_days == text(total - used)
        assert sorted((u.use, u.source_id, u.days, u.used_on) for u in now.uses) == sorted(
            ("meeting", m, case.meeting_days, day.isoformat()) for m in meeting_ids
        )
        assert not any(u.use != "meeting" for u in now.uses)
        if yesterday >= dt.date(int(year[:4]), 9, 1):  # the day before, in the same year
            before = await entitlement(yesterday)
            assert before.as_of == yesterday.isoformat()
            assert before.used_days == "0.00"
            assert before.remaining_days == before.granted_days
        on_the_day = await entitlement(day)
        assert (on_the_day.used_days, on_the_day.remaining_days) == (
            text(used),
            text(total - used),
        )

    # 4. Formal intervention started: its days added.
    intervention_id = f"fi-{uuid.uuid4().hex[:8]}"
    await clients.evaluations.StartFormalIntervention(
        epb.StartFormalInterventionRequest(
            academy_id=academy_id,
            reason="support e2e",
            notice=epb.NoticeGiven(issued_on=day.isoformat(), reference="letters/notice.pdf"),
            intervention_id=intervention_id,
        ),
        metadata=ceo.metadata,
    )
    total += fi_days
    expected_changes.append(("formal_intervention_started", text(total)))
    now = await entitlement_when(lambda e: e.granted_days == text(total))
    assert now.formal_intervention and now.formal_intervention_days == case.formal_intervention
    assert now.changes[-1].change == "formal_intervention_started"
    assert now.remaining_days == text(total - used)

    # 5. Support delivered from the entitlement uses all but one of the days left.
    delivered = total - used - 1
    provider_subject = f"consultant-{uuid.uuid4().hex[:6]}@se"
    provider = await support.RegisterProvider(
        spb.RegisterProviderRequest(
            trust_id=trust_id,
            name="Entitlement Consulting",
            kind="consultant",
            contact_subject=provider_subject,
            specialisms=["leadership"],
            day_rate_pence=40_000,
            capacity_days_per_term="100",
        ),
        metadata=ceo.metadata,
    )
    await support.RecordDueDiligence(
        spb.RecordDueDiligenceRequest(
            provider_id=provider.provider_id,
            check="dbs",
            outcome="passed",
            expires_on=(day + dt.timedelta(days=365)).isoformat(),
        ),
        metadata=ceo.metadata,
    )
    commission = await support.CommissionSupport(
        spb.CommissionSupportRequest(
            academy_id=academy_id,
            need_area="leadership",
            provider_id=provider.provider_id,
            days=text(delivered),
            day_rate_pence=40_000,
            from_entitlement=True,
            starts_on=day.isoformat(),
            ends_on=day.isoformat(),
        ),
        metadata=ceo.metadata,
    )
    assert commission.from_entitlement and not commission.budget_line
    consultant = clients.caller(provider_subject, Role.PROVIDER, trust_id, [academy_id])
    logged = await support.LogDelivery(
        spb.LogDeliveryRequest(
            commission_id=commission.commission_id,
            delivered_on=day.isoformat(),
            days=text(delivered),
            note="Leadership coaching",
        ),
        metadata=consultant.metadata,
    )
    [delivery] = logged.deliveries
    used += delivered
    now = await entitlement()  # the use is appended with the delivery
    assert (now.granted_days, now.used_days, now.remaining_days) == (
        text(total),
        text(used),
        "1.00",
    )
    assert now.uses[-1].use == "delivery" and now.uses[-1].source_id == delivery.delivery_id
    assert now.uses[-1].days == text(delivered)

    # 6. The total comes down, never below the days used: a lower phase (seed 000,
    #    whose tiers add no days: formal intervention ended).
    if high > low:
        await confirm_phase(clients, ceo, trustee, academy_id, case.low)
        change = "phase_changed"
    else:
        await clients.evaluations.EndFormalIntervention(
            epb.EndFormalInterventionRequest(
                academy_id=academy_id, intervention_id=intervention_id, reason="support e2e"
            ),
            metadata=ceo.metadata,
        )
        change = "formal_intervention_ended"
    assert total - (high - low if high > low else fi_days) < used  # the rule bites
    total = used
    expected_changes.append((change, text(total)))
    now = await entitlement_when(lambda e: e.granted_days == text(total))
    assert now.changes[-1].change == change
    assert now.remaining_days == "0.00"
    assert [(c.change, c.total_days) for c in now.changes] == expected_changes
    if high > low:
        assert (now.phase, now.support_tier) == (case.low, case.low_tier)

    # 7. Redelivery changes nothing: the records again as they were (each consumer's
    #    inbox knows them), then copies under new event ids (the domain must know
    #    them: the latest phase is the phase it is in, the meeting's days are used).
    before, appended = await entitlement(), await support_events_of(platform, academy_id)
    standing = await published(
        platform,
        EVALUATIONS_TOPIC,
        academy_id,
        lambda e: (
            e.event_type
            in {
                "evaluations.PhaseChanged",
                "evaluations.FormalInterventionStarted",
                "evaluations.FormalInterventionEnded",
            }
        ),
    )
    assert sum(p.envelope.event_type == "evaluations.PhaseChanged" for p in standing) == (
        2 if high > low else 1
    )
    meetings = await published(
        platform, MEETINGS_TOPIC, academy_id, lambda e: e.event_type == "meetings.MeetingHeld"
    )
    assert len(meetings) == (case.held if case.meeting else 0)
    await replay(platform, EVALUATIONS_TOPIC, standing)
    await replay(platform, MEETINGS_TOPIC, meetings)
    last_phase = [p for p in standing if p.envelope.event_type == "evaluations.PhaseChanged"][-1:]
    markers = [
        *await replay(platform, EVALUATIONS_TOPIC, last_phase, fresh_ids=True),
        *await replay(platform, MEETINGS_TOPIC, meetings, fresh_ids=True),
    ]
    for event_id in markers:  # behind the replayed records on their partitions
        await processed_by_support(platform, event_id)
    after = await entitlement()
    assert summary(after) == summary(before)
    assert [(c.change, c.total_days) for c in after.changes] == expected_changes
    assert len(after.uses) == (case.held if case.meeting else 0) + 1
    assert await support_events_of(platform, academy_id) == appended
