"""docs/events.md agrees with the code: limits, streams, headers, groups and roles."""

from __future__ import annotations

import pathlib
import re

from contracts import limits, messages
from contracts.export import models, topic_of

DOC = (pathlib.Path(__file__).resolve().parents[1] / "docs" / "events.md").read_text()


def section(title: str) -> str:
    start = DOC.index(f"\n## {title}\n")
    end = DOC.find("\n## ", start + 1)
    return DOC[start : end if end != -1 else None]


def test_the_limits_table_is_limits_py():
    table = {
        name: int(value)
        for name, value in re.findall(r"^\| `([A-Z_]+)` \| (\d+) \|", section("Limits"), re.M)
    }
    assert table == limits.ALL
    constants = {
        name: value
        for name, value in vars(limits).items()
        if name.isupper() and isinstance(value, int)
    }
    assert constants == limits.ALL, "limits.ALL must list every limit"


def test_the_compatibility_rule_is_stated_once():
    assert DOC.count("\n## Versioning\n") == 1
    assert DOC.count("Adding an optional field keeps the version") == 1
    assert DOC.count("Consumers tolerate unknown fields") == 1


def test_every_event_type_and_topic_is_named():
    for model in models():
        assert model.EVENT_TYPE.split(".", 1)[1] in DOC, model.EVENT_TYPE
        assert f"`{topic_of(model)}`" in DOC


def test_every_stream_kind_in_use_is_listed():
    from academies.application import streams
    from evaluations.application.record import stream_of
    from meetings.application import streams as meetings
    from support.application import streams as support

    table = section("The message")
    year = "<yyyy>/<yy>"
    for name in (
        streams.trust_stream("<trust id>"),
        streams.academy_stream("<academy id>"),
        streams.submission_stream("<submission id>"),
        streams.plan_stream("<academy id>", year),
        streams.self_evaluation_stream("<academy id>", year),
        stream_of("<academy id>"),
        meetings.MEETING.stream("<meeting id>"),
        meetings.TRUST_MEETING.stream("<meeting id>"),
        meetings.ACTION.stream("<action id>"),
        meetings.TRUST_ACTION.stream("<action id>"),
        support.ENTITLEMENT.stream("<academy id>", year),
        support.REQUEST.stream("<request id>"),
        support.PROVIDER.stream("<provider id>"),
        support.BUDGET.stream("<academy id>", year),
    ):
        assert f"`{name}`" in table, name


def test_headers_dead_letter_headers_groups_and_feed_roles_are_named():
    from chassis.feed import FEED_READER_ROLES
    from evaluations.bootstrap import FACTS_CONSUMER
    from meetings.bootstrap import FACTS_CONSUMER as MEETINGS_CONSUMER
    from reporting.bootstrap import TIMELINE_CONSUMER
    from support.bootstrap import FACTS_CONSUMER as SUPPORT_CONSUMER

    for header in messages.HEADER_NAMES:
        assert f"| `{header}` |" in DOC, header
    for header in messages.DLQ_HEADERS:
        assert f"`{header}`" in section("Dead-letter topics"), header
    consuming = section("Consuming the events")
    for group in (FACTS_CONSUMER, MEETINGS_CONSUMER, SUPPORT_CONSUMER, TIMELINE_CONSUMER):
        assert f"`{group}`" in consuming, group
    for role in FEED_READER_ROLES:
        assert f"`{role.value}`" in consuming, role
    assert "trust.feed.v1.EventFeed/ReadEvents" in consuming
