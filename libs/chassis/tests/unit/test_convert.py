import datetime as dt

import pytest
from chassis.convert import (
    actor_from_proto,
    actor_to_proto,
    date_from_proto,
    date_to_proto,
    optional_bool,
    optional_date_from_proto,
    optional_text,
    time_to_proto,
)
from chassis.envelope import Actor
from chassis.errors import InvalidArgument
from trust.academies.v1 import academies_pb2 as pb


def test_an_actor_round_trips():
    actor = Actor(subject="head@alder", role="headteacher")
    assert actor_from_proto(actor_to_proto(actor)) == actor
    assert actor_to_proto(None) is None


def test_dates_round_trip_and_a_bad_one_names_its_field():
    assert date_from_proto(date_to_proto(dt.date(2026, 9, 1)), "on") == dt.date(2026, 9, 1)
    assert optional_date_from_proto("", "as_of") is None
    assert date_to_proto(None) == ""
    with pytest.raises(
        InvalidArgument, match=r"date_left must be an ISO date \(YYYY-MM-DD\), got '1/9/26'"
    ):
        date_from_proto("1/9/26", "date_left")


def test_times_are_utc():
    moment = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert time_to_proto(moment) == "2026-11-23T11:00:00+00:00"


def test_optional_fields_are_none_when_unset_and_their_value_when_set():
    unset = pb.ChangeAcademyDetailsRequest(academy_id="a")
    assert optional_text(unset, "name") is None and optional_bool(unset, "new_to_trust") is None
    cleared = pb.ChangeAcademyDetailsRequest(academy_id="a", name="", new_to_trust=False)
    assert optional_text(cleared, "name") == "" and optional_bool(cleared, "new_to_trust") is False
