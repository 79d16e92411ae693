import pytest
from chassis.streams import InvalidStreamName, StreamName, category_of, parse_stream, stream_name


def test_a_simple_and_a_compound_name_round_trip():
    assert stream_name("academy", "a-1b2c") == "academy-a-1b2c"
    assert parse_stream("academy-a-1b2c") == StreamName("academy", ("a-1b2c",))
    compound = stream_name("plan", "a-1b2c", "2026/27")
    assert compound == "plan-a-1b2c+2026/27"
    assert parse_stream(compound) == StreamName("plan", ("a-1b2c", "2026/27"))
    assert parse_stream(compound).id == "a-1b2c+2026/27"
    assert category_of(compound) == "plan"


@pytest.mark.parametrize(
    ("category", "ids"),
    [("Plan", ("a",)), ("plan-x", ("a",)), ("plan", ()), ("plan", ("",)), ("plan", ("a+b",))],
)
def test_names_outside_the_grammar_are_refused(category, ids):
    with pytest.raises(InvalidStreamName):
        stream_name(category, *ids)


@pytest.mark.parametrize("name", ["academy", "academy-", "-a", "Academy-a", "9x-a"])
def test_text_that_is_not_a_stream_name_does_not_parse(name):
    with pytest.raises(InvalidStreamName):
        parse_stream(name)
