"""Given a ledger as the reporting service serves it, then the finance export:
the CSV files parse back to the penny, the workbook reads back with its sheets,
money as £ numbers and a Total of SUM formulas; a ledger whose totals are not
its rows' sum is refused.

Ledgers are built by hand as protobuf messages, with odd pence (1, 99,999,
1,234,567) so that any rounding or float on the way shows.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from reporting.staff.finance_export import ledger_csv_files, ledger_xlsx
from trust.reporting.v1 import reporting_pb2 as pb

YEAR = "2026/27"
GENERATED = "2026-11-23 10:00 UTC"
MONEY = ("budget", "committed", "delivered", "invoiced", "remaining")


def figures(
    budget: int = 0,
    committed: int = 0,
    delivered: int = 0,
    invoiced: int = 0,
    remaining: int | None = None,
    days: tuple[str, str, str] = ("0.00", "0.00", "0.00"),
) -> pb.LedgerFigures:
    return pb.LedgerFigures(
        budget_pence=budget,
        committed_pence=committed,
        delivered_pence=delivered,
        invoiced_pence=invoiced,
        remaining_pence=budget - committed if remaining is None else remaining,
        committed_days=days[0],
        delivered_days=days[1],
        invoiced_days=days[2],
    )


def row(
    academy: str,
    line: str,
    provider: str = "",
    f: pb.LedgerFigures | None = None,
    academy_name: str | None = None,
) -> pb.LedgerRow:
    names = {"alder": "Alder Academy", "birch": "Birch Academy"}
    providers = {"elm": "Elm Consulting", "ash": "Ash Trust Team"}
    return pb.LedgerRow(
        academy_id=academy,
        academy_name=academy_name or names[academy],
        budget_line=line,
        budget_line_name={"": "Entitlement"}.get(line, f"Line {line}"),
        provider_id=provider,
        provider_name=providers.get(provider, ""),
        figures=f or figures(),
    )


def summed(rows: list[pb.LedgerRow]) -> pb.LedgerFigures:
    """What the domain's totals are: the line rows added up."""
    total = pb.LedgerFigures()
    days = [Decimal(0)] * 3
    for r in rows:
        f = r.figures
        total.budget_pence += f.budget_pence
        total.committed_pence += f.committed_pence
        total.delivered_pence += f.delivered_pence
        total.invoiced_pence += f.invoiced_pence
        total.remaining_pence += f.remaining_pence
        days = [
            d + Decimal(t)
            for d, t in zip(
                days, (f.committed_days, f.delivered_days, f.invoiced_days), strict=True
            )
        ]
    total.committed_days, total.delivered_days, total.invoiced_days = (f"{d:.2f}" for d in days)
    return total


def the_ledger(alder_name: str = "Alder Academy") -> pb.Ledger:
    """Two academies; Alder's consultancy (Elm), its internal line over-committed
    (Ash), and its entitlement (Elm, the invoice credited so nothing invoiced);
    Birch's consultancy untouched."""
    consultancy = figures(500_000, 162_625, 130_100, 65_050, days=("2.50", "2.00", "1.00"))
    internal = figures(1, 99_999, 7, 7, days=("1.53", "0.01", "0.01"))
    entitlement = figures(0, 65_050, 65_050, 0, remaining=0, days=("1.00", "1.00", "0.00"))
    lines = [
        row("alder", "consultancy", f=consultancy, academy_name=alder_name),
        row("alder", "internal", f=internal, academy_name=alder_name),
        row("alder", "", f=entitlement, academy_name=alder_name),
        row("birch", "consultancy", f=figures(1_234_567)),
    ]
    # A provider row has its line's spending (one provider each here), no budget.
    providers = [
        row("alder", line.budget_line, provider, figures(0, *spent, remaining=0, days=days))
        for line, provider, spent, days in (
            (lines[0], "elm", (162_625, 130_100, 65_050), ("2.50", "2.00", "1.00")),
            (lines[1], "ash", (99_999, 7, 7), ("1.53", "0.01", "0.01")),
            (lines[2], "elm", (65_050, 65_050, 0), ("1.00", "1.00", "0.00")),
        )
    ]
    return pb.Ledger(
        trust_id="t1",
        academic_year=YEAR,
        lines=lines,
        providers=providers,
        totals=summed(lines),
        discrepancies=[
            pb.Discrepancy(
                kind="invoice_amount",
                academy_id="alder",
                provider_id="elm",
                commission_id="c1",
                invoice_id="i1",
                invoice_number="INV-1",
                difference_pence=-1,
                detail="Invoice INV-1 from Elm Consulting for Alder Academy: £0.01 short",
            ),
            pb.Discrepancy(
                kind="over_committed",
                academy_id="alder",
                difference_pence=99_998,
                detail="Line internal of Alder Academy: £999.98 committed beyond its budget",
            ),
        ],
    )


