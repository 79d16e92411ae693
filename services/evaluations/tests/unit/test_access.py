"""The access table has one row per RPC of the service, and the judges' row is
every role that may make some kind of evaluation (the kind decides the rest)."""

from __future__ import annotations

from chassis.auth import Role
from evaluations.domain.decisions import KINDS
from evaluations.entrypoints.access import ACCESS
from trust.evaluations.v1 import evaluations_pb2 as pb


def test_every_rpc_has_a_row_and_every_row_an_rpc():
    service = pb.DESCRIPTOR.services_by_name["EvaluationsService"]
    assert ACCESS.service == service.full_name
    assert ACCESS.rpcs() == sorted(method.name for method in service.methods)


def test_the_judges_are_those_some_kind_of_evaluation_names():
    assert ACCESS.rule("JudgeEvaluation").roles == {r for roles in KINDS.values() for r in roles}
    assert Role.SERVICE not in {r for rule in ACCESS.rules.values() for r in rule.roles}
