"""Trusts, academies and who am I."""

from __future__ import annotations

import yaml
from chassis.convert import actor_to_proto, date_to_proto, optional_bool, optional_text
from chassis.errors import InvalidArgument
from trust.academies.v1 import academies_pb2 as pb

from academies.application.register import Caller
from academies.application.streams import AcademyRecord
from academies.domain import academy as academy_rules
from academies.domain.trust import ChangeFramework, CreateTrust, TrustState


def create_trust_from_proto(request: pb.CreateTrustRequest) -> CreateTrust:
    return CreateTrust(request.trust_id, request.name, request.framework)


def change_framework_from_proto(request: pb.ChangeFrameworkRequest) -> ChangeFramework:
    try:
        document = yaml.safe_load(request.framework_yaml)
    except yaml.YAMLError as error:
        raise InvalidArgument(f"framework_yaml is not valid YAML: {error}") from error
    return ChangeFramework(request.trust_id, document)


def trust_to_proto(state: TrustState) -> pb.Trust:
    framework = state.framework
    return pb.Trust(
        trust_id=state.trust_id,
        name=state.name,
        framework=framework.id if framework else "",
        created_by=actor_to_proto(state.created_by),
        framework_version=state.framework_version,
        based_on_preset=state.based_on_preset,
        framework_json=framework.model_dump_json() if framework else "",
    )


def register_from_proto(request: pb.RegisterAcademyRequest) -> academy_rules.RegisterAcademy:
    r = request
    return academy_rules.RegisterAcademy(
        r.trust_id, r.academy_id, r.urn, r.name, r.phase_of_education, r.local_authority,
        r.date_joined, r.new_to_trust,
    )  # fmt: skip


def details_from_proto(
    request: pb.ChangeAcademyDetailsRequest,
) -> academy_rules.ChangeAcademyDetails:
    return academy_rules.ChangeAcademyDetails(
        academy_id=request.academy_id,
        name=optional_text(request, "name"),
        phase_of_education=optional_text(request, "phase_of_education"),
        local_authority=optional_text(request, "local_authority"),
        new_to_trust=optional_bool(request, "new_to_trust"),
    )


def left_from_proto(request: pb.RecordAcademyLeftRequest) -> academy_rules.RecordAcademyLeft:
    return academy_rules.RecordAcademyLeft(request.academy_id, request.date_left, request.reason)


def academy_to_proto(record: AcademyRecord) -> pb.Academy:
    academy = record.academy
    return pb.Academy(
        academy_id=academy.academy_id,
        trust_id=academy.trust_id,
        urn=academy.urn,
        name=academy.name,
        phase_of_education=academy.phase_of_education,
        local_authority=academy.local_authority,
        date_joined=date_to_proto(academy.date_joined),
        new_to_trust=academy.new_to_trust,
        status="open" if academy.is_open else "left",
        date_left=date_to_proto(academy.date_left),
        version=record.version,
    )


def academies_to_proto(page: tuple[list[AcademyRecord], str]) -> pb.ListAcademiesResponse:
    academies, next_token = page
    return pb.ListAcademiesResponse(
        academies=[academy_to_proto(a) for a in academies], next_page_token=next_token
    )


def caller_to_proto(caller: Caller) -> pb.WhoAmIResponse:
    return pb.WhoAmIResponse(
        subject=caller.principal.subject,
        role=caller.principal.role.value,
        trust_id=caller.principal.trust_id,
        trust_name=caller.trust.name if caller.trust else "",
        trust_wide=caller.trust_wide,
        academies=[
            pb.AcademySummary(
                academy_id=a.academy_id,
                name=a.name,
                urn=a.urn,
                phase_of_education=a.phase_of_education,
            )
            for a in caller.academies
        ],
    )
