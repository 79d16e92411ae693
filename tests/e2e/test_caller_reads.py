"""Reads for a client's first screens: who am I, the board's inbox, the scheme."""

from __future__ import annotations

import datetime as dt

from chassis.auth import Role
from trust.academies.v1 import academies_pb2 as pb
from trust.evaluations.v1 import evaluations_pb2 as epb
from trust_frameworks.schemes import OFSTED_2025
from trust_local.clients import eventually


async def test_who_am_i_names_the_caller_and_the_academies_they_act_for(clients, trust):
    alder, birch = trust.academy_ids
    head = trust.caller(Role.HEADTEACHER, [alder], subject="head@alder")
    me = await clients.academies.WhoAmI(pb.WhoAmIRequest(), metadata=head.metadata)
    assert (me.subject, me.role, me.trust_id, me.trust_name) == (
        "head@alder",
        "headteacher",
        trust.trust_id,
        "Test Trust",
    )
    assert not me.trust_wide
    assert [(a.academy_id, a.name, a.urn) for a in me.academies] == [
        (alder, "Alder Academy", "200001")
    ]

    ceo = await clients.academies.WhoAmI(pb.WhoAmIRequest(), metadata=trust.ceo.metadata)
    assert ceo.trust_wide and [a.name for a in ceo.academies] == ["Alder Academy", "Birch Academy"]

    # Every role may ask about itself, even one that reads no academy (a provider);
    # an academy that left the trust is no longer one they act for.
    provider = trust.caller(Role.PROVIDER, [alder, birch, "not-registered"])
    await clients.academies.RecordAcademyLeft(
        pb.RecordAcademyLeftRequest(academy_id=birch, date_left="2026-08-31", reason="rebrokered"),
        metadata=trust.ceo.metadata,
    )
    seen = await clients.academies.WhoAmI(pb.WhoAmIRequest(), metadata=provider.metadata)
    assert seen.role == "provider" and [a.academy_id for a in seen.academies] == [alder]

    # A token for a trust that does not exist yet: the caller, and no academies.
    stranger = clients.caller("new@trust", Role.CHIEF_EXECUTIVE, "no-such-trust")
    nobody = await clients.academies.WhoAmI(pb.WhoAmIRequest(), metadata=stranger.metadata)
    assert nobody.trust_id == "no-such-trust" and nobody.trust_name == ""
    assert list(nobody.academies) == []


async def test_the_boards_inbox_shows_a_proposal_until_it_is_decided(clients, trust):
    alder, birch = trust.academy_ids
    board = trust.caller(Role.TRUSTEE)
    lead = trust.caller(Role.IMPROVEMENT_LEAD, [birch])

    async def inbox(caller) -> list[epb.Proposal]:
        reply = await clients.evaluations.ListOpenProposals(
            epb.ListOpenProposalsRequest(trust_id=trust.trust_id), metadata=caller.metadata
        )
        return list(reply.proposals)

    assert await inbox(board) == []
    proposals = {}
    for academy_id in (alder, birch):
        proposals[academy_id] = await eventually(
            lambda academy_id=academy_id: clients.evaluations.ProposePhase(
                epb.ProposePhaseRequest(
                    academy_id=academy_id, phase="repair", reason="progress", review="annual"
                ),
                metadata=trust.ceo.metadata,
            )
        )
    waiting = await inbox(board)
    assert [(p.academy_id, p.academy_name, p.proposed_phase, p.status) for p in waiting] == [
        (alder, "Alder Academy", "repair", "open"),
        (birch, "Birch Academy", "repair", "open"),
    ]
    assert waiting[0].proposed_by.subject == "ceo@trust"
    assert dt.datetime.fromisoformat(waiting[0].proposed_at) <= dt.datetime.fromisoformat(
        waiting[1].proposed_at
    )
    assert await inbox(trust.ceo) == waiting
    assert [p.academy_id for p in await inbox(lead)] == [birch]  # their academies only

    paged = await clients.evaluations.ListOpenProposals(
        epb.ListOpenProposalsRequest(trust_id=trust.trust_id, page_size=1),
        metadata=board.metadata,
    )
    assert [p.academy_id for p in paged.proposals] == [alder] and paged.next_page_token
    rest = await clients.evaluations.ListOpenProposals(
        epb.ListOpenProposalsRequest(
            trust_id=trust.trust_id, page_size=1, page_token=paged.next_page_token
        ),
        metadata=board.metadata,
    )
    assert [p.academy_id for p in rest.proposals] == [birch] and not rest.next_page_token

    await clients.evaluations.ConfirmPhase(
        epb.DecideProposalRequest(academy_id=alder, proposal_id=proposals[alder].proposal_id),
        metadata=board.metadata,
    )
    assert [p.academy_id for p in await inbox(board)] == [birch]
    await clients.evaluations.WithdrawProposal(
        epb.DecideProposalRequest(
            academy_id=birch, proposal_id=proposals[birch].proposal_id, reason="new evidence"
        ),
        metadata=trust.ceo.metadata,
    )
    assert await inbox(board) == []


async def test_the_judgement_scheme_and_the_areas_each_academy_is_judged_on(clients, trust):
    # The fixture's two academies are primary: early years, no sixth form.
    college = await clients.academies.RegisterAcademy(
        pb.RegisterAcademyRequest(
            trust_id=trust.trust_id,
            urn="200009",
            name="Chestnut Sixth Form",
            phase_of_education="sixteen_plus",
            local_authority="Kent",
            date_joined="2022-09-01",
        ),
        metadata=trust.ceo.metadata,
    )
    request = epb.GetJudgementSchemeRequest(trust_id=trust.trust_id)
    scheme = await eventually(
        lambda: clients.evaluations.GetJudgementScheme(request, metadata=trust.ceo.metadata),
        accept=lambda reply: len(reply.academies) == 3,
    )
    # seed-001-carter judges against the renewed framework.
    assert (scheme.scheme, scheme.framework_version) == ("ofsted-2025", 1)
    assert [a.area_id for a in scheme.areas] == [a.id for a in OFSTED_2025.areas]
    assert {a.area_id: a.applies for a in scheme.areas}["early_years"] == "early_years"
    assert [g.grade_id for g in scheme.grades] == [
        "exceptional",
        "strong_standard",
        "expected_standard",
        "needs_attention",
        "urgent_improvement",
    ]
    assert scheme.has_safeguarding_judgement and not scheme.has_overall_grade
    areas = {a.name: list(a.area_ids) for a in scheme.academies}
    assert list(areas) == ["Alder Academy", "Birch Academy", "Chestnut Sixth Form"]
    assert "early_years" in areas["Alder Academy"] and "sixth_form" not in areas["Alder Academy"]
    assert "sixth_form" in areas["Chestnut Sixth Form"]
    assert "early_years" not in areas["Chestnut Sixth Form"]

    # One academy, for its headteacher; another academy's is theirs to see only.
    head = trust.caller(Role.HEADTEACHER, [college.academy_id])
    own = await clients.evaluations.GetJudgementScheme(
        epb.GetJudgementSchemeRequest(trust_id=trust.trust_id, academy_id=college.academy_id),
        metadata=head.metadata,
    )
    assert [a.academy_id for a in own.academies] == [college.academy_id]
    whole = await clients.evaluations.GetJudgementScheme(request, metadata=head.metadata)
    assert [a.academy_id for a in whole.academies] == [college.academy_id]
    assert len(whole.areas) == len(OFSTED_2025.areas)
