"""The finance export of the support budget ledger: two CSV files and a workbook.

Pure: each function takes the ledger as the reporting service serves it
(``trust.reporting.v1.Ledger``) and returns bytes; the staff tool writes them.

Money stays integer pence until the last step. The CSV files carry pounds as
plain decimal text made from the pence by integer arithmetic ("1234.56",
"-12.00"); the workbook carries numbers in pounds (``Decimal(pence) / 100``,
made a float only at the write: a double shows these magnitudes exactly to the
penny) under a £ number format. Days are the ledger's decimal text, two places.

A ledger whose totals are not the sum of its line rows is refused (ValueError)
rather than exported: finance reconciles to the penny against these files.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import xlsxwriter
from contracts.money import days_text, pounds
from trust.reporting.v1 import reporting_pb2 as pb
from xlsxwriter.utility import xl_range

ZERO_DAYS = Decimal("0.00")
MONEY_FORMAT = "£#,##0.00;-£#,##0.00"
DAYS_FORMAT = "0.00"

MONEY_FIGURES = ("budget", "committed", "delivered", "invoiced", "remaining")
DAYS_FIGURES = ("committed_days", "delivered_days", "invoiced_days")

LEDGER_CSV_HEADER = (
    "level",
    "academy_id",
    "academy",
    "budget_line",
    "budget_line_name",
    "provider_id",
    "provider",
    *MONEY_FIGURES,
    *DAYS_FIGURES,
)
RECONCILIATION_CSV_HEADER = (
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
)

# What each reconciliation kind means (the domain's docstring), for the About sheet.
KINDS = (
    (
        "invoice_amount",
        "an invoice, not credited, whose amount is not the days it covers that were "
        "delivered and uninvoiced x the day rate",
    ),
    ("invoiced_beyond_delivered", "a commission invoiced for more days than were delivered"),
    ("delivered_not_invoiced", "a commission with days delivered that are not yet invoiced"),
    ("over_committed", "a budget line whose committed is beyond its budget"),
)

Money = int  # pence
Cell = str | Money | Decimal


# -- shared reading of the ledger ------------------------------------------------------


def _pence(figures: pb.LedgerFigures) -> tuple[int, int, int, int, int]:
    """The money figures, in the order of MONEY_FIGURES."""
    return (
        figures.budget_pence,
        figures.committed_pence,
        figures.delivered_pence,
        figures.invoiced_pence,
        figures.remaining_pence,
    )


def _days(text: str) -> Decimal:
    """The ledger's days text as a Decimal; proto3's unset string ("") is none."""
    if not text:
        return ZERO_DAYS
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(f"days {text!r} in the ledger are not decimal text") from None


def _days_of(figures: pb.LedgerFigures) -> tuple[Decimal, Decimal, Decimal]:
    """The days figures, in the order of DAYS_FIGURES."""
    return (
        _days(figures.committed_days),
        _days(figures.delivered_days),
        _days(figures.invoiced_days),
    )


def _check_totals(ledger: pb.Ledger) -> None:
    """Raise ValueError unless the totals are the sum of the line rows.

    The domain guarantees it; checking here means a broken ledger (a bug, a
    hand-built message) is never handed to finance as if it reconciled.
    """
    summed_pence = [0] * len(MONEY_FIGURES)
    summed_days = [ZERO_DAYS] * len(DAYS_FIGURES)
    for row in ledger.lines:
        summed_pence = [a + b for a, b in zip(summed_pence, _pence(row.figures), strict=True)]
        summed_days = [a + b for a, b in zip(summed_days, _days_of(row.figures), strict=True)]
    problems = [
        f"{name} is {pounds(total)} in the totals but {pounds(summed)} in the line rows "
        f"(difference {pounds(total - summed)})"
        for name, total, summed in zip(
            MONEY_FIGURES, _pence(ledger.totals), summed_pence, strict=True
        )
        if total != summed
    ]
    problems += [
        f"{name} is {days_text(total)} in the totals but {days_text(summed)} in the line rows "
        f"(difference {days_text(total - summed)})"
        for name, total, summed in zip(
            DAYS_FIGURES, _days_of(ledger.totals), summed_days, strict=True
        )
        if total != summed
    ]
    if problems:
        raise ValueError(
            f"the ledger for {ledger.trust_id} {ledger.academic_year} is not exported: its "
            "totals are not the sum of its line rows: " + "; ".join(problems)
        )


def _line_key(row: pb.LedgerRow) -> tuple[str, str]:
    return (row.academy_id, row.budget_line)


def _reading_order(ledger: pb.Ledger) -> list[tuple[str, pb.LedgerRow]]:
    """Each line row followed by its providers' rows, as finance reads a ledger.

    A provider row with no line row of its own still goes out, at the end:
    an export never drops money.
    """
    under: dict[tuple[str, str], list[pb.LedgerRow]] = {}
    for provider in ledger.providers:
        under.setdefault(_line_key(provider), []).append(provider)
    ordered: list[tuple[str, pb.LedgerRow]] = []
    for line in ledger.lines:
        ordered.append(("line", line))
        ordered += [("provider", p) for p in under.pop(_line_key(line), [])]
    for orphans in under.values():
        ordered += [("provider", p) for p in orphans]
    return ordered


@dataclass(frozen=True)
class _Names:
    """Academies' and providers' names as the ledger's rows give them.

    Discrepancies carry only ids; their names come from the rows.
    """

    academies: dict[str, str]
    providers: dict[str, str]

    @classmethod
    def of(cls, ledger: pb.Ledger) -> _Names:
        rows = [*ledger.lines, *ledger.providers]
        return cls(
            academies={r.academy_id: r.academy_name for r in rows if r.academy_name},
            providers={r.provider_id: r.provider_name for r in ledger.providers if r.provider_name},
        )


def _file_year(academic_year: str) -> str:
    """The year as a file name can hold it: 2026/27 -> 2026-27.

    Anything else that is not a plain name character becomes "-" too, so a
    year can never make a path.
    """
    return re.sub(r"[^A-Za-z0-9_-]", "-", academic_year)


# -- CSV -------------------------------------------------------------------------------


def _pounds_text(pence: int) -> str:
    """Pounds as plain decimal text, exact from the pence: 1234.56, -12.00, -0.05."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}{whole}.{part:02d}"


