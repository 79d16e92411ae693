"""The board pack: the board's termly RAG report as a page and a PDF.

``render_html`` lays the ``BoardReport`` message out with Jinja2, with four
charts drawn by matplotlib as inline SVG (the RAG grid, the trend since last
term, spend against budget, days used against the entitlement).
``render_pdf`` prints that page in headless Chromium through Playwright, and
``write_board_pack`` writes both next to each other.

Every figure is in the page as text; the charts are in addition, so the page
reads without them (and a test can compare the text with the message). The
page is self-contained: no external URLs, CSS inline, fonts the system's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import io
import pathlib
import re
import textwrap
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import jinja2
import matplotlib
from contracts.money import days, pounds
from markupsafe import Markup
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter
from playwright.async_api import async_playwright
from trust.reporting.v1 import reporting_pb2

GREEN, AMBER, RED, NOT_RATED = "green", "amber", "red", ""
# Worst first is how a board reads them; the grid, summary and legend keep this order.
COLOURS: tuple[str, ...] = (RED, AMBER, GREEN, NOT_RATED)
# Fills for the grid, badges and markers. A test looks for these exact colours in
# the printed PDF, so change them here only. Every coloured cell also carries a
# letter: the colour is never the only signal (colour-blind readers, grey printers).
RAG_COLOURS: dict[str, str] = {
    GREEN: "#1e7b34",
    AMBER: "#f2a900",
    RED: "#c0262d",
    NOT_RATED: "#bdbdbd",
}
LETTERS = {GREEN: "G", AMBER: "A", RED: "R", NOT_RATED: "\u2013"}  # an en dash
WORDS = {GREEN: "green", AMBER: "amber", RED: "red", NOT_RATED: "not rated"}
# Text on each fill with enough contrast to read.
INK = {GREEN: "#ffffff", AMBER: "#1a1a1a", RED: "#ffffff", NOT_RATED: "#1a1a1a"}
CHANGE_ARROWS = {"up": "↑", "down": "↓", "same": "→", "new": "★"}
# Spend series: blues and a neutral, so they are never read as a RAG colour.
SPEND_COLOURS = {
    "budget": "#cfd8dc",
    "committed": "#1f4e79",
    "delivered": "#2e86c1",
    "invoiced": "#85c1e9",
}
CHART_IDS = ("rag-grid", "trend", "spend", "days")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# -- what the template reads: text already formatted, nothing left to compute ----------


@dataclass(frozen=True)
class RatingView:
    dimension: str
    label: str
    colour: str  # green | amber | red | "" (not rated)
    value: str
    reasons: tuple[str, ...]
    revised: bool  # reads differently now (a revision was recorded since the date)
    previous: str = ""  # the line's colour at the end of last term ("" not rated then)

    @property
    def previous_word(self) -> str:
        return WORDS[self.previous]

    @property
    def word(self) -> str:
        return WORDS[self.colour]

    @property
    def letter(self) -> str:
        return LETTERS[self.colour]

    @property
    def css(self) -> str:
        return rag_class(self.colour)


@dataclass(frozen=True)
class ComplianceView:
    meetings: str  # "n of m", held of expected
    papers: str
    notes: str


@dataclass(frozen=True)
class AcademyView:
    academy_id: str
    name: str
    phase: str
    subject_phases: tuple[str, ...]
    ratings: tuple[RatingView, ...]
    overall: RatingView
    change: str
    change_arrow: str
    previous_colour: str  # last term's overall; meaningless when change is "new"
    open_actions: int
    overdue_actions: int
    days_granted: str
    days_used: str
    budget: str
    committed: str
    remaining: str
    delivered: str
    invoiced: str
    compliance: ComplianceView
    revisions: tuple[str, ...]
    overdue: tuple[str, ...] = ()  # one line per overdue action, most overdue first


@dataclass(frozen=True)
class Totals:
    days_granted: str
    days_used: str
    budget: str
    committed: str
    remaining: str
    delivered: str
    invoiced: str


# -- public ----------------------------------------------------------------------------


def render_html(report: reporting_pb2.BoardReport, generated_at: str) -> str:
    """The board pack as one self-contained HTML page."""
    academies = [_academy_view(a, report.as_of) for a in report.academies]
    columns = grid_columns(report)
    template = _environment().get_template("board_pack.html.j2")
    return template.render(
        report=report,
        title=_title(report),
        term=_term(report),
        as_of=_long_date(report.as_of),
        previous_term=report.previous_term,
        phase_label=(report.phase_label or "phase").capitalize(),
        generated_at=generated_at,
        counts=_colour_counts(report),
        total_academies=len(report.academies),
        trust_compliance=_compliance_view(report.compliance),
        academies=academies,
        totals=_totals(report.totals),
        any_revised=any(a.revisions for a in report.academies),
        colours=RAG_COLOURS,
        ink=INK,
        words=WORDS,
        letters=LETTERS,
        charts={
            "rag-grid": _svg(rag_grid_figure(academies, columns), "rag-grid"),
            "trend": _svg(trend_figure(academies), "trend"),
            "spend": _svg(spend_figure(report.academies), "spend"),
            "days": _svg(days_figure(report.academies), "days"),
        },
    )


async def render_pdf(html: str, chromium_path: str = "/usr/bin/chromium") -> bytes:
    """The page printed to A4 landscape by headless Chromium (never a downloaded browser)."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page()
            await page.set_content(html, wait_until="load")
            return await page.pdf(
                format="A4",
                landscape=True,
                print_background=True,
                # The page's @page rule sets the margins; its bottom one leaves room
                # for this footer. The title is the page's <title>: Chromium fills it in.
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=_FOOTER,
                prefer_css_page_size=True,
            )
        finally:
            await browser.close()


