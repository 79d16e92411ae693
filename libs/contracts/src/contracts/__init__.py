"""The platform's published event contracts: one module per service and version.

Every payload is a frozen pydantic model with extra="forbid", a stable
EVENT_TYPE (``<service>.<Noun><PastVerb>``) and a SCHEMA_VERSION. Adding an
optional field keeps the version; any other change is a new version. Every
payload carries ``trust_id`` so a trust only ever sees its own events.
"""
