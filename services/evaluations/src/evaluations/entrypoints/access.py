"""Who may call each RPC of evaluations, on what: the one table.

The gRPC bootstrap checks the role before any handler; a handler checks the
scope (the academy's trust and the caller's reach) with the same row. Which
*kind* of evaluation a role may make is the domain's rule
(``domain.decisions.KINDS``): this table lets in every role that may make one.
"""

from __future__ import annotations

from chassis.access import AccessTable, Scope, allow
from chassis.auth import Role
from trust.evaluations.v1 import evaluations_pb2 as pb

from evaluations.domain.decisions import KINDS

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["EvaluationsService"].full_name

# The academy's evaluation record: the board, the executive, the academy's
# improvement lead, headteacher and local governing body.
RECORD_READERS = (
    Role.TRUSTEE,
    Role.CHIEF_EXECUTIVE,
    Role.IMPROVEMENT_LEAD,
    Role.HEADTEACHER,
    Role.CHAIR_OF_LGB,
)
JUDGES = sorted({role for roles in KINDS.values() for role in roles})

ACCESS = AccessTable(
    SERVICE_NAME,
    {
        "JudgeEvaluation": allow("judging an academy", Scope.ACADEMY, JUDGES),
        "ListEvaluations": allow("reading evaluations", Scope.ACADEMY, RECORD_READERS),
        "GetPhase": allow("reading phases", Scope.ACADEMY, RECORD_READERS),
        "GetPhaseSuggestion": allow(
            "reading a phase suggestion",
            Scope.ACADEMY,
            [Role.TRUSTEE, Role.CHIEF_EXECUTIVE, Role.IMPROVEMENT_LEAD],
        ),
        # The chief executive proposes; the board (trustees) decides, and the
        # proposer can never confirm (a domain rule: the person, not the role).
        "ProposePhase": allow("proposing a phase", Scope.ACADEMY, [Role.CHIEF_EXECUTIVE]),
        "WithdrawProposal": allow("withdrawing a proposal", Scope.ACADEMY, [Role.CHIEF_EXECUTIVE]),
        "ConfirmPhase": allow("confirming a phase", Scope.ACADEMY, [Role.TRUSTEE]),
        "RejectProposal": allow("rejecting a proposal", Scope.ACADEMY, [Role.TRUSTEE]),
        # Concerns are confidential: the chief executive and the academy's
        # improvement leads read them (seed 004: a consultant informs the chief
        # executive); a provider may raise one and gets back only their own.
        "RaiseConcern": allow(
            "raising a concern",
            Scope.ACADEMY,
            [Role.IMPROVEMENT_LEAD, Role.PROVIDER, Role.CHIEF_EXECUTIVE],
        ),
        "ListConcerns": allow(
            "reading concerns", Scope.ACADEMY, [Role.CHIEF_EXECUTIVE, Role.IMPROVEMENT_LEAD]
        ),
        # The board's inbox: trustees and the chief executive see the whole
        # trust's; an improvement lead sees their academies' only.
        "ListOpenProposals": allow(
            "reading the open proposals",
            Scope.TRUST,
            [Role.TRUSTEE, Role.CHIEF_EXECUTIVE, Role.IMPROVEMENT_LEAD],
        ),
        # The trust's scheme, and the areas of each academy the caller reaches
        # (or of the one academy named, which must be in reach).
        "GetJudgementScheme": allow("reading the judgement scheme", Scope.TRUST, RECORD_READERS),
        # Formal intervention is the chief executive's decision (seed 004: "the
        # Principal and Chair of Governors will be notified in writing by the
        # Chief Executive"); GetPhase reads it with the phases.
        "StartFormalIntervention": allow(
            "starting a formal intervention", Scope.ACADEMY, [Role.CHIEF_EXECUTIVE]
        ),
        "EndFormalIntervention": allow(
            "ending a formal intervention", Scope.ACADEMY, [Role.CHIEF_EXECUTIVE]
        ),
    },
)
