"""Ofsted inspections, recorded on the academy's stream apart from the trust's judgements."""

from __future__ import annotations

import datetime as dt

from chassis.aggregate import EventStore, read
from chassis.auth import Principal
from chassis.envelope import CausationContext
from chassis.paging import PageRequest

from academies.application.access import ACCESS
from academies.application.ports import AcademyList
from academies.application.register import change_academy, in_reach, saved
from academies.application.streams import ACADEMY, Inspected
from academies.domain import inspection as inspection_rules
from academies.domain.inspection import RecordInspection

RECORD = ACCESS.rule("RecordInspection")
LIST = ACCESS.rule("ListInspections")

INSPECTION_KEY = (dt.date, int)  # see chassis.paging


def inspection_key(inspected: Inspected) -> tuple[dt.date, int]:
    """By date, then in the order they were recorded."""
    return inspected.inspection.inspection_date, inspected.number


async def record_inspection(
    store: EventStore,
    academies: AcademyList,
    principal: Principal,
    command: RecordInspection,
    cause: CausationContext,
) -> Inspected:
    decided = await change_academy(
        store,
        RECORD,
        principal,
        command.academy_id,
        lambda academy: inspection_rules.decide_record(academy, command),
        cause,
        saved(academies),  # the academy's version moves on
    )
    return decided.state.inspections[-1]


async def list_inspections(
    store: EventStore, principal: Principal, academy_id: str, page: PageRequest
) -> tuple[list[Inspected], str]:
    """A page of the academy's inspections by date, and the next page's token."""
    loaded = await read(store, ACADEMY, academy_id)
    in_reach(LIST, principal, loaded.state, academy_id)
    return page.select(loaded.state.inspections, key=inspection_key)