def pounds_text(pence: int) -> str:
    """The oracle: exact decimal pounds, by Decimal's own arithmetic."""
    return str(Decimal(pence).scaleb(-2))


def parsed(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def money_text(f: pb.LedgerFigures) -> dict[str, str]:
    return {name: pounds_text(getattr(f, f"{name}_pence")) for name in MONEY}


# -- CSV --------------------------------------------------------------------------------


def test_the_csv_files_are_named_by_the_year_with_a_header_and_crlf():
    files = ledger_csv_files(the_ledger())
    assert sorted(files) == ["ledger-2026-27.csv", "reconciliation-2026-27.csv"]
    ledger_csv = files["ledger-2026-27.csv"].decode("utf-8")
    assert ledger_csv.startswith(
        "level,academy_id,academy,budget_line,budget_line_name,provider_id,provider,"
        "budget,committed,delivered,invoiced,remaining,"
        "committed_days,delivered_days,invoiced_days\r\n"
    )
    assert ledger_csv.count("\r\n") == ledger_csv.count("\n") == 1 + 4 + 3 + 1


def test_every_line_row_is_followed_by_its_providers_and_then_the_total():
    rows = parsed(ledger_csv_files(the_ledger())["ledger-2026-27.csv"])
    assert [(r["level"], r["academy_id"], r["budget_line"], r["provider_id"]) for r in rows] == [
        ("line", "alder", "consultancy", ""),
        ("provider", "alder", "consultancy", "elm"),
        ("line", "alder", "internal", ""),
        ("provider", "alder", "internal", "ash"),
        ("line", "alder", "", ""),
        ("provider", "alder", "", "elm"),
        ("line", "birch", "consultancy", ""),
        ("total", "", "", ""),
    ]
    elm = rows[1]
    assert (elm["academy"], elm["budget_line_name"], elm["provider"]) == (
        "Alder Academy",
        "Line consultancy",
        "Elm Consulting",
    )
    assert (rows[4]["budget_line"], rows[4]["budget_line_name"]) == ("", "Entitlement")


def test_the_csv_amounts_are_exact_pounds_from_the_pence():
    ledger = the_ledger()
    rows = parsed(ledger_csv_files(ledger)["ledger-2026-27.csv"])
    lines = [r for r in rows if r["level"] == "line"]
    providers = [r for r in rows if r["level"] == "provider"]
    for got, want in zip(lines, ledger.lines, strict=True):
        assert {k: got[k] for k in MONEY} == money_text(want.figures)
        assert (got["committed_days"], got["delivered_days"], got["invoiced_days"]) == (
            want.figures.committed_days,
            want.figures.delivered_days,
            want.figures.invoiced_days,
        )
    for got, want in zip(providers, ledger.providers, strict=True):
        assert {k: got[k] for k in MONEY} == money_text(want.figures)
    internal = lines[1]
    assert (internal["budget"], internal["committed"], internal["delivered"]) == (
        "0.01",
        "999.99",
        "0.07",
    )
    assert internal["remaining"] == "-999.98"
    assert lines[3]["budget"] == "12345.67"
    assert lines[3]["committed"] == "0.00"


def test_the_csv_total_row_is_the_sum_of_the_line_rows_to_the_penny():
    ledger = the_ledger()
    rows = parsed(ledger_csv_files(ledger)["ledger-2026-27.csv"])
    (total,) = [r for r in rows if r["level"] == "total"]
    lines = [r for r in rows if r["level"] == "line"]
    for name in MONEY:
        assert Decimal(total[name]) == sum(Decimal(r[name]) for r in lines)
    assert {k: total[k] for k in MONEY} == money_text(ledger.totals)
    assert total["remaining"] == pounds_text(500_000 - 162_625 + 1 - 99_999 + 1_234_567)
    assert (total["committed_days"], total["delivered_days"], total["invoiced_days"]) == (
        "5.03",
        "3.01",
        "1.01",
    )


def test_the_reconciliation_csv_has_each_discrepancy_with_names_and_a_signed_difference():
    rows = parsed(ledger_csv_files(the_ledger())["reconciliation-2026-27.csv"])
    assert list(rows[0]) == [
        "kind",
        "academy_id",
        "academy",
        "provider_id",
        "provider",
        "commission_id",
        "invoice_id",
        "invoice_number",
        "difference",
        "detail",
    ]
    assert rows[0] == {
        "kind": "invoice_amount",
        "academy_id": "alder",
        "academy": "Alder Academy",
        "provider_id": "elm",
        "provider": "Elm Consulting",
        "commission_id": "c1",
        "invoice_id": "i1",
        "invoice_number": "INV-1",
        "difference": "-0.01",
        "detail": "Invoice INV-1 from Elm Consulting for Alder Academy: £0.01 short",
    }
    assert (rows[1]["kind"], rows[1]["academy"], rows[1]["provider"], rows[1]["difference"]) == (
        "over_committed",
        "Alder Academy",
        "",
        "999.98",
    )


def test_a_name_that_looks_like_a_formula_is_not_run_when_the_csv_is_opened():
    ledger = the_ledger(alder_name='=HYPERLINK("http://x","y")')
    rows = parsed(ledger_csv_files(ledger)["ledger-2026-27.csv"])
    assert rows[0]["academy"] == '\'=HYPERLINK("http://x","y")'


# -- XLSX -------------------------------------------------------------------------------


def workbook(ledger: pb.Ledger, data_only: bool = False) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(ledger_xlsx(ledger, GENERATED)), data_only=data_only)


