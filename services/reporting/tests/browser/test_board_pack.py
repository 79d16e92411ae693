"""The board pack, checked in a real headless Chromium and in its printed PDF.

A BoardReport built by hand (six academies: every colour and not rated, a
revision, subject phases, a new academy, odd pence, a name that needs escaping)
is rendered; the page is opened in Chromium and compared with the message, and
the PDF's pages are drawn to images and looked at.

The last run's screenshot, page, PDF and page images are kept in
test-artifacts/board-pack/ at the repository's root, for a person to look at.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pypdfium2
import pytest
from contracts.money import pounds
from playwright.async_api import Page, Request, Route, async_playwright
from reporting.staff.board_pack import (
    CHART_IDS,
    CHROMIUM_ARGS,
    RAG_COLOURS,
    grid_columns,
    render_html,
    write_board_pack,
)
from trust.reporting.v1 import reporting_pb2 as pb

CHROMIUM = Path("/usr/bin/chromium")
GENERATED_AT = "2026-12-19 09:30 (test)"
AREAS = {
    "quality_of_education": "Quality of education",
    "behaviour_and_attitudes": "Behaviour and attitudes",
    "leadership_and_management": "Leadership and management",
}


def _repo_root() -> Path:
    here = Path(__file__).resolve()
    return next(parent for parent in here.parents if (parent / "uv.lock").exists())


ARTEFACTS = _repo_root() / "test-artifacts" / "board-pack"


# -- the message -----------------------------------------------------------------------


def rating(dimension: str, colour: str, value: str, *reasons: str) -> pb.Rating:
    label = AREAS.get(dimension) or dimension.replace("_", " ").capitalize()
    return pb.Rating(dimension=dimension, label=label, colour=colour, value=value, reasons=reasons)


def academy(
    number: int,
    name: str,
    lines: dict[str, str],
    overall: str,
    *,
    change: str,
    previous: str = "",
    **fields: object,
) -> pb.AcademyReport:
    """An academy whose lines are "colour:value" ("" colour: not rated); last
    term each line read as the academy's overall did then."""
    ratings = []
    for dimension, line in lines.items():
        colour, _, value = line.partition(":")
        reason = f"{dimension} is {colour or 'not rated'} for {name}"
        ratings.append(rating(dimension, colour, value, reason))
        ratings[-1].previous_colour = previous
    worst = [r.label for r in ratings if r.colour == overall] or ["no line rated"]
    overdue = [
        pb.OverdueAction(
            action_id=f"act-{number}-{i}",
            title=f"Action {i + 1} for {name}",
            owner_subject=f"head@{number}",
            owner_role="headteacher",
            due_on="2026-11-30",
            days_overdue=18,
        )
        for i in range(int(str(fields.get("overdue_actions", 0))))
    ]
    budget, committed = fields.get("budget_pence", 0), fields.get("committed_pence", 0)
    overall_line = rating("overall", overall, "", *(f"the worst line: {w}" for w in worst))
    overall_line.previous_colour = previous
    return pb.AcademyReport(
        remaining_pence=int(str(budget)) - int(str(committed)),
        overdue=overdue,
        academy_id=f"acad-{number:02d}",
        name=name,
        ratings=ratings,
        overall=overall_line,
        change=change,
        previous_colour=previous,
        **fields,  # type: ignore[arg-type]
    )


def compliance(expected: int, held: int, papers: int, notes: int) -> pb.Compliance:
    return pb.Compliance(
        meetings_expected=expected,
        meetings_held=held,
        papers_due=expected,
        papers_on_time=papers,
        notes_due=held,
        notes_on_time=notes,
    )


