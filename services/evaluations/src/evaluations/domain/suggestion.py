"""A suggested phase from the evidence, with its reasons. A person decides.

Progress 8 band (seed 001: each phase names its Progress 8 categories) and the
latest trust-side judgement (seed 003: categories from Ofsted-style grades)
each point at a phase; where both do and disagree, the more cautious phase
(later in the framework's order) is suggested, and both reasons are shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.evaluations.v1 import EvaluationJudged
from trust_frameworks.model import Framework

from evaluations.domain.facts import LatestData

TRUST_KINDS = ("trust_evaluation", "roundtable", "external_review")


@dataclass(frozen=True)
class Suggestion:
    phase: str | None
    reasons: list[str]


def _overall_grade(framework: Framework, judged: EvaluationJudged) -> str | None:
    scheme = framework.scheme
    if scheme.has_overall_grade and "overall_effectiveness" in judged.judgements:
        return judged.judgements["overall_effectiveness"]
    # The renewed framework has no overall grade: take the weakest area.
    graded = [scheme.grade(g) for g in judged.judgements.values()]
    ranked = [g for g in graded if g is not None]
    return max(ranked, key=lambda g: g.rank).id if ranked else None


def suggest(
    framework: Framework, data: LatestData | None, judgements: list[EvaluationJudged]
) -> Suggestion:
    order = {p.id: i for i, p in enumerate(framework.phases)}
    candidates: list[str] = []
    reasons: list[str] = []
    if data is not None and data.progress8_band:
        by_band = [p for p in framework.phases if data.progress8_band in p.progress8_bands]
        period = f"{data.academic_year} {data.term}"
        if by_band:
            candidates.append(by_band[0].id)
            reasons.append(
                f"Progress 8 band {data.progress8_band.replace('_', ' ')} ({period}) "
                f"suggests {by_band[0].name}"
            )
        else:
            reasons.append(f"Progress 8 band {data.progress8_band} ({period}) names no phase here")
    trust_judged = [j for j in judgements if j.kind in TRUST_KINDS]
    if trust_judged:
        latest = trust_judged[-1]
        grade = _overall_grade(framework, latest)
        by_grade = [p for p in framework.phases if grade in p.judgement_grades]
        if grade and by_grade:
            candidates.append(by_grade[0].id)
            reasons.append(
                f"{latest.kind.replace('_', ' ')} {latest.academic_year} {latest.term}: "
                f"{grade.replace('_', ' ')} suggests {by_grade[0].name}"
            )
    if not candidates:
        reasons.append(
            "no Progress 8 band or trust judgement yet that the framework maps to a phase"
        )
        return Suggestion(None, reasons)
    chosen = max(candidates, key=lambda phase_id: order[phase_id])
    if len(set(candidates)) > 1:
        reasons.append(f"the evidence disagrees: the more cautious {chosen} is suggested")
    return Suggestion(chosen, reasons)
