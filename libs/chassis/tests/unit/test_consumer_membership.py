"""A killed consumer gives its partitions back soon: the subscriber carries the short
session it is configured with (how soon in seconds: bench/consumer_restart.py)."""

from __future__ import annotations

from typing import Any

from chassis.consumer import (
    DEFAULT_SESSION_TIMEOUT_MS,
    ContractSet,
    IdempotentConsumer,
    subscribe_idempotent,
)


class RecordingBroker:
    def __init__(self) -> None:
        self.options: dict[str, Any] = {}
        self.topics: tuple[Any, ...] = ()

    def subscriber(self, *topics: Any, **options: Any):
        self.topics, self.options = topics, options
        return lambda handler: handler


def _consumer() -> IdempotentConsumer:
    return IdempotentConsumer("c", None, None, None, ContractSet())  # type: ignore[arg-type]


def test_the_subscriber_uses_a_short_session_heartbeats_within_it_and_commits_by_hand():
    broker = RecordingBroker()
    subscribe_idempotent(broker, _consumer(), ["t"])
    assert broker.options["session_timeout_ms"] == DEFAULT_SESSION_TIMEOUT_MS <= 3000
    assert broker.options["heartbeat_interval_ms"] * 3 <= broker.options["session_timeout_ms"]
    assert broker.options["group_instance_id"] is None
    assert broker.options["ack_policy"].name == "MANUAL"
    assert [topic.declare for topic in broker.topics] == [False]


def test_a_configured_session_and_instance_id_reach_the_subscriber():
    broker = RecordingBroker()
    subscribe_idempotent(broker, _consumer(), ["t"], instance_id="pod-1", session_timeout_ms=6000)
    assert broker.options["session_timeout_ms"] == 6000
    assert broker.options["heartbeat_interval_ms"] == 1500
    assert broker.options["group_instance_id"] == "c.pod-1"
