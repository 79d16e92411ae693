"""Entitlements, requests and matching."""

from __future__ import annotations

from chassis.auth import current_principal
from chassis.correlation import asking
from chassis.paging import page_request
from trust.support.v1 import support_pb2 as pb

from support.application import entitlements, matching, requests
from support.application.ports import INDEX_KEY
from support.entrypoints.convert import replies
from support.entrypoints.convert import requests as convert
from support.entrypoints.rpc.base import Area, Context


class EntitlementsAndRequests(Area):
    async def GetEntitlement(
        self, request: pb.GetEntitlementRequest, context: Context
    ) -> pb.Entitlement:
        academy_id, year, as_of = convert.entitlement_query(request, self.d.today())
        view = await entitlements.get_entitlement(
            self.ports, current_principal(), academy_id, year, as_of
        )
        return replies.entitlement_to_proto(view)

    async def ListEntitlements(
        self, request: pb.ListEntitlementsRequest, context: Context
    ) -> pb.ListEntitlementsResponse:
        page = page_request(request.page_size, request.page_token, INDEX_KEY)
        found, token = await entitlements.list_entitlements(
            self.ports,
            current_principal(),
            convert.require_id(request.trust_id, "trust_id"),
            convert.optional_year(request.academic_year),
            convert.as_of(request.as_of, "as_of", self.d.today()),
            page,
        )
        return pb.ListEntitlementsResponse(
            entitlements=[replies.entitlement_to_proto(v) for v in found], next_page_token=token
        )

    async def RequestSupport(
        self, request: pb.RequestSupportRequest, context: Context
    ) -> pb.SupportRequest:
        principal, cause = asking(context)
        command = convert.request_from_proto(request)
        view = await requests.request_support(self.ports, principal, command, self.d.today(), cause)
        return replies.request_to_proto(view)

    async def TriageRequest(
        self, request: pb.TriageRequestRequest, context: Context
    ) -> pb.SupportRequest:
        principal, cause = asking(context)
        request_id, outcome, reason = convert.triage_from_proto(request)
        view = await requests.triage(
            self.ports, principal, request_id, outcome, reason, self.d.today(), cause
        )
        return replies.request_to_proto(view)

    async def GetRequest(
        self, request: pb.GetRequestRequest, context: Context
    ) -> pb.SupportRequest:
        request_id = convert.require_id(request.request_id, "request_id")
        view = await requests.get_request(self.ports, current_principal(), request_id)
        return replies.request_to_proto(view)

    async def ListRequests(
        self, request: pb.ListRequestsRequest, context: Context
    ) -> pb.ListRequestsResponse:
        page = page_request(request.page_size, request.page_token, INDEX_KEY)
        found, token = await requests.list_requests(
            self.ports,
            current_principal(),
            convert.require_id(request.trust_id, "trust_id"),
            convert.optional_id(request.academy_id, "academy_id"),
            convert.request_status(request.status),
            page,
        )
        return pb.ListRequestsResponse(
            requests=[replies.request_to_proto(v) for v in found], next_page_token=token
        )

    async def MatchProviders(
        self, request: pb.MatchProvidersRequest, context: Context
    ) -> pb.MatchProvidersResponse:
        today = self.d.today()
        view = await matching.match_providers(
            self.ports,
            current_principal(),
            convert.require_id(request.request_id, "request_id"),
            convert.as_of(request.on, "on", today),
            today,
        )
        return replies.matches_to_proto(view)
