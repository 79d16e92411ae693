"""The improvement budget: proposed, adjusted, agreed, over-committed, read, listed."""

from __future__ import annotations

from chassis.auth import current_principal
from chassis.correlation import asking
from chassis.paging import page_request
from trust.support.v1 import support_pb2 as pb

from support.application import budgets
from support.application.ports import INDEX_KEY
from support.entrypoints.convert import replies
from support.entrypoints.convert import requests as convert
from support.entrypoints.rpc.base import Area, Context


class Budgets(Area):
    async def ProposeBudget(self, request: pb.ProposeBudgetRequest, context: Context) -> pb.Budget:
        principal, cause = asking(context)
        academy_id, year = convert.academy_year(request.academy_id, request.academic_year)
        view = await budgets.propose(
            self.ports,
            principal,
            academy_id,
            year,
            convert.lines_from_proto(list(request.lines)),
            request.reason,
            self.d.today(),
            cause,
        )
        return replies.budget_to_proto(view)

    async def AdjustBudget(self, request: pb.AdjustBudgetRequest, context: Context) -> pb.Budget:
        principal, cause = asking(context)
        academy_id, year = convert.academy_year(request.academy_id, request.academic_year)
        view = await budgets.adjust(
            self.ports,
            principal,
            academy_id,
            year,
            convert.lines_from_proto(list(request.lines)),
            request.reason,
            self.d.today(),
            cause,
        )
        return replies.budget_to_proto(view)

    async def AgreeBudget(self, request: pb.AgreeBudgetRequest, context: Context) -> pb.Budget:
        principal, cause = asking(context)
        academy_id, year = convert.academy_year(request.academy_id, request.academic_year)
        view = await budgets.agree(
            self.ports, principal, academy_id, year, request.revision, self.d.today(), cause
        )
        return replies.budget_to_proto(view)

    async def ApproveOverCommitment(
        self, request: pb.ApproveOverCommitmentRequest, context: Context
    ) -> pb.Budget:
        principal, cause = asking(context)
        academy_id, year = convert.academy_year(request.academy_id, request.academic_year)
        command = convert.over_commitment_from_proto(request)
        view = await budgets.approve_over_commitment(
            self.ports, principal, academy_id, year, command, self.d.today(), cause
        )
        return replies.budget_to_proto(view)

    async def GetBudget(self, request: pb.GetBudgetRequest, context: Context) -> pb.Budget:
        academy_id, year = convert.academy_year(request.academy_id, request.academic_year)
        view = await budgets.get_budget(
            self.ports, current_principal(), academy_id, year, self.d.today()
        )
        return replies.budget_to_proto(view)

    async def ListBudgets(
        self, request: pb.ListBudgetsRequest, context: Context
    ) -> pb.ListBudgetsResponse:
        page = page_request(request.page_size, request.page_token, INDEX_KEY)
        found, token = await budgets.list_budgets(
            self.ports,
            current_principal(),
            convert.require_id(request.trust_id, "trust_id"),
            convert.require_year(request.academic_year),
            page,
            self.d.today(),
        )
        return pb.ListBudgetsResponse(
            budgets=[replies.budget_to_proto(v) for v in found], next_page_token=token
        )
