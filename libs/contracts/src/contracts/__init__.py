"""The platform's published event contracts: one module per service and version.

Every payload is a frozen pydantic model that ignores fields it does not know
(forward compatibility), with a stable EVENT_TYPE (``<service>.<Noun><PastVerb>``)
and a SCHEMA_VERSION. Adding an optional field keeps the version; any other
change is a new version (docs/events.md, "Versioning"; enforced by compat.py
against published/). The rules the schemas publish (patterns, enumerations,
ranges) are in rules.py, the maxima in limits.py. Every payload carries
``trust_id`` so a trust only ever sees its own events.
"""