async def write_board_pack(
    report: reporting_pb2.BoardReport,
    directory: pathlib.Path,
    generated_at: str,
    chromium_path: str = "/usr/bin/chromium",
) -> tuple[pathlib.Path, pathlib.Path]:
    """Writes board-pack-<trust>-<term>-<year>.html and .pdf; returns (html, pdf)."""
    stem = file_stem(report)
    html_path = directory / f"{stem}.html"
    pdf_path = directory / f"{stem}.pdf"
    # Drawing the charts and writing files block: off the event loop with them.
    html = await asyncio.to_thread(render_html, report, generated_at)
    await asyncio.to_thread(_write, html_path, html.encode("utf-8"))
    await asyncio.to_thread(_write, pdf_path, await render_pdf(html, chromium_path))
    return html_path, pdf_path


def _write(path: pathlib.Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def file_stem(report: reporting_pb2.BoardReport) -> str:
    """board-pack-<trust>-<term>-<year>, safe as a file name (2026/27 -> 2026-27)."""
    parts = ("board-pack", report.trust_id, report.term, report.academic_year)
    return "-".join(_safe_name(part) for part in parts)


def grid_columns(report: reporting_pb2.BoardReport) -> list[tuple[str, str]]:
    """The grid's (dimension, label) columns: every academy's lines, in first-seen
    order, then the overall. A line an academy lacks shows as not rated."""
    seen: dict[str, str] = {}
    for academy in report.academies:
        for rating in academy.ratings:
            if not seen.get(rating.dimension):
                seen[rating.dimension] = rating.label
    columns = [(dimension, label or dimension) for dimension, label in seen.items()]
    return [*columns, ("overall", "Overall")]


# -- the view ----------------------------------------------------------------------------


_FOOTER = (
    "<div style=\"font-size:8px;font-family:'DejaVu Sans',sans-serif;width:100%;"
    'padding:0 12mm;color:#555;display:flex;justify-content:space-between">'
    '<span class="title"></span>'
    '<span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span>'
    "</div>"
)


@functools.cache
def _environment() -> jinja2.Environment:
    # One environment for the process: it caches the compiled template, and
    # rendering with it is thread-safe.
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("reporting.staff", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["rag_class"] = rag_class
    environment.filters["colour_word"] = lambda colour: WORDS[_colour(colour)]
    return environment


def rag_class(colour: str) -> str:
    """The CSS class that fills a badge with the colour: rag-green, ..., rag-none."""
    return f"rag-{_colour(colour) or 'none'}"


def _academy_view(academy: reporting_pb2.AcademyReport, as_of: str) -> AcademyView:
    revised = {revision.dimension for revision in academy.revisions}
    labels = {r.dimension: r.label or r.dimension for r in academy.ratings}
    labels["overall"] = "Overall"
    ratings = tuple(_rating_view(r, revised) for r in academy.ratings)
    overall = _rating_view(academy.overall, revised, dimension="overall", label="Overall")
    return AcademyView(
        academy_id=academy.academy_id,
        name=academy.name,
        phase=academy.phase_name or academy.phase or "none yet",
        subject_phases=tuple(
            f"{sp.subject}: {sp.phase_name or sp.phase}" for sp in academy.subject_phases
        ),
        ratings=ratings,
        overall=overall,
        change=academy.change,
        change_arrow=CHANGE_ARROWS.get(academy.change, ""),
        previous_colour=_colour(academy.previous_colour),
        open_actions=academy.open_actions,
        overdue_actions=academy.overdue_actions,
        days_granted=academy.entitlement_days_granted or "0.00",
        days_used=academy.entitlement_days_used or "0.00",
        budget=pounds(academy.budget_pence),
        committed=pounds(academy.committed_pence),
        remaining=pounds(academy.remaining_pence),
        delivered=pounds(academy.delivered_pence),
        invoiced=pounds(academy.invoiced_pence),
        compliance=_compliance_view(academy.compliance),
        revisions=tuple(_revision_text(r, labels, as_of) for r in academy.revisions),
        overdue=tuple(_overdue_text(o) for o in academy.overdue),
    )


def _overdue_text(action: reporting_pb2.OverdueAction) -> str:
    days = "1 day" if action.days_overdue == 1 else f"{action.days_overdue} days"
    owner = action.owner_role.replace("_", " ")
    return f"{action.title} ({owner}), due {_long_date(action.due_on)}: {days} overdue"


def _rating_view(
    rating: reporting_pb2.Rating,
    revised: set[str],
    dimension: str | None = None,
    label: str | None = None,
) -> RatingView:
    # The overall comes with its own dimension; the grid calls it "overall" whatever it says.
    dimension = dimension or rating.dimension
    return RatingView(
        dimension=dimension,
        label=label or rating.label or rating.dimension,
        colour=_colour(rating.colour),
        value=rating.value,
        reasons=tuple(rating.reasons),
        revised=dimension in revised or rating.dimension in revised,
        previous=_colour(rating.previous_colour),
    )


def _compliance_view(compliance: reporting_pb2.Compliance) -> ComplianceView:
    return ComplianceView(
        meetings=f"{compliance.meetings_held} of {compliance.meetings_expected}",
        papers=f"{compliance.papers_on_time} of {compliance.papers_due}",
        notes=f"{compliance.notes_on_time} of {compliance.notes_due}",
    )


def _revision_text(revision: reporting_pb2.Revision, labels: dict[str, str], as_of: str) -> str:
    def reading(colour: str, value: str) -> str:
        word = WORDS[_colour(colour)]
        return f"{word} ({value})" if value else word

    label = revision.label or labels.get(revision.dimension, revision.dimension)
    then = reading(revision.then_colour, revision.then_value)
    now = reading(revision.now_colour, revision.now_value)
    return f"Recorded since {_long_date(as_of)}: {label} was {then}, now {now}."


def _colour_counts(report: reporting_pb2.BoardReport) -> list[tuple[str, int]]:
    """Academies per overall colour, every colour shown (0 where the message has none)."""
    counts = {colour: 0 for colour in COLOURS}
    for count in report.overall:
        counts[_colour(count.colour)] += count.academies
    return list(counts.items())


def _totals(totals: reporting_pb2.TrustTotals) -> Totals:
    """The trust's totals as the report gives them (it sums the academies)."""
    return Totals(
        days_granted=totals.entitlement_days_granted or "0.00",
        days_used=totals.entitlement_days_used or "0.00",
        budget=pounds(totals.budget_pence),
        committed=pounds(totals.committed_pence),
        remaining=pounds(totals.remaining_pence),
        delivered=pounds(totals.delivered_pence),
        invoiced=pounds(totals.invoiced_pence),
    )


def _colour(colour: str) -> str:
    # Anything but the three colours is shown as not rated rather than guessed at.
    return colour if colour in RAG_COLOURS else NOT_RATED


def _days(text: str) -> Decimal:
    return days(text) if text.strip() else Decimal(0)


def _title(report: reporting_pb2.BoardReport) -> str:
    return f"{report.trust_name}: board pack, {_term(report)}"


def _term(report: reporting_pb2.BoardReport) -> str:
    return f"{report.term.capitalize()} term {report.academic_year}"


def _long_date(iso: str) -> str:
    try:
        date = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{date.day} {date:%B %Y}"


def _safe_name(part: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.]+", "-", part).strip("-.") or "none"


# -- the charts ------------------------------------------------------------------------
# Built on matplotlib.figure.Figure, never pyplot: no global figure state, so
# two packs can be drawn at once.

_FONT_SIZE = 8


def rag_grid_figure(academies: Sequence[AcademyView], columns: Sequence[tuple[str, str]]) -> Figure:
    """Academies (rows) x lines (columns), each cell its colour and letter. A cell
    whose rating was revised since the date carries an asterisk."""
    cell_w = min(0.8, 7.2 / max(len(columns), 1))
    fig = _figure(width=2.6 + cell_w * len(columns), rows=len(academies), row_height=0.4, extra=1.9)
    ax = fig.add_subplot()
    for row, academy in enumerate(academies):
        ratings = {r.dimension: r for r in academy.ratings} | {"overall": academy.overall}
        for col, (dimension, _) in enumerate(columns):
            _grid_cell(ax, row, col, ratings.get(dimension), bold=dimension == "overall")
    ax.set_xlim(0, len(columns))
    ax.set_ylim(max(len(academies), 1), 0)  # a pack with no academies still draws
    ax.xaxis.tick_top()
    ax.set_xticks(
        [c + 0.5 for c in range(len(columns))],
        labels=[_wrap(label, 16) for _, label in columns],
        rotation=35,
        ha="left",
        rotation_mode="anchor",
        parse_math=False,
    )
    _name_ticks(ax, academies)
    ax.tick_params(length=0)
    # The overall is the column a board reads first: set it apart.
    ax.axvline(len(columns) - 1, color="#1a1a1a", linewidth=2)
    _hide_spines(ax)
    labels = [f"{LETTERS[c]}  {WORDS[c]}" for c in COLOURS]
    handles = [Patch(facecolor=RAG_COLOURS[c]) for c in COLOURS]
    if any(r.revised for a in academies for r in (*a.ratings, a.overall)):
        handles.append(Patch(facecolor="none", edgecolor="none"))
        labels.append("*  reads differently now")
    ax.legend(
        handles,
        labels,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.02),
        ncols=len(handles),
        frameon=False,
        fontsize=_FONT_SIZE,
    )
    return fig


def _grid_cell(ax: Axes, row: int, col: int, rating: RatingView | None, bold: bool) -> None:
    colour = rating.colour if rating else NOT_RATED
    cell = Rectangle(
        (col, row), 1, 1, facecolor=RAG_COLOURS[colour], edgecolor="white", linewidth=2
    )
    # A stable id per cell: the page's test counts them (one per academy x line).
    cell.set_gid(f"rag-cell-{row}-{col}")
    ax.add_patch(cell)
    letter = LETTERS[colour] + ("*" if rating and rating.revised else "")
    ax.text(
        col + 0.5,
        row + 0.5,
        letter,
        ha="center",
        va="center",
        color=INK[colour],
        fontsize=_FONT_SIZE + 2,
        fontweight="bold" if bold else "normal",
    )


# Positions on the trend chart's scale, worst on the left.
_TREND_X = {NOT_RATED: 0, RED: 1, AMBER: 2, GREEN: 3}


def trend_figure(academies: Sequence[AcademyView]) -> Figure:
    """Last term's overall (hollow) to this term's (filled), with the change word."""
    fig = _figure(width=9.0, rows=len(academies), row_height=0.42, extra=1.0)
    ax = fig.add_subplot()
    for row, academy in enumerate(academies):
        now = academy.overall.colour
        if academy.change != "new":
            then = academy.previous_colour
            if then != now:
                ax.annotate(
                    "",
                    xy=(_TREND_X[now], row),
                    xytext=(_TREND_X[then], row),
                    arrowprops={
                        "arrowstyle": "-|>",
                        "color": "#555555",
                        "lw": 1.5,
                        "shrinkA": 7,
                        "shrinkB": 8,
                    },
                )
            ax.plot(
                _TREND_X[then],
                row,
                "o",
                markersize=11,
                markerfacecolor="white",
                markeredgecolor=RAG_COLOURS[then],
                markeredgewidth=2.5,
            )
        ax.plot(
            _TREND_X[now],
            row,
            "o",
            markersize=12,
            markerfacecolor=RAG_COLOURS[now],
            markeredgecolor="#1a1a1a",
            markeredgewidth=0.8,
        )
        ax.text(
            3.45,
            row,
            f"{academy.change_arrow} {academy.change}",
            va="center",
            fontsize=_FONT_SIZE + 1,
            parse_math=False,
        )
    ax.set_xlim(-0.4, 4.1)
    ax.set_ylim(max(len(academies), 1) - 0.5, -0.5)
    ax.set_xticks(list(_TREND_X.values()), labels=[WORDS[c] for c in _TREND_X])
    _name_ticks(ax, academies, offset=0.0)
    ax.grid(axis="x", color="#e0e0e0")
    ax.set_axisbelow(True)
    ax.tick_params(length=0)
    _hide_spines(ax)
    ax.legend(
        handles=[
            _marker("last term", face="white", edge="#555555", edge_width=2),
            _marker("this term", face="#555555", edge="#1a1a1a", edge_width=0.8),
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.06),
        ncols=2,
        frameon=False,
        fontsize=_FONT_SIZE,
    )
    return fig


def _marker(label: str, face: str, edge: str, edge_width: float) -> Line2D:
    return Line2D(
        [],
        [],
        marker="o",
        linestyle="none",
        label=label,
        markerfacecolor=face,
        markeredgecolor=edge,
        markeredgewidth=edge_width,
    )


def spend_figure(academies: Sequence[reporting_pb2.AcademyReport]) -> Figure:
    """Per academy: the year's budget, then committed, delivered and invoiced, in pounds."""
    series = ("budget", "committed", "delivered", "invoiced")
    fig = _figure(width=9.0, rows=len(academies), row_height=0.5, extra=0.9)
    ax = fig.add_subplot()
    bar = 0.8 / len(series)
    for i, name in enumerate(series):
        values = [getattr(a, f"{name}_pence") / 100 for a in academies]
        ax.barh(
            [row - 0.4 + bar * (i + 0.5) for row in range(len(academies))],
            values,
            height=bar,
            color=SPEND_COLOURS[name],
            label=name,
            edgecolor="#90a4ae" if name == "budget" else "none",
            linewidth=0.6,
        )
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"£{x:,.0f}"))
    _bar_axes(ax, academies, legend_columns=len(series))
    return fig