def values(sheet: Any) -> list[list[Any]]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


LINE_HEADERS = [
    "Academy",
    "Budget line",
    "Budget",
    "Committed",
    "Delivered",
    "Invoiced",
    "Remaining",
    "Committed days",
    "Delivered days",
    "Invoiced days",
    "Academy ID",
    "Budget line ID",
]


def test_the_workbook_has_its_sheets_each_with_a_bold_frozen_header():
    book = workbook(the_ledger())
    assert book.sheetnames == ["Ledger", "By provider", "Reconciliation", "About"]
    for name in ("Ledger", "By provider", "Reconciliation"):
        sheet = book[name]
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.b for cell in sheet[1])
        assert all((sheet.column_dimensions[c.column_letter].width or 0) > 8 for c in sheet[1])
    assert [c.value for c in book["Ledger"][1]] == LINE_HEADERS
    assert [c.value for c in book["By provider"][1]][:3] == ["Academy", "Budget line", "Provider"]
    assert [c.value for c in book["Reconciliation"][1]][:5] == [
        "Kind",
        "Academy",
        "Provider",
        "Difference",
        "Detail",
    ]


def test_the_ledger_sheet_has_every_line_row_with_money_in_pounds_under_a_pound_format():
    ledger = the_ledger()
    sheet = workbook(ledger)["Ledger"]
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == len(ledger.lines) + 1  # and the Total
    for cells, line in zip(rows, ledger.lines, strict=False):
        assert [cells[0].value, cells[1].value] == [line.academy_name, line.budget_line_name]
        assert [cells[10].value, cells[11].value or ""] == [line.academy_id, line.budget_line]
        for cell, name in zip(cells[2:7], MONEY, strict=True):
            assert cell.value == pytest.approx(
                getattr(line.figures, f"{name}_pence") / 100, abs=1e-4
            )
            assert "£" in cell.number_format
        assert [Decimal(str(c.value)).quantize(Decimal("0.01")) for c in cells[7:10]] == [
            Decimal(line.figures.committed_days),
            Decimal(line.figures.delivered_days),
            Decimal(line.figures.invoiced_days),
        ]
    assert rows[1][6].value == pytest.approx(-999.98, abs=1e-4)
    assert rows[3][2].value == pytest.approx(12_345.67, abs=1e-4)


