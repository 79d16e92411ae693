"""Commissions: commissioned, varied, cancelled, delivered, read, listed; and
invoices: recorded, credited, listed."""

from __future__ import annotations

from chassis.auth import current_principal
from chassis.correlation import asking
from chassis.paging import page_request
from trust.support.v1 import support_pb2 as pb

from support.application import commissioning, delivery, invoices, reads
from support.application.ports import INDEX_KEY
from support.domain.values import parse_days
from support.entrypoints.convert import replies
from support.entrypoints.convert import requests as convert
from support.entrypoints.rpc.base import Area, Context


class Commissions(Area):
    async def CommissionSupport(
        self, request: pb.CommissionSupportRequest, context: Context
    ) -> pb.Commission:
        principal, cause = asking(context)
        command = convert.commission_from_proto(request)
        view = await commissioning.commission(self.ports, principal, command, self.d.today(), cause)
        return replies.commission_to_proto(view)

    async def VaryCommission(
        self, request: pb.VaryCommissionRequest, context: Context
    ) -> pb.Commission:
        principal, cause = asking(context)
        view = await commissioning.vary(
            self.ports,
            principal,
            convert.require_id(request.commission_id, "commission_id"),
            parse_days(request.days, "days"),
            request.reason,
            cause,
        )
        return replies.commission_to_proto(view)

    async def CancelCommission(
        self, request: pb.CancelCommissionRequest, context: Context
    ) -> pb.Commission:
        principal, cause = asking(context)
        view = await commissioning.cancel(
            self.ports,
            principal,
            convert.require_id(request.commission_id, "commission_id"),
            request.reason,
            cause,
        )
        return replies.commission_to_proto(view)

    async def LogDelivery(self, request: pb.LogDeliveryRequest, context: Context) -> pb.Commission:
        principal, cause = asking(context)
        command = convert.delivery_from_proto(request)
        view = await delivery.log_delivery(self.ports, principal, command, self.d.today(), cause)
        return replies.commission_to_proto(view)

    async def GetCommission(
        self, request: pb.GetCommissionRequest, context: Context
    ) -> pb.Commission:
        commission_id = convert.require_id(request.commission_id, "commission_id")
        view = await reads.get_commission(self.ports, current_principal(), commission_id)
        return replies.commission_to_proto(view)

    async def ListCommissions(
        self, request: pb.ListCommissionsRequest, context: Context
    ) -> pb.ListCommissionsResponse:
        page = page_request(request.page_size, request.page_token, INDEX_KEY)
        found, token = await reads.list_commissions(
            self.ports,
            current_principal(),
            convert.require_id(request.trust_id, "trust_id"),
            convert.optional_id(request.academy_id, "academy_id"),
            convert.optional_id(request.provider_id, "provider_id"),
            convert.optional_year(request.academic_year),
            page,
        )
        return pb.ListCommissionsResponse(
            commissions=[replies.commission_to_proto(v) for v in found], next_page_token=token
        )

    async def RecordInvoice(self, request: pb.RecordInvoiceRequest, context: Context) -> pb.Invoice:
        principal, cause = asking(context)
        today = self.d.today()
        command = convert.invoice_from_proto(request, today)
        view = await invoices.record_invoice(self.ports, principal, command, today, cause)
        return replies.invoice_to_proto(view)

    async def CreditInvoice(self, request: pb.CreditInvoiceRequest, context: Context) -> pb.Invoice:
        principal, cause = asking(context)
        today = self.d.today()
        command = convert.credit_from_proto(request, today)
        view = await invoices.credit_invoice(self.ports, principal, command, today, cause)
        return replies.invoice_to_proto(view)

    async def ListInvoices(
        self, request: pb.ListInvoicesRequest, context: Context
    ) -> pb.ListInvoicesResponse:
        page = page_request(request.page_size, request.page_token, INDEX_KEY)
        found, token = await invoices.list_invoices(
            self.ports,
            current_principal(),
            convert.require_id(request.trust_id, "trust_id"),
            convert.optional_id(request.academy_id, "academy_id"),
            convert.optional_id(request.provider_id, "provider_id"),
            request.discrepancies_only,
            page,
        )
        return pb.ListInvoicesResponse(
            invoices=[replies.invoice_to_proto(v) for v in found], next_page_token=token
        )
