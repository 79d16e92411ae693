"""The published maxima of the event contracts: the one place they are set.

Every event schema states them (``maxLength``, ``maxItems``,
``maxProperties``), the payload models enforce them, the gRPC APIs enforce
them on what they accept, and docs/events.md lists them (a test checks the
table against this module). Each is at least what the services already allow,
so no event a service makes can exceed them.

Raising one is a new schema version like any other change of a published rule:
a consumer that validates against the old schema would refuse the longer value.
"""

from __future__ import annotations

# Identifiers: trust, academy, submission, evaluation, proposal and concern ids
# (chassis.ids allows 64 letters, digits, '-' or '_'; generated ids are 36-char
# UUIDs), framework, preset, phase, area and grade ids, roles, KPI names.
ID_MAX = 64
# Names and short text: trust and academy names, local authorities, priority
# titles and owners, phase subjects, success-criterion measures and targets.
NAME_MAX = 200
# Who did something: a token subject, typically an email address (up to 254).
SUBJECT_MAX = 256
# Reasons for a correction, a proposal, a rejection or a withdrawal; leaving.
REASON_MAX = 2_000
# Descriptions of success criteria and milestones.
DESCRIPTION_MAX = 2_000
# Summaries of an evaluation or a self-evaluation statement (the academies
# service allows 20,000 characters in a statement).
SUMMARY_MAX = 20_000
# One piece of evidence: a document reference or a link.
REFERENCE_MAX = 500
# Items in a list or entries in a map: KPIs, evidence, priorities, success
# criteria, milestones, graded areas.
LIST_MAX = 100

ALL: dict[str, int] = {
    "ID_MAX": ID_MAX,
    "NAME_MAX": NAME_MAX,
    "SUBJECT_MAX": SUBJECT_MAX,
    "REASON_MAX": REASON_MAX,
    "DESCRIPTION_MAX": DESCRIPTION_MAX,
    "SUMMARY_MAX": SUMMARY_MAX,
    "REFERENCE_MAX": REFERENCE_MAX,
    "LIST_MAX": LIST_MAX,
}
