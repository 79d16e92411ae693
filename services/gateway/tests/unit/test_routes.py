"""The routing table: which backend answers which service, from configuration."""

from __future__ import annotations

import pytest
from gateway.domain.routes import RouteConfigError, RouteTable

KNOWN = [
    "trust.academies.v1.AcademiesService",
    "trust.meetings.v1.MeetingsService",
    "trust.feed.v1.EventFeed",
    "partner.timetable.v2.TimetableService",
]


def test_a_service_goes_to_the_backend_named_by_its_package() -> None:
    table = RouteTable.build({"academies": "academies:50051", "meetings": "10.0.0.5:7000"}, KNOWN)
    assert table.backend_for("trust.meetings.v1.MeetingsService").address == "10.0.0.5:7000"  # type: ignore[union-attr]
    assert table.backend_for("trust.academies.v1.AcademiesService").name == "academies"  # type: ignore[union-attr]
    assert [b.name for b in table.backends] == ["academies", "meetings"]


def test_the_event_feed_and_unconfigured_services_are_not_routed() -> None:
    table = RouteTable.build({"academies": "a:1"}, KNOWN)
    assert table.services == ["trust.academies.v1.AcademiesService"]
    assert table.backend_for("trust.feed.v1.EventFeed") is None
    assert table.backend_for("trust.meetings.v1.MeetingsService") is None


def test_an_explicit_route_reaches_a_service_outside_the_convention() -> None:
    table = RouteTable.build(
        {"academies": "a:1", "timetable": "t:2"},
        KNOWN,
        {"partner.timetable.v2.TimetableService": "timetable"},
    )
    assert table.backend_for("partner.timetable.v2.TimetableService").name == "timetable"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("backends", "explicit", "says"),
    [
        ({"academies": "no-port"}, {}, "needs an address like host:port"),
        ({"academies": "a:1", "ghost": "g:1"}, {}, "ghost serve no known service"),
        ({"academies": "a:1"}, {"trust.nope.v1.X": "academies"}, "unknown service"),
        (
            {"academies": "a:1"},
            {"partner.timetable.v2.TimetableService": "timetable"},
            "no backend 'timetable' is configured",
        ),
    ],
)
def test_a_configuration_mistake_is_said_at_start(
    backends: dict[str, str], explicit: dict[str, str], says: str
) -> None:
    with pytest.raises(RouteConfigError, match=says):
        RouteTable.build(backends, KNOWN, explicit)