def days_figure(academies: Sequence[reporting_pb2.AcademyReport]) -> Figure:
    """Per academy: the entitlement's days granted (wide, pale) and used (narrow, dark)."""
    fig = _figure(width=9.0, rows=len(academies), row_height=0.42, extra=1.0)
    ax = fig.add_subplot()
    rows = list(range(len(academies)))
    granted = [float(_days(a.entitlement_days_granted)) for a in academies]
    used = [float(_days(a.entitlement_days_used)) for a in academies]
    ax.barh(rows, granted, height=0.7, color="#cfd8dc", edgecolor="#90a4ae", label="granted")
    ax.barh(rows, used, height=0.35, color="#1f4e79", label="used")
    for row, academy in enumerate(academies):
        ax.annotate(
            f"{academy.entitlement_days_used or '0.00'} of {academy.entitlement_days_granted or '0.00'}",
            xy=(max(granted[row], used[row]), row),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=_FONT_SIZE,
            parse_math=False,
        )
    ax.set_xlim(0, max([*granted, *used, 1.0]) * 1.2)
    ax.set_xlabel("days", fontsize=_FONT_SIZE)
    _bar_axes(ax, academies, legend_columns=2)
    return fig


def _bar_axes(
    ax: Axes, academies: Iterable[reporting_pb2.AcademyReport], legend_columns: int
) -> None:
    names = [a.name for a in academies]
    ax.set_yticks(range(len(names)), labels=[_wrap(n, 30) for n in names], parse_math=False)
    ax.set_ylim(max(len(names), 1) - 0.5, -0.5)
    ax.grid(axis="x", color="#e0e0e0")
    ax.set_axisbelow(True)
    ax.tick_params(length=0)
    _hide_spines(ax)
    # Above the bars: below them it would collide with the axis's label.
    ax.legend(
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncols=legend_columns,
        frameon=False,
        fontsize=_FONT_SIZE,
    )