def board_report() -> pb.BoardReport:
    primary = {
        "quality_of_education": "green:good",
        "behaviour_and_attitudes": "green:good",
        "leadership_and_management": "green:outstanding",
        "phase": "green:established",
        "attendance": "green:96.2%",
        "actions": "green:0 overdue",
    }
    academies = [
        academy(
            1,
            "Ashgrove Primary",
            primary,
            "green",
            change="up",
            previous="amber",
            phase="established",
            phase_name="Established",
            open_actions=2,
            overdue_actions=0,
            entitlement_days_granted="10.00",
            entitlement_days_used="3.50",
            budget_pence=2_500_000,
            committed_pence=1_234_567,
            delivered_pence=987_601,
            invoiced_pence=900_001,
            compliance=compliance(4, 4, 4, 3),
        ),
        academy(
            2,
            "Brookside Academy",
            {
                **primary,
                "quality_of_education": "amber:requires improvement",
                "attendance": "amber:92.9%",
                "progress8": "amber:-0.21",
            },
            "amber",
            change="same",
            previous="amber",
            phase="developing",
            phase_name="Developing",
            open_actions=5,
            overdue_actions=1,
            entitlement_days_granted="12.50",
            entitlement_days_used="12.75",
            budget_pence=1_800_099,
            committed_pence=1_799_999,
            delivered_pence=1_500_050,
            invoiced_pence=1_499_999,
            compliance=compliance(4, 3, 3, 2),
            revisions=[
                pb.Revision(
                    dimension="quality_of_education",
                    then_colour="amber",
                    now_colour="red",
                    then_value="requires improvement",
                    now_value="inadequate",
                )
            ],
            subject_phases=[
                pb.SubjectPhase(subject="maths", phase="developing", phase_name="Developing"),
                pb.SubjectPhase(subject="english", phase="established", phase_name="Established"),
            ],
        ),
        academy(
            3,
            "Castle Hill School",
            {**primary, "leadership_and_management": "red:inadequate", "actions": "red:4 overdue"},
            "red",
            change="down",
            previous="amber",
            phase="intervention",
            phase_name="Intervention",
            open_actions=9,
            overdue_actions=4,
            entitlement_days_granted="20.00",
            entitlement_days_used="17.25",
            budget_pence=4_000_001,
            committed_pence=3_333_333,
            delivered_pence=2_222_223,
            invoiced_pence=2_000_017,
            compliance=compliance(5, 4, 2, 2),
        ),
        academy(
            4,
            "Dene Valley Primary",
            dict.fromkeys(primary, ""),
            "",
            change="same",
            previous="",
            open_actions=0,
            overdue_actions=0,
            entitlement_days_granted="5.00",
            entitlement_days_used="0.00",
            budget_pence=0,
            committed_pence=0,
            delivered_pence=0,
            invoiced_pence=0,
            compliance=compliance(2, 1, 1, 0),
        ),
        academy(
            5,
            "Elm Park Free School",
            {
                "quality_of_education": "amber:requires improvement",
                "phase": "amber:new",
                "returns": ":",
            },
            "amber",
            change="new",
            open_actions=1,
            overdue_actions=0,
            phase="new",
            phase_name="New to the trust",
            entitlement_days_granted="8.00",
            entitlement_days_used="1.25",
            budget_pence=750_033,
            committed_pence=125_099,
            delivered_pence=33_301,
            invoiced_pence=0,
            compliance=compliance(1, 1, 1, 1),
        ),
        academy(
            6,
            "Fairfield & St Mary's <CE> High",
            {**primary, "progress8": "green:0.35"},
            "green",
            change="up",
            previous="red",
            phase="established",
            phase_name="Established",
            open_actions=3,
            overdue_actions=2,
            entitlement_days_granted="15.00",
            entitlement_days_used="9.99",
            budget_pence=3_100_007,
            committed_pence=2_900_509,
            delivered_pence=2_001_999,
            invoiced_pence=1_999_999,
            compliance=compliance(6, 6, 5, 6),
            subject_phases=[
                pb.SubjectPhase(subject="science", phase="established", phase_name="Established")
            ],
        ),
    ]
    counts: dict[str, int] = {}
    for a in academies:
        counts[a.overall.colour] = counts.get(a.overall.colour, 0) + 1
    totals = pb.TrustTotals(
        open_actions=sum(a.open_actions for a in academies),
        overdue_actions=sum(a.overdue_actions for a in academies),
        entitlement_days_granted="70.50",
        entitlement_days_used="44.74",
        budget_pence=sum(a.budget_pence for a in academies),
        committed_pence=sum(a.committed_pence for a in academies),
        delivered_pence=sum(a.delivered_pence for a in academies),
        invoiced_pence=sum(a.invoiced_pence for a in academies),
        remaining_pence=sum(a.remaining_pence for a in academies),
    )
    return pb.BoardReport(
        framework_name="Oak's RAG framework",
        totals=totals,
        trust_id="oak-trust",
        trust_name="Oak Learning Trust",
        academic_year="2026/27",
        term="autumn",
        as_of="2026-12-18",
        framework_id="oak-rag",
        framework_version=3,
        phase_label="phase",
        previous_term="summer 2025/26",
        academies=academies,
        compliance=compliance(22, 19, 16, 14),
        overall=[pb.ColourCount(colour=c, academies=n) for c, n in counts.items()],
    )


