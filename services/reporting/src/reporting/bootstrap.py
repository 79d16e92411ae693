"""Wires reporting: the read models (the timeline, actions per owner, the ledger,
the board's facts), each projected by its own consumer group from Kafka, served
over gRPC."""

from __future__ import annotations

from chassis.consumer import ContractSet, IdempotentConsumer
from chassis.grpc_server import Registration
from chassis.runtime import ConsumerSpec, ServiceContext, ServiceSpec
from contracts.academies.v1 import ACADEMIES_EVENTS, ACADEMY_TOPIC, TRUST_TOPIC
from contracts.evaluations.v1 import ACADEMY_TOPIC as EVALUATIONS_TOPIC
from contracts.evaluations.v1 import EVALUATIONS_EVENTS
from contracts.meetings.v1 import ACADEMY_TOPIC as MEETINGS_TOPIC
from contracts.meetings.v1 import MEETINGS_EVENTS
from contracts.support.v1 import ACADEMY_TOPIC as SUPPORT_TOPIC
from contracts.support.v1 import PROVIDER_TOPIC as SUPPORT_PROVIDER_TOPIC
from contracts.support.v1 import SUPPORT_EVENTS

from reporting.adapters.actions_store import (
    ActionsStore,
    PostgresActions,
    actions_schema_statements,
)
from reporting.adapters.board_store import BoardStore, PostgresBoard, board_schema_statements
from reporting.adapters.ledger_store import LedgerStore, PostgresLedger
from reporting.adapters.ledger_store import schema_statements as ledger_schema_statements
from reporting.adapters.timeline_store import PostgresTimeline, TimelineStore, schema_statements
from reporting.domain.ledger import LEDGER_EVENTS
from reporting.entrypoints.access import ACCESS, SERVICE_NAME
from reporting.entrypoints.grpc_api import registration
from reporting.settings import ReportingSettings

TIMELINE_CONSUMER = "reporting.timeline"
TIMELINE_TOPICS = (
    ACADEMY_TOPIC,
    EVALUATIONS_TOPIC,
    MEETINGS_TOPIC,
    SUPPORT_TOPIC,
    SUPPORT_PROVIDER_TOPIC,  # invoices: the provider's documents, about an academy
)
# Actions per owner: an academy's meetings only. A trust-wide meeting's actions
# (meetings.trust) have no academy to scope a reader by, so they are left out.
ACTIONS_CONSUMER = "reporting.actions"
ACTIONS_TOPICS = (MEETINGS_TOPIC,)
# The support budget ledger: support's money (budgets and commissions on the
# academy topic, invoices on the provider's) and the academies' names.
LEDGER_CONSUMER = "reporting.ledger"
LEDGER_TOPICS = (SUPPORT_TOPIC, SUPPORT_PROVIDER_TOPIC, ACADEMY_TOPIC)
# The board's report: facts from every service, versioned by when they became known.
BOARD_CONSUMER = "reporting.board"
BOARD_TOPICS = (TRUST_TOPIC, ACADEMY_TOPIC, EVALUATIONS_TOPIC, MEETINGS_TOPIC, SUPPORT_TOPIC)


def _registrations(context: ServiceContext) -> list[Registration]:
    return [
        registration(
            PostgresTimeline(context.pool, TimelineStore()),
            actions=PostgresActions(context.pool, ActionsStore()),
            ledger=PostgresLedger(context.pool, LedgerStore()),
            board=PostgresBoard(context.pool, BoardStore()),
            report_cache_size=ReportingSettings().board_report_cache,
        )
    ]


def _consumers(context: ServiceContext) -> list[ConsumerSpec]:
    consumer = IdempotentConsumer(
        TIMELINE_CONSUMER,
        context.pool,
        TimelineStore().project,
        context.dead_letter,
        ContractSet(ACADEMIES_EVENTS, EVALUATIONS_EVENTS, MEETINGS_EVENTS, SUPPORT_EVENTS),
        context.settings.max_message_bytes,
    )
    actions = IdempotentConsumer(
        ACTIONS_CONSUMER,
        context.pool,
        ActionsStore().project,
        context.dead_letter,
        ContractSet(MEETINGS_EVENTS),
        context.settings.max_message_bytes,
    )
    ledger = IdempotentConsumer(
        LEDGER_CONSUMER,
        context.pool,
        LedgerStore().project,
        context.dead_letter,
        ContractSet(ACADEMIES_EVENTS, SUPPORT_EVENTS).only(LEDGER_EVENTS),
        context.settings.max_message_bytes,
    )
    board = IdempotentConsumer(
        BOARD_CONSUMER,
        context.pool,
        BoardStore().project,
        context.dead_letter,
        ContractSet(ACADEMIES_EVENTS, EVALUATIONS_EVENTS, MEETINGS_EVENTS, SUPPORT_EVENTS),
        context.settings.max_message_bytes,
    )
    return [
        ConsumerSpec(consumer, TIMELINE_TOPICS),
        ConsumerSpec(board, BOARD_TOPICS),
        ConsumerSpec(actions, ACTIONS_TOPICS),
        ConsumerSpec(ledger, LEDGER_TOPICS),
    ]


SPEC = ServiceSpec(
    name="reporting",
    schema=[
        *schema_statements(),
        *actions_schema_statements(),
        *ledger_schema_statements(),
        *board_schema_statements(),
    ],
    grpc_service_names=[SERVICE_NAME],
    registrations=_registrations,
    consumers=_consumers,
    access=[ACCESS],
)
