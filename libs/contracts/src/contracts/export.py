"""Writes the published contracts to libs/contracts/schemas/, and records them.

    .venv/bin/python -m contracts.export            # regenerate schemas/
    .venv/bin/python -m contracts.export --publish  # also record them in published/

schemas/ holds, per event type and version (e.g. academies.DataSubmitted.v1.json):

- ``<name>``: the payload's JSON Schema (draft 2020-12);
- ``messages/<name>``: the whole Kafka message value, envelope and payload;
- ``headers/<name>``: its Kafka headers;
- ``examples/<name>``: an example record, ``{description, topic, key, headers, value}``.

A test regenerates them and compares with the committed files. published/
keeps every form of every schema ever published, one numbered file per
revision (``academies.DataSubmitted.v1.r1.json``), only ever appended to;
``--publish`` appends a revision where a schema differs from its latest one
and refuses a change that is incompatible with any of them (that needs a new
version). A test does the same check, so an incompatible change that keeps
its version fails the build.
"""

from __future__ import annotations

import json
import pathlib
import re
import sys
from typing import Any

from contracts import compat, examples, messages
from contracts.academies.v1 import (
    ACADEMIES_EVENTS,
    ACADEMY_TOPIC,
    TRUST_TOPIC,
    FrameworkAdopted,
    TrustCreated,
)
from contracts.base import EventPayload, EventRegistry
from contracts.evaluations.v1 import ACADEMY_TOPIC as EVALUATIONS_TOPIC
from contracts.evaluations.v1 import EVALUATIONS_EVENTS
from contracts.meetings.v1 import ACADEMY_TOPIC as MEETINGS_ACADEMY_TOPIC
from contracts.meetings.v1 import MEETINGS_EVENTS
from contracts.meetings.v1 import TRUST_TOPIC as MEETINGS_TRUST_TOPIC
from contracts.support import v1 as support

REGISTRIES: dict[str, EventRegistry] = {
    "academies": ACADEMIES_EVENTS,
    "evaluations": EVALUATIONS_EVENTS,
    "meetings": MEETINGS_EVENTS,
    "support": support.SUPPORT_EVENTS,
}
# What each topic's records are keyed by (their partition key).
TRUST_ID, ACADEMY_ID, PROVIDER_ID = "trust id", "academy id", "provider id"
TOPIC_KEYS: dict[str, str] = {
    TRUST_TOPIC: TRUST_ID,
    ACADEMY_TOPIC: ACADEMY_ID,
    EVALUATIONS_TOPIC: ACADEMY_ID,
    MEETINGS_ACADEMY_TOPIC: ACADEMY_ID,
    MEETINGS_TRUST_TOPIC: TRUST_ID,
    support.ACADEMY_TOPIC: ACADEMY_ID,
    support.PROVIDER_TOPIC: PROVIDER_ID,
}
TRUST_KEYED_TOPICS = frozenset(t for t, key in TOPIC_KEYS.items() if key == TRUST_ID)
# Support's provider-<id> stream (docs/support-design.md): on support.provider.
SUPPORT_PROVIDER_EVENTS = frozenset(
    {
        support.ProviderRegistered,
        support.ProviderUpdated,
        support.DueDiligenceRecorded,
        support.ConflictOfInterestDeclared,
        support.ProviderCapacityBooked,
        support.ProviderCapacityReleased,
        support.InvoiceRecorded,
        support.InvoiceCredited,
    }
)

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCHEMA_DIR = ROOT / "schemas"
PUBLISHED_DIR = ROOT / "published"
# Kinds of schema, by directory under schemas/ ("" = the payload schemas).
KINDS = ("", "messages", "headers")


def models() -> list[type[EventPayload]]:
    return [model for registry in REGISTRIES.values() for model in registry]


def topic_of(model: type[EventPayload]) -> str:
    """The topic an event is published on (the first of ``topics_of``; its example's)."""
    return topics_of(model)[0]


def topics_of(model: type[EventPayload]) -> tuple[str, ...]:
    """Every topic an event type may be published on: meetings' events go to
    meetings.academy, or to meetings.trust when the meeting is trust-wide;
    support's go to support.provider (a provider's register entry, capacity and
    invoices) or support.academy (everything else)."""
    if model.EVENT_TYPE.startswith("evaluations."):
        return (EVALUATIONS_TOPIC,)
    if model.EVENT_TYPE.startswith("meetings."):
        return (MEETINGS_ACADEMY_TOPIC, MEETINGS_TRUST_TOPIC)
    if model.EVENT_TYPE.startswith("support."):
        provider = model in SUPPORT_PROVIDER_EVENTS
        return (support.PROVIDER_TOPIC,) if provider else (support.ACADEMY_TOPIC,)
    return (TRUST_TOPIC,) if model in (TrustCreated, FrameworkAdopted) else (ACADEMY_TOPIC,)


def key_of(topic: str) -> str:
    """What the records of ``topic`` are keyed by: "trust id", "academy id" or "provider id"."""
    return TOPIC_KEYS[topic]