# -- fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def artefacts() -> Iterator[Path]:
    # Only the last run's: what an earlier run left (more pages, say) would mislead.
    shutil.rmtree(ARTEFACTS, ignore_errors=True)
    ARTEFACTS.mkdir(parents=True)
    yield ARTEFACTS


@pytest.fixture(scope="module")
def report() -> pb.BoardReport:
    return board_report()


def chromium() -> str:
    """The system's Chromium; a test without it fails (in the test, not its setup:
    a missing browser is a broken machine, never a reason to skip)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not at {CHROMIUM}: run scripts/setup (it installs Debian's chromium)",
            pytrace=False,
        )
    return str(CHROMIUM)


def expected_fields(a: pb.AcademyReport) -> dict[str, str]:
    """What the page must say for the academy, from the message alone."""
    return {
        "overall": a.overall.colour or "not rated",
        "change": a.change,
        "open_actions": str(a.open_actions),
        "overdue_actions": str(a.overdue_actions),
        "budget": pounds(a.budget_pence),
        "committed": pounds(a.committed_pence),
        "delivered": pounds(a.delivered_pence),
        "invoiced": pounds(a.invoiced_pence),
        "remaining": pounds(a.remaining_pence),
        "entitlement_used": a.entitlement_days_used,
        "entitlement_granted": a.entitlement_days_granted,
        "meetings": f"{a.compliance.meetings_held} of {a.compliance.meetings_expected}",
    }


# -- the page in the browser ---------------------------------------------------------------


async def test_the_page_shows_the_message_in_chromium(
    artefacts: Path, report: pb.BoardReport
) -> None:
    executable = chromium()
    html = render_html(report, GENERATED_AT)
    (artefacts / "board-pack.html").write_text(html, encoding="utf-8")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 900})
            problems = await _open(page, html)
            assert problems == [], "the page logged errors or fetched something"
            await _assert_figures(page, report)
            await _assert_charts(page, report)
            await page.screenshot(path=artefacts / "screenshot.png", full_page=True)
        finally:
            await browser.close()


async def _open(page: Page, html: str) -> list[str]:
    """Opens the page; returns its console errors, page errors and any request made
    (a self-contained page asks the network for nothing)."""
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))

    async def refuse(route: Route, request: Request) -> None:
        problems.append(f"request: {request.url}")
        await route.abort()

    await page.route("**/*", refuse)
    await page.set_content(html, wait_until="load")
    return problems


async def _assert_figures(page: Page, report: pb.BoardReport) -> None:
    body = await page.inner_text("body")
    assert report.trust_name in body
    for a in report.academies:
        assert a.name in body, a.name
        scope = page.locator(f'[data-academy-id="{a.academy_id}"]')
        assert await scope.count() >= 1, a.academy_id
        for field, expected in expected_fields(a).items():
            texts = await scope.locator(f'[data-field="{field}"]').all_inner_texts()
            assert texts, f"{a.academy_id}: no {field}"
            assert {t.strip() for t in texts} == {expected}, f"{a.academy_id} {field}: {texts}"
        for revision in a.revisions:
            (text,) = await scope.locator('[data-field="revision"]').all_inner_texts()
            assert f"was {revision.then_colour}" in text and f"now {revision.now_colour}" in text
        for rated in a.ratings:
            for reason in rated.reasons:
                assert reason in body, reason
            line = scope.locator(
                f'tr[data-dimension="{rated.dimension}"] [data-field="line_previous"]'
            )
            assert await line.inner_text() == (rated.previous_colour or "not rated")
        listed = await scope.locator('[data-field="overdue_action"]').all_inner_texts()
        assert len(listed) == len(a.overdue) == a.overdue_actions
        for action, text in zip(a.overdue, listed, strict=True):
            assert action.title in text and "18 days overdue" in text and "headteacher" in text
    counts = {c.colour or "not-rated": c.academies for c in report.overall}
    for colour in ("green", "amber", "red", "not-rated"):
        shown = await page.inner_text(f'#summary [data-field="count-{colour}"]')
        assert shown == str(counts.get(colour, 0)), colour
    assert await page.inner_text('[data-field="trust-meetings"]') == "19 of 22"
    # The trust's totals as the message gives them, and the framework by name.
    assert await page.inner_text('[data-field="total-budget"]') == pounds(
        report.totals.budget_pence
    )
    assert await page.inner_text('[data-field="total-remaining"]') == pounds(
        report.totals.remaining_pence
    )
    assert await page.inner_text('[data-field="total-entitlement_used"]') == "44.74"
    assert await page.inner_text('[data-field="framework_name"]') == report.framework_name


async def _assert_charts(page: Page, report: pb.BoardReport) -> None:
    for chart in CHART_IDS:
        svg = page.locator(f'[data-chart="{chart}"] svg')
        assert await svg.count() == 1, chart
        box = await svg.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100, (chart, box)
    cells = page.locator('[data-chart="rag-grid"] svg [id^="rag-cell-"]')
    assert await cells.count() == len(report.academies) * len(grid_columns(report))
    # Four SVGs in one document: their internal ids (clip paths, markers) must not clash.
    ids: list[str] = await page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids)), "duplicate ids in the page"


# -- the printed PDF ---------------------------------------------------------------------


async def test_the_pdf_prints_every_page_and_the_grid_in_colour(
    artefacts: Path, report: pb.BoardReport
) -> None:
    executable = chromium()
    html_path, pdf_path = await write_board_pack(report, artefacts, GENERATED_AT, executable)
    assert html_path.name == "board-pack-oak-trust-autumn-2026-27.html"
    assert pdf_path.name == "board-pack-oak-trust-autumn-2026-27.pdf"
    pdf = pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF")

    document = pypdfium2.PdfDocument(pdf)
    try:
        images = []
        for number, page in enumerate(document, start=1):
            picture = page.render(scale=1.5).to_pil().convert("RGB")
            picture.save(artefacts / f"page-{number:02d}.png")
            images.append(np.asarray(picture))
            page.close()
    finally:
        document.close()

    assert images, "the PDF has no pages"
    for number, image in enumerate(images, start=1):
        inked = int(np.any(image < 235, axis=-1).sum())
        assert inked > image.shape[0] * image.shape[1] // 200, f"page {number} is blank"
    for colour in ("red", "amber", "green"):
        found = _pixels_of(images[0], RAG_COLOURS[colour])
        # Far more than the summary's small swatches: the grid's cells printed in colour.
        assert found > 3000, f"{colour} ({RAG_COLOURS[colour]}) on page 1: {found} pixels"


def _pixels_of(image: np.ndarray, hex_colour: str, tolerance: int = 6) -> int:
    rgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.int16)
    close = np.all(np.abs(image.astype(np.int16) - rgb) <= tolerance, axis=-1)
    return int(close.sum())