def _name_ticks(ax: Axes, academies: Sequence[AcademyView], offset: float = 0.5) -> None:
    ax.set_yticks(
        [row + offset for row in range(len(academies))],
        labels=[_wrap(a.name, 30) for a in academies],
        parse_math=False,  # a "$" in a name is text, not mathematics
    )


def _figure(width: float, rows: int, row_height: float, extra: float) -> Figure:
    fig = Figure(figsize=(width, extra + row_height * max(rows, 1)), layout="constrained")
    fig.set_facecolor("white")
    return fig


def _hide_spines(ax: Axes) -> None:
    for spine in ax.spines.values():
        spine.set_visible(False)


def _wrap(text: str, width: int) -> str:
    return textwrap.fill(text, width) or " "


_SVG_LOCK = threading.Lock()
# No date (the same pack twice is the same SVG) and no creator's URL in the page.
_NO_METADATA: dict[str, str | None] = dict.fromkeys(("Date", "Creator", "Format", "Type"))


def _svg(fig: Figure, name: str) -> Markup:
    """The figure as an <svg> element to put inline in the page."""
    # matplotlib numbers its groups' ids per figure (axes_1, text_1, ...): the
    # four charts share one HTML document, where an id must be unique.
    for number, artist in enumerate(fig.findobj()):
        if artist.get_gid() is None:
            artist.set_gid(f"{name}-{number}")
    buffer = io.StringIO()
    # Text stays text (the PDF can be searched and copied); the salt makes the
    # SVG's internal ids unique per chart, as the four share one HTML document,
    # and the same on every run. rc_context changes matplotlib's process-wide
    # settings while it lasts, so the lock keeps two packs drawn in two threads
    # from restoring each other's settings out of order.
    with (
        _SVG_LOCK,
        matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": f"board-pack-{name}"}),
    ):
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata=_NO_METADATA)
    svg = buffer.getvalue()
    # The XML prolog and DOCTYPE do not belong inside an HTML page. matplotlib
    # escapes every text it writes, so the rest can go in as it is.
    return Markup(svg[svg.index("<svg") :])
