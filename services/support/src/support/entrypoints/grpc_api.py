"""gRPC API of support: proto -> command -> handler -> proto.

Who may call what is ``entrypoints/access.py`` (the bootstrap checks the role
first); conversions are ``entrypoints/convert/``; the rules are the handlers'.
The servicer is composed of one mixin per area (``entrypoints/rpc/``).
"""

from __future__ import annotations

from collections.abc import Callable

import grpc
from trust.support.v1 import support_pb2_grpc

from support.entrypoints.rpc.base import Dependencies
from support.entrypoints.rpc.budgets import Budgets
from support.entrypoints.rpc.commissions import Commissions
from support.entrypoints.rpc.entitlements import EntitlementsAndRequests
from support.entrypoints.rpc.providers import Providers

__all__ = ["Dependencies", "SupportServicer", "registration"]


class SupportServicer(
    EntitlementsAndRequests,
    Providers,
    Budgets,
    Commissions,
    support_pb2_grpc.SupportServiceServicer,
):
    def __init__(self, deps: Dependencies) -> None:
        self.d = deps


def registration(deps: Dependencies) -> Callable[[grpc.aio.Server], None]:
    def register(server: grpc.aio.Server) -> None:
        support_pb2_grpc.add_SupportServiceServicer_to_server(SupportServicer(deps), server)

    return register
