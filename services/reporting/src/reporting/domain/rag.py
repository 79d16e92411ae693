"""Red, amber and green by the trust's framework's RAG rules. Pure.

Each rating says what produced it: the grade and where it came from, the phase,
the figure against its lines. A line with nothing to rate it on is not rated
(colour ""), says so, and does not count towards the overall.

The overall is the worst rated line (``worst_area``) or the colour most lines
have (``majority``, a tie going to the worse colour), with the lines that
made it as its reasons.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from trust_frameworks.model import Framework, Threshold
from trust_frameworks.schemes import SCHEMES

GREEN, AMBER, RED, NOT_RATED = "green", "amber", "red", ""
_SEVERITY = {GREEN: 0, AMBER: 1, RED: 2}


@dataclass(frozen=True)
class Rating:
    dimension: str
    label: str
    colour: str
    reasons: tuple[str, ...]
    value: str = ""
    previous_colour: str = ""  # the line at the end of last term (with_history fills it)


def with_previous(rating: Rating, colour: str) -> Rating:
    """The rating with its line's colour last term (``replace`` without its
    generic cost: a report sets it on every line)."""
    return Rating(
        rating.dimension, rating.label, rating.colour, rating.reasons, rating.value, colour
    )


def severity(colour: str) -> int:
    """How bad a colour is (not rated: -1)."""
    return _SEVERITY.get(colour, -1)


def worse(a: str, b: str) -> str:
    return a if severity(a) >= severity(b) else b


def grade_rating(framework: Framework, area: str, grade: str | None, source: str | None) -> Rating:
    """An inspection area, from its latest grade (``source`` says whose and when)."""
    scheme = framework.scheme
    found = scheme.area(area)
    label = found.name if found else area.replace("_", " ").capitalize()
    if grade is None or source is None:
        return Rating(area, label, NOT_RATED, ("no judgement recorded yet",))
    found_grade = scheme.grade(grade)
    grade_name = found_grade.name if found_grade else grade
    colour = framework.rag.grade_colours.get(grade, NOT_RATED)
    if not colour:
        return Rating(
            area, label, NOT_RATED, (f"{grade_name} has no colour in the RAG rules",), grade
        )
    return Rating(area, label, colour, (f"{grade_name} ({source})",), grade)


def phase_rating(
    framework: Framework, phase: str | None, since: str | None, intervention_since: str | None
) -> Rating:
    label = framework.phase_label.capitalize()
    if intervention_since:
        return Rating(
            "phase", label, RED, (f"formal intervention since {intervention_since}",), phase or ""
        )
    if phase is None:
        return Rating("phase", label, NOT_RATED, (f"no {framework.phase_label} decided yet",))
    found = framework.phase(phase)
    name = found.name if found else phase
    colour = framework.rag.phase_colours.get(phase, NOT_RATED)
    if not colour:
        return Rating("phase", label, NOT_RATED, (f"{name}: no colour in the RAG rules",), phase)
    return Rating("phase", label, colour, (f"{name} since {since}",), phase)


def inspection_rating(
    framework: Framework,
    on: str | None,
    grades: dict[str, str],
    safeguarding: str | None,
    scheme: str | None = None,
) -> Rating:
    """The latest inspection: its worst graded area; unmet safeguarding is red.

    Graded on the framework's scheme, by its grade colours; on the other scheme
    (a report card for a trust still judging on the 2019 framework, say), by
    that scheme's usual colours, and the reasons say so."""
    if on is None:
        return Rating("inspection", "Inspection", NOT_RATED, ("no inspection recorded",))
    if safeguarding == "not_met":
        return Rating(
            "inspection", "Inspection", RED, (f"safeguarding not met at inspection on {on}",), on
        )
    other = SCHEMES.get(scheme) if scheme and scheme != framework.judgement_scheme else None
    rated = []
    for area, grade in grades.items():
        colour = other.usual_colour(grade) if other else framework.rag.grade_colours.get(grade)
        if colour is not None:
            rated.append((colour, area, grade))
    if not rated:
        return Rating("inspection", "Inspection", NOT_RATED, (f"no graded area on {on}",), on)
    worst = max(rated, key=lambda r: severity(r[0]))
    reasons = tuple(
        f"{area.replace('_', ' ')}: {g.replace('_', ' ')} on {on}"
        for colour, area, g in rated
        if colour == worst[0]
    )
    if other is not None:
        reasons += (f"on {other.name}, coloured as that scheme's grades usually read",)
    return Rating("inspection", "Inspection", worst[0], reasons, on)


def threshold_colour(value: float, lines: Threshold) -> str:
    if lines.higher_is_better:
        return RED if value < lines.red else AMBER if value < lines.amber else GREEN
    return RED if value > lines.red else AMBER if value > lines.amber else GREEN


def figure_rating(
    dimension: str, label: str, value: float | None, lines: Threshold | None, unit: str, source: str
) -> Rating:
    """A returned figure (attendance, Progress 8, a KPI) against its lines."""
    if value is None:
        return Rating(dimension, label, NOT_RATED, ("not returned yet",))
    shown = f"{value:g}{unit}"
    if lines is None:
        return Rating(
            dimension, label, NOT_RATED, (f"{shown} ({source}); no lines to rate it",), shown
        )
    colour = threshold_colour(value, lines)
    direction = "below" if lines.higher_is_better else "above"
    if colour == GREEN:
        reason = f"{shown} ({source}); amber {direction} {lines.amber:g}{unit}"
    else:
        line = lines.red if colour == RED else lines.amber
        reason = f"{shown} ({source}) is {direction} {line:g}{unit}"
    return Rating(dimension, label, colour, (reason,), shown)


def actions_rating(framework: Framework, overdue: int, oldest_due: str | None) -> Rating:
    rules = framework.rag
    colour = (
        RED
        if overdue >= rules.overdue_actions_red
        else AMBER
        if overdue >= rules.overdue_actions_amber and overdue > 0
        else GREEN
    )
    if overdue == 0:
        return Rating("actions", "Actions", GREEN, ("no action overdue",), "0")
    plural = "action" if overdue == 1 else "actions"
    reason = f"{overdue} {plural} overdue (the oldest due {oldest_due})"
    return Rating("actions", "Actions", colour, (reason,), str(overdue))


def returns_rating(framework: Framework, late: Sequence[str]) -> Rating:
    """Data returns late or missing by their due dates (``late`` describes each)."""
    if not late:
        return Rating("returns", "Data returns", GREEN, ("every return due was on time",), "0")
    colour = AMBER if len(late) >= framework.rag.late_returns_amber else GREEN
    return Rating("returns", "Data returns", colour, tuple(late), str(len(late)))


def overall_rating(framework: Framework, ratings: Sequence[Rating]) -> Rating:
    rated = [r for r in ratings if r.colour]
    if not rated:
        return Rating("overall", "Overall", NOT_RATED, ("nothing rated yet",))
    if framework.rag.overall == "majority":
        counts = Counter(r.colour for r in rated)
        colour = max(counts, key=lambda c: (counts[c], severity(c)))
        rule = f"most lines are {colour} ({counts[colour]} of {len(rated)})"
    else:
        colour = max((r.colour for r in rated), key=severity)
        rule = "the worst line"
    drivers = [f"{r.label}: {'; '.join(r.reasons)}" for r in rated if r.colour == colour]
    return Rating("overall", "Overall", colour, (rule, *drivers), colour)