def _text(value: str) -> str:
    """Text a spreadsheet will not run: a leading = + - @ (or tab, CR) would make
    a name a formula when the CSV is opened, so it gets a leading apostrophe."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _figures_text(figures: pb.LedgerFigures) -> list[str]:
    return [_pounds_text(p) for p in _pence(figures)] + [days_text(d) for d in _days_of(figures)]


def _ledger_csv_row(level: str, row: pb.LedgerRow) -> list[str]:
    names = (
        row.academy_id,
        row.academy_name,
        row.budget_line,
        row.budget_line_name,
        row.provider_id,
        row.provider_name,
    )
    return [level, *(_text(n) for n in names), *_figures_text(row.figures)]


def _reconciliation_csv_row(found: pb.Discrepancy, names: _Names) -> list[str]:
    return [
        *(
            _text(t)
            for t in (
                found.kind,
                found.academy_id,
                names.academies.get(found.academy_id, ""),
                found.provider_id,
                names.providers.get(found.provider_id, ""),
                found.commission_id,
                found.invoice_id,
                found.invoice_number,
            )
        ),
        _pounds_text(found.difference_pence),
        _text(found.detail),
    ]


def _csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def ledger_csv_files(ledger: pb.Ledger) -> dict[str, bytes]:
    """The ledger and its reconciliation as CSV files, by file name.

    ``ledger-<year>.csv``: every line row, each followed by its providers'
    rows (``level`` line | provider), then the ``total`` row from the totals.
    ``reconciliation-<year>.csv``: one row per discrepancy.
    """
    _check_totals(ledger)
    year = _file_year(ledger.academic_year)
    rows = [_ledger_csv_row(level, row) for level, row in _reading_order(ledger)]
    rows.append(["total", "", "", "", "", "", "", *_figures_text(ledger.totals)])
    names = _Names.of(ledger)
    return {
        f"ledger-{year}.csv": _csv_bytes(LEDGER_CSV_HEADER, rows),
        f"reconciliation-{year}.csv": _csv_bytes(
            RECONCILIATION_CSV_HEADER,
            [_reconciliation_csv_row(d, names) for d in ledger.discrepancies],
        ),
    }


# -- XLSX ------------------------------------------------------------------------------

Kind = Literal["text", "money", "days"]


@dataclass(frozen=True)
class _Column:
    header: str
    kind: Kind
    meaning: str  # one line on the About sheet


_ACADEMY = _Column("Academy", "text", "the academy's name")
_LINE = _Column(
    "Budget line",
    "text",
    "the budget line's name; Entitlement: support met from the entitlement, not a line",
)
_PROVIDER = _Column("Provider", "text", "who delivers the support")
_BUDGET = _Column(
    "Budget",
    "money",
    "the line's amount in the budget revision in force + the over-commitments approved "
    "for it (none on the entitlement's row)",
)
_COMMITTED = _Column(
    "Committed",
    "money",
    "the commissions' cost as last varied; a cancelled commission commits only what was delivered",
)
_DELIVERED = _Column("Delivered", "money", "the deliveries' value: days delivered x the day rate")
_INVOICED = _Column(
    "Invoiced", "money", "invoices not credited (a credit note reverses its invoice in full)"
)
_REMAINING = _Column(
    "Remaining", "money", "budget - committed (negative: committed beyond the budget)"
)
_COMMITTED_DAYS = _Column("Committed days", "days", "the days the committed pays for")
_DELIVERED_DAYS = _Column("Delivered days", "days", "the days delivered")
_INVOICED_DAYS = _Column("Invoiced days", "days", "the days the invoices (not credited) cover")
_ACADEMY_ID = _Column("Academy ID", "text", "the academy's id in the platform")
_LINE_ID = _Column("Budget line ID", "text", "the line's id in the budget (empty: entitlement)")
_PROVIDER_ID = _Column("Provider ID", "text", "the provider's id in the platform")

LINE_COLUMNS = (
    _ACADEMY,
    _LINE,
    _BUDGET,
    _COMMITTED,
    _DELIVERED,
    _INVOICED,
    _REMAINING,
    _COMMITTED_DAYS,
    _DELIVERED_DAYS,
    _INVOICED_DAYS,
    _ACADEMY_ID,
    _LINE_ID,
)
# A provider has no budget (nor remaining) of its own: the budget is its line's.
PROVIDER_COLUMNS = (
    _ACADEMY,
    _LINE,
    _PROVIDER,
    _COMMITTED,
    _DELIVERED,
    _INVOICED,
    _COMMITTED_DAYS,
    _DELIVERED_DAYS,
    _INVOICED_DAYS,
    _ACADEMY_ID,
    _LINE_ID,
    _PROVIDER_ID,
)
DISCREPANCY_COLUMNS = (
    _Column("Kind", "text", "what the reconciliation found (see the kinds below)"),
    _ACADEMY,
    _PROVIDER,
    _Column("Difference", "money", "what is over (+) or short (-)"),
    _Column("Detail", "text", "the finding in one line"),
    _Column("Commission ID", "text", "the commission it concerns, if one"),
    _Column("Invoice number", "text", "the provider's invoice number, if an invoice"),
    _Column("Invoice ID", "text", "the invoice's id in the platform, if an invoice"),
    _ACADEMY_ID,
    _PROVIDER_ID,
)

MAX_WIDTH = 60  # a longer detail runs on past its cell rather than widening the sheet


@dataclass(frozen=True)
class _Styles:
    header: Any
    money: Any
    days: Any
    total_text: Any
    total_money: Any
    total_days: Any
    title: Any
    wrap: Any

    @classmethod
    def of(cls, workbook: Any) -> _Styles:
        return cls(
            header=workbook.add_format({"bold": True, "bottom": 1}),
            money=workbook.add_format({"num_format": MONEY_FORMAT}),
            days=workbook.add_format({"num_format": DAYS_FORMAT}),
            total_text=workbook.add_format({"bold": True, "top": 1}),
            total_money=workbook.add_format({"bold": True, "top": 1, "num_format": MONEY_FORMAT}),
            total_days=workbook.add_format({"bold": True, "top": 1, "num_format": DAYS_FORMAT}),
            title=workbook.add_format({"bold": True, "font_size": 14}),
            wrap=workbook.add_format({"text_wrap": True, "valign": "top"}),
        )


def _number(kind: Kind, value: Cell) -> float:
    """The number a money or days cell holds: pounds from pence, exactly until here."""
    exact = Decimal(value) / 100 if kind == "money" else Decimal(value)
    return float(exact)


def _shown(kind: Kind, value: Cell) -> str:
    """The cell as people see it, to size its column."""
    if kind == "money":
        return pounds(int(value))
    if kind == "days":
        return days_text(Decimal(value))
    return str(value)


def _write_cell(sheet: Any, styles: _Styles, at: tuple[int, int], kind: Kind, value: Cell) -> None:
    row, col = at
    if kind == "text":
        # write_string, never write: a name starting "=" stays a name, not a formula.
        # An empty text is left a blank cell, so ISBLANK and "go to blanks" see it.
        if value:
            sheet.write_string(row, col, str(value))
    else:
        sheet.write_number(row, col, _number(kind, value), getattr(styles, kind))


def _write_total(
    sheet: Any, styles: _Styles, columns: Sequence[_Column], rows: int, total: Sequence[Cell]
) -> None:
    """The Total row under ``rows`` data rows: SUM formulas over the rows above,
    each with the exact total as its cached value, for readers that never
    recalculate (previews, parsers)."""
    at = rows + 1
    for col, (column, value) in enumerate(zip(columns, total, strict=True)):
        if column.kind == "text":
            if value:
                sheet.write_string(at, col, str(value), styles.total_text)
            else:
                sheet.write_blank(at, col, None, styles.total_text)  # still the total's border
            continue
        style = styles.total_money if column.kind == "money" else styles.total_days
        if rows:
            formula = f"=SUM({xl_range(1, col, rows, col)})"
            sheet.write_formula(at, col, formula, style, _number(column.kind, value))
        else:
            sheet.write_number(at, col, _number(column.kind, value), style)


def _write_table(
    workbook: Any,
    styles: _Styles,
    name: str,
    columns: Sequence[_Column],
    rows: Sequence[Sequence[Cell]],
    total: Sequence[Cell] | None = None,
) -> None:
    """A sheet of one table: bold, frozen header; columns sized to what they show."""
    sheet = workbook.add_worksheet(name)
    for col, column in enumerate(columns):
        sheet.write_string(0, col, column.header, styles.header)
    for r, cells in enumerate(rows, start=1):
        for col, (column, value) in enumerate(zip(columns, cells, strict=True)):
            _write_cell(sheet, styles, (r, col), column.kind, value)
    every = [*rows, total] if total is not None else list(rows)
    for col, column in enumerate(columns):
        shown = [len(_shown(column.kind, cells[col])) for cells in every]
        sheet.set_column(col, col, min(max([len(column.header), *shown]) + 2, MAX_WIDTH))
    sheet.freeze_panes(1, 0)
    if rows:
        # The filter stops above the Total row, so filtering never hides the total.
        sheet.autofilter(0, 0, len(rows), len(columns) - 1)
    if total is not None:
        _write_total(sheet, styles, columns, len(rows), total)


def _line_name(row: pb.LedgerRow) -> str:
    if row.budget_line_name:
        return row.budget_line_name
    return row.budget_line or "Entitlement"


def _line_cells(row: pb.LedgerRow) -> list[Cell]:
    f = row.figures
    return [
        row.academy_name,
        _line_name(row),
        *_pence(f),
        *_days_of(f),
        row.academy_id,
        row.budget_line,
    ]


def _total_cells(totals: pb.LedgerFigures) -> list[Cell]:
    return ["Total", "", *_pence(totals), *_days_of(totals), "", ""]


def _provider_cells(row: pb.LedgerRow) -> list[Cell]:
    f = row.figures
    return [
        row.academy_name,
        _line_name(row),
        row.provider_name,
        f.committed_pence,
        f.delivered_pence,
        f.invoiced_pence,
        *_days_of(f),
        row.academy_id,
        row.budget_line,
        row.provider_id,
    ]


def _discrepancy_cells(found: pb.Discrepancy, names: _Names) -> list[Cell]:
    return [
        found.kind,
        names.academies.get(found.academy_id, ""),
        names.providers.get(found.provider_id, ""),
        found.difference_pence,
        found.detail,
        found.commission_id,
        found.invoice_number,
        found.invoice_id,
        found.academy_id,
        found.provider_id,
    ]


def _about_lines(ledger: pb.Ledger, generated_at: str, trust_name: str) -> list[tuple[str, str]]:
    trust = f"{trust_name} ({ledger.trust_id})" if trust_name else ledger.trust_id
    lines = [
        ("Trust", trust),
        ("Academic year", ledger.academic_year),
        ("Generated", generated_at),
        (
            "Amounts",
            "pounds to the penny, made from the ledger's integer pence; money cells are "
            "numbers, so they sum and sort",
        ),
        (
            "Total",
            "the sum of the line rows, the entitlement's included (it adds to committed, "
            "delivered and invoiced, never to budget or remaining)",
        ),
        ("", ""),
        ("Column", "Meaning"),
    ]
    seen: set[str] = set()
    for column in (*LINE_COLUMNS, *PROVIDER_COLUMNS, *DISCREPANCY_COLUMNS):
        if column.header not in seen:
            seen.add(column.header)
            lines.append((column.header, column.meaning))
    lines += [("", ""), ("Kind", "Meaning"), *KINDS]
    return lines


def _write_about(
    workbook: Any, styles: _Styles, ledger: pb.Ledger, generated_at: str, trust_name: str
) -> None:
    sheet = workbook.add_worksheet("About")
    sheet.write_string(0, 0, "Support budget ledger", styles.title)
    for r, (label, text) in enumerate(_about_lines(ledger, generated_at, trust_name), start=2):
        bold = label in ("Column", "Kind") and text == "Meaning"
        sheet.write_string(r, 0, label, styles.header if bold else None)
        sheet.write_string(r, 1, text, styles.header if bold else styles.wrap)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 90)


def ledger_xlsx(ledger: pb.Ledger, generated_at: str, *, trust_name: str = "") -> bytes:
    """The ledger as a workbook: Ledger (the line rows and their Total), By
    provider, Reconciliation, and About (what it is and what each column means).

    ``generated_at`` is shown as given; ``trust_name``, if known, beside the id.
    """
    _check_totals(ledger)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties(
        {"title": f"Support budget ledger {ledger.academic_year}", "subject": ledger.trust_id}
    )
    styles = _Styles.of(workbook)
    names = _Names.of(ledger)
    _write_table(
        workbook,
        styles,
        "Ledger",
        LINE_COLUMNS,
        [_line_cells(r) for r in ledger.lines],
        total=_total_cells(ledger.totals),
    )
    _write_table(
        workbook,
        styles,
        "By provider",
        PROVIDER_COLUMNS,
        [_provider_cells(r) for r in ledger.providers],
    )
    _write_table(
        workbook,
        styles,
        "Reconciliation",
        DISCREPANCY_COLUMNS,
        [_discrepancy_cells(d, names) for d in ledger.discrepancies],
    )
    _write_about(workbook, styles, ledger, generated_at, trust_name)
    workbook.close()
    return buffer.getvalue()
