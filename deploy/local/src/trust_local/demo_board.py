"""The demo's last step: the board's termly RAG report, and the files the staff
tool makes from the read models (the board pack as HTML and PDF, the finance
export as CSV and a workbook), written to a folder the demo names.

The report is the demo trust's, for the term of today, as at today: every
academy with its overall colour and what made it; the ledger is the AID trust's
(where the demo commissioned and invoiced support).
"""

from __future__ import annotations

import datetime as dt
import pathlib
from collections.abc import Callable

from chassis.auth import Role
from contracts.money import pounds
from contracts.values import academic_year_of, term_of
from reporting.entrypoints.staff_tool import make_board_pack, make_finance_export
from trust.reporting.v1 import reporting_pb2 as rpb

from trust_local.clients import PlatformClients, eventually

Say = Callable[[str], None]


async def show_board(
    clients: PlatformClients,
    say: Say,
    trust_id: str,
    ledger_trust_id: str,
    today: dt.date,
    out: pathlib.Path,
) -> tuple[rpb.BoardReport, list[pathlib.Path]]:
    year, term = academic_year_of(today), term_of(today)
    trustee = clients.caller("trustee@demo-trust.org", Role.TRUSTEE, trust_id)
    request = rpb.GetBoardReportRequest(trust_id=trust_id, academic_year=year, term=term)
    say(f"15. The board's RAG report, {term} {year}, as at today (reporting, from every service)")
    report = await eventually(
        lambda: clients.reporting.GetBoardReport(request, metadata=trustee.metadata),
        lambda r: len(r.academies) >= 3,
    )
    say(f"  framework {report.framework_id} v{report.framework_version}; as at {report.as_of}")
    for academy in report.academies:
        colours = " ".join(f"{r.dimension}={r.colour or '-'}" for r in academy.ratings)
        say(f"  {academy.name:<24} overall {academy.overall.colour or 'not rated'}: {colours}")
        for reason in academy.overall.reasons[1:3]:
            say(f"      {reason}")
    compliance = report.compliance
    say(
        f"  meetings held {compliance.meetings_held} of {compliance.meetings_expected} expected; "
        f"papers on time {compliance.papers_on_time} of {compliance.papers_due}"
    )
    html, pdf, _ = await make_board_pack(clients.reporting, trustee.metadata, request, out)
    finance = clients.caller("finance@aid-trust.org", Role.FINANCE, ledger_trust_id)
    files = await make_finance_export(
        clients.reporting, finance.metadata, ledger_trust_id, year, out
    )
    ledger = await clients.reporting.GetLedger(
        rpb.GetLedgerRequest(trust_id=ledger_trust_id, academic_year=year),
        metadata=finance.metadata,
    )
    say(
        f"  the AID trust's ledger: committed {pounds(ledger.totals.committed_pence)}, invoiced "
        f"{pounds(ledger.totals.invoiced_pence)}, {len(ledger.discrepancies)} discrepancies"
    )
    say(f"  board pack: {html}\n              {pdf}")
    for path in files:
        say(f"  finance export: {path}")
    return report, [html, pdf, *files]