def key_description(model: type[EventPayload]) -> str:
    """The partition key of an event type's records, on each topic it is published on."""
    topics = topics_of(model)
    if len({key_of(topic) for topic in topics}) == 1:
        return f"the {key_of(topics[0])}"
    return ", ".join(f"the {key_of(topic)} on {topic}" for topic in topics)


def file_name(model: type[EventPayload]) -> str:
    return f"{model.EVENT_TYPE}.v{model.SCHEMA_VERSION}.json"


def payload_schema(model: type[EventPayload]) -> dict[str, Any]:
    schema = model.model_json_schema()
    return {
        "$schema": messages.DRAFT,
        "$id": messages.event_urn(model),
        **schema,
        "title": f"{model.EVENT_TYPE} v{model.SCHEMA_VERSION}",
    }


def schemas() -> dict[str, dict[str, Any]]:
    """File name -> the payload's JSON Schema, e.g. academies.DataSubmitted.v1.json."""
    return {file_name(model): payload_schema(model) for model in models()}


def generated() -> dict[str, dict[str, Any]]:
    """Path under schemas/ -> content, for every file export writes."""
    result: dict[str, dict[str, Any]] = {}
    records = examples.records(topic_of)
    for model in models():
        name = file_name(model)
        payload = payload_schema(model)
        result[name] = payload
        result[f"messages/{name}"] = messages.message_schema(
            model, payload, key=key_description(model)
        )
        result[f"headers/{name}"] = messages.headers_schema(model)
        result[f"examples/{name}"] = records[model]
    return result


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# -- published snapshots --------------------------------------------------------

_REVISION = re.compile(r"^(?P<name>.+\.v\d+)\.r(?P<revision>\d+)\.json$")


def _folder(kind: str) -> str:
    return kind or "events"


def current() -> dict[str, dict[str, Any]]:
    """The schemas that get published, by their path under schemas/ (no examples)."""
    return {
        path: content
        for path, content in generated().items()
        if "/" not in path or path.split("/")[0] in KINDS
    }


def snapshots(directory: pathlib.Path = PUBLISHED_DIR) -> dict[str, list[dict[str, Any]]]:
    """Path under schemas/ -> every published form of that schema, oldest first."""
    result: dict[str, list[dict[str, Any]]] = {}
    for kind in KINDS:
        folder = directory / _folder(kind)
        found: dict[str, dict[int, dict[str, Any]]] = {}
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
            match = _REVISION.match(path.name)
            if not match:
                raise ValueError(f"{path}: not <event type>.v<version>.r<revision>.json")
            forms = found.setdefault(match["name"] + ".json", {})
            forms[int(match["revision"])] = json.loads(path.read_text())
        for name, forms in found.items():
            if sorted(forms) != list(range(1, len(forms) + 1)):
                raise ValueError(f"{folder}/{name}: revisions must run r1, r2, ... without gaps")
            result[f"{kind}/{name}" if kind else name] = [forms[r] for r in sorted(forms)]
    return result


def incompatible_with_published(directory: pathlib.Path = PUBLISHED_DIR) -> list[str]:
    """Every incompatibility of a current schema with any published form of it."""
    now = current()
    found = []
    for path, forms in snapshots(directory).items():
        if path not in now:
            found.append(
                f"{path}: published, but no longer generated (a version is never withdrawn)"
            )
            continue
        for revision, form in enumerate(forms, start=1):
            found.extend(
                f"{path} (published r{revision}): {problem}"
                for problem in compat.incompatibilities(form, now[path])
            )
    return found


def unpublished(directory: pathlib.Path = PUBLISHED_DIR) -> list[str]:
    """Schemas whose current form is not yet their latest published one."""
    recorded = snapshots(directory)
    return [
        path
        for path, content in current().items()
        if not recorded.get(path) or recorded[path][-1] != content
    ]


def publish(directory: pathlib.Path = PUBLISHED_DIR) -> list[pathlib.Path]:
    """Append a revision for every schema that changed since it was last published."""
    problems = incompatible_with_published(directory)
    if problems:
        raise SystemExit(
            "refusing to publish; these changes need a new schema version:\n  "
            + "\n  ".join(problems)
        )
    now = current()
    recorded = snapshots(directory)
    written = []
    for path in unpublished(directory):
        kind, _, name = path.rpartition("/")
        folder = directory / _folder(kind)
        folder.mkdir(parents=True, exist_ok=True)
        revision = len(recorded.get(path, [])) + 1
        target = folder / f"{name.removesuffix('.json')}.r{revision}.json"
        target.write_text(render(now[path]))
        written.append(target)
    return written


def main() -> None:
    args = sys.argv[1:]
    publishing = "--publish" in args
    args = [a for a in args if a != "--publish"]
    out = pathlib.Path(args[0]) if args else SCHEMA_DIR
    files = generated()
    for path, content in files.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(content))
    print(f"wrote {len(files)} files to {out}")
    if publishing:
        written = publish()
        print(f"published {len(written)} new revisions to {PUBLISHED_DIR}")


if __name__ == "__main__":
    main()