def test_the_ledger_sheets_total_row_sums_the_rows_above_and_caches_the_exact_totals():
    ledger = the_ledger()
    sheet = workbook(ledger)["Ledger"]
    total = sheet[6]
    assert total[0].value == "Total"
    assert [c.value for c in total[2:10]] == [f"=SUM({c}2:{c}5)" for c in "CDEFGHIJ"]
    assert all("£" in c.number_format for c in total[2:7])
    cached = workbook(ledger, data_only=True)["Ledger"][6]
    for cell, name in zip(cached[2:7], MONEY, strict=True):
        assert cell.value == pytest.approx(getattr(ledger.totals, f"{name}_pence") / 100, abs=1e-4)
    assert [c.value for c in cached[7:10]] == pytest.approx([5.03, 3.01, 1.01], abs=1e-4)


def test_the_provider_and_reconciliation_sheets_have_every_row():
    ledger = the_ledger()
    book = workbook(ledger)
    providers = values(book["By provider"])[1:]
    assert [(r[0], r[1], r[2]) for r in providers] == [
        ("Alder Academy", "Line consultancy", "Elm Consulting"),
        ("Alder Academy", "Line internal", "Ash Trust Team"),
        ("Alder Academy", "Entitlement", "Elm Consulting"),
    ]
    assert providers[1][3] == pytest.approx(999.99, abs=1e-4)  # committed
    assert all("£" in c.number_format for c in book["By provider"]["D"][1:])
    found = values(book["Reconciliation"])[1:]
    assert [(r[0], r[1], r[2], r[3]) for r in found] == [
        ("invoice_amount", "Alder Academy", "Elm Consulting", pytest.approx(-0.01, abs=1e-4)),
        ("over_committed", "Alder Academy", None, pytest.approx(999.98, abs=1e-4)),
    ]
    assert all("£" in c.number_format for c in book["Reconciliation"]["D"][1:])


def test_the_about_sheet_says_what_the_workbook_is():
    ledger = the_ledger()
    book = openpyxl.load_workbook(
        io.BytesIO(ledger_xlsx(ledger, GENERATED, trust_name="Oak Trust"))
    )
    about = dict((r[0], r[1]) for r in values(book["About"]) if r[0])
    assert about["Trust"] == "Oak Trust (t1)"
    assert about["Academic year"] == YEAR
    assert about["Generated"] == GENERATED
    assert "penny" in str(about["Amounts"]) and "pence" in str(about["Amounts"])
    for header in LINE_HEADERS:
        assert about.get(header), header


def test_a_name_that_looks_like_a_formula_stays_text_in_the_workbook():
    sheet = workbook(the_ledger(alder_name="=1+1"))["Ledger"]
    assert sheet["A2"].value == "=1+1"
    assert sheet["A2"].data_type == "s"


def test_an_empty_ledger_exports_headers_and_zero_totals():
    empty = pb.Ledger(trust_id="t1", academic_year=YEAR, totals=figures())
    rows = parsed(ledger_csv_files(empty)["ledger-2026-27.csv"])
    assert rows == [
        {
            "level": "total",
            **dict.fromkeys(
                ("academy_id", "academy", "budget_line", "budget_line_name", "provider_id"), ""
            ),
            "provider": "",
            **dict.fromkeys(MONEY, "0.00"),
            **dict.fromkeys(("committed_days", "delivered_days", "invoiced_days"), "0.00"),
        }
    ]
    sheet = workbook(empty)["Ledger"]
    assert [c.value for c in sheet[2]][:3] == ["Total", None, 0]


# -- a ledger that does not add up -------------------------------------------------------


def test_a_ledger_whose_totals_are_not_its_rows_sum_is_refused_naming_the_difference():
    broken = the_ledger()
    broken.totals.committed_pence += 1
    with pytest.raises(ValueError, match=r"committed .*\(difference £0\.01\)"):
        ledger_csv_files(broken)
    with pytest.raises(ValueError, match=r"committed .*\(difference £0\.01\)"):
        ledger_xlsx(broken, GENERATED)


def test_totals_days_that_are_not_the_rows_days_are_refused_too():
    broken = the_ledger()
    broken.totals.delivered_days = "3.00"
    with pytest.raises(ValueError, match=r"delivered_days .*\(difference -0\.01\)"):
        ledger_csv_files(broken)
