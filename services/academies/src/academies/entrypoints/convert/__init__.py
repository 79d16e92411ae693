"""Proto <-> domain for the academies API: one converter per type, in and out.

Requests become commands here and what a handler decided becomes the reply
here; nothing else in the service touches a proto message. Actors, dates,
times and proto3 ``optional`` fields go through chassis.convert.

values: the value objects several messages carry (period, data values, priorities);
register: trusts, academies and who am I; records: submissions, returns,
inspections, plans and self-evaluation statements.
"""
