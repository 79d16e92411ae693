"""Who may call what in the academies API: one row per RPC (chassis.access).

The gRPC bootstrap checks the role against the row before any handler runs;
the handler checks the scope with the same row once it knows the target
(``ACCESS.rule("SubmitData").require_academy(principal, trust_id, academy_id)``),
since an academy's trust is in this service's own facts.
"""

from __future__ import annotations

from chassis.access import EVERY_PERSON, AccessTable, Scope, allow
from chassis.auth import Role

SERVICE_NAME = "trust.academies.v1.AcademiesService"

CEO = {Role.CHIEF_EXECUTIVE}
INSPECTORS = {Role.CHIEF_EXECUTIVE, Role.IMPROVEMENT_LEAD}  # who records an Ofsted inspection
SUBMITTERS = {Role.HEADTEACHER, Role.IMPROVEMENT_LEAD, Role.CHIEF_EXECUTIVE}
READERS = EVERY_PERSON - {Role.PROVIDER}  # a provider sees their commissions only

TRUST, ACADEMY, CALLER = Scope.TRUST, Scope.ACADEMY, Scope.CALLER

ACCESS = AccessTable(
    SERVICE_NAME,
    {
        "CreateTrust": allow("creating a trust", TRUST, CEO),
        "GetTrust": allow("reading a trust", TRUST, READERS),
        "ChangeFramework": allow("changing the trust's framework", TRUST, CEO),
        "RegisterAcademy": allow("registering an academy", TRUST, CEO),
        "ChangeAcademyDetails": allow("changing an academy's details", ACADEMY, CEO),
        "RecordAcademyLeft": allow("recording that an academy left", ACADEMY, CEO),
        "GetAcademy": allow("reading an academy", ACADEMY, READERS),
        "ListAcademies": allow("listing academies", TRUST, READERS),
        "SubmitData": allow("submitting data", ACADEMY, SUBMITTERS),
        "CorrectSubmission": allow("correcting a submission", ACADEMY, SUBMITTERS),
        "GetSubmission": allow("reading submissions", ACADEMY, READERS),
        "ListSubmissions": allow("reading submissions", ACADEMY, READERS),
        "GetReturnsStatus": allow("reading an academy's returns", ACADEMY, READERS),
        "RecordInspection": allow("recording an inspection", ACADEMY, INSPECTORS),
        "ListInspections": allow("reading an academy's inspections", ACADEMY, READERS),
        "SubmitImprovementPlan": allow("submitting an improvement plan", ACADEMY, SUBMITTERS),
        "GetImprovementPlan": allow("reading an improvement plan", ACADEMY, READERS),
        "SubmitSelfEvaluation": allow("submitting a self-evaluation", ACADEMY, SUBMITTERS),
        # Any token may ask about itself (the platform's own service token too, as before).
        "WhoAmI": allow("asking who you are", CALLER, Role),
    },
)
