"""Providers: registered, updated, checked, conflicts declared, read, listed."""

from __future__ import annotations

from chassis.auth import current_principal
from chassis.correlation import asking
from chassis.paging import page_request
from trust.support.v1 import support_pb2 as pb

from support.application import providers
from support.application.ports import INDEX_KEY
from support.entrypoints.convert import replies
from support.entrypoints.convert import requests as convert
from support.entrypoints.rpc.base import Area, Context


class Providers(Area):
    async def RegisterProvider(
        self, request: pb.RegisterProviderRequest, context: Context
    ) -> pb.Provider:
        principal, cause = asking(context)
        command = convert.register_from_proto(request)
        view = await providers.register(self.ports, principal, command, self.d.today(), cause)
        return replies.provider_to_proto(view)

    async def UpdateProvider(
        self, request: pb.UpdateProviderRequest, context: Context
    ) -> pb.Provider:
        principal, cause = asking(context)
        command = convert.update_from_proto(request)
        view = await providers.update(self.ports, principal, command, self.d.today(), cause)
        return replies.provider_to_proto(view)

    async def RecordDueDiligence(
        self, request: pb.RecordDueDiligenceRequest, context: Context
    ) -> pb.Provider:
        principal, cause = asking(context)
        today = self.d.today()
        command = convert.due_diligence_from_proto(request, today)
        view = await providers.record_due_diligence(self.ports, principal, command, today, cause)
        return replies.provider_to_proto(view)

    async def DeclareConflict(
        self, request: pb.DeclareConflictRequest, context: Context
    ) -> pb.Provider:
        principal, cause = asking(context)
        today = self.d.today()
        command = convert.conflict_from_proto(request, today)
        view = await providers.declare_conflict(self.ports, principal, command, today, cause)
        return replies.provider_to_proto(view)

    async def GetProvider(self, request: pb.GetProviderRequest, context: Context) -> pb.Provider:
        provider_id = convert.require_id(request.provider_id, "provider_id")
        view = await providers.get_provider(
            self.ports, current_principal(), provider_id, self.d.today()
        )
        return replies.provider_to_proto(view)

    async def ListProviders(
        self, request: pb.ListProvidersRequest, context: Context
    ) -> pb.ListProvidersResponse:
        page = page_request(request.page_size, request.page_token, INDEX_KEY)
        need_area = convert.require_need_area(request.need_area) if request.need_area else None
        found, token = await providers.list_providers(
            self.ports,
            current_principal(),
            convert.require_id(request.trust_id, "trust_id"),
            need_area,
            page,
            self.d.today(),
        )
        return pb.ListProvidersResponse(
            providers=[replies.provider_to_proto(v) for v in found], next_page_token=token
        )
