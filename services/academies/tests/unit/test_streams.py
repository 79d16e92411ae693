"""Stream names follow the chassis grammar; topics follow the stream's category."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from academies.application import streams
from chassis.envelope import Actor, EventEnvelope
from chassis.errors import InvalidArgument
from chassis.streams import parse_stream


def test_each_kind_names_its_streams_with_compound_ids_joined_by_plus():
    assert streams.trust_stream("t1") == "trust-t1"
    assert streams.academy_stream("a1") == "academy-a1"
    assert streams.submission_stream("s1") == "submission-s1"
    assert streams.plan_stream("a1", "2026/27") == "plan-a1+2026/27"
    assert parse_stream(streams.self_evaluation_stream("a1", "2026/27")).ids == ("a1", "2026/27")


@pytest.mark.parametrize("ids", [("",), ("a+b",), ("a1", "")])
def test_an_id_the_grammar_cannot_hold_is_the_callers_mistake(ids):
    with pytest.raises(InvalidArgument, match="not a valid id"):
        streams.PLAN.stream(*ids)


@pytest.mark.parametrize(
    ("stream", "topic"),
    [
        ("trust-t1", "academies.trust"),
        ("trustees-x", "academies.academy"),  # a category is the whole word, not a prefix
        ("academy-a1", "academies.academy"),
        ("plan-a1+2026/27", "academies.academy"),
    ],
)
def test_the_topic_follows_the_streams_category(stream, topic):
    envelope = EventEnvelope(
        event_id=uuid.uuid4(),
        event_type="academies.X",
        schema_version=1,
        stream=stream,
        stream_position=1,
        source="academies",
        key="k",
        occurred_at=dt.datetime(2026, 11, 23, tzinfo=dt.UTC),
        actor=Actor(subject="s", role="headteacher"),
        correlation_id="c",
        payload={},
    )
    assert streams.topic_for(envelope) == topic
