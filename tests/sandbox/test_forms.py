"""Parameter parsing: PHP bracket keys, lenient booleans and datetimes, clear errors."""

from __future__ import annotations

from datetime import datetime

import pytest

from pms.sandbox.forms import ParamError, Params, nest_brackets, parse_datetime, parse_form


def test_bracket_keys_nest_into_lists_and_objects():
    pairs = parse_form(
        b"rates%5B0%5D%5BrateID%5D=7&rates[0][interval][startDate]=2026-12-20"
        b"&rates[1][rateID]=8&rates[1][interval][0][rate]=1.5&tags[]=a&tags[]=b&plain=x"
    )
    assert nest_brackets(pairs) == {
        "rates": [
            {"rateID": "7", "interval": {"startDate": "2026-12-20"}},
            {"rateID": "8", "interval": [{"rate": "1.5"}]},
        ],
        "tags": ["a", "b"],
        "plain": "x",
    }


def test_indices_order_numerically():
    got = nest_brackets([("a[10][x]", "10"), ("a[2][x]", "2"), ("a[0][x]", "0")])
    assert [item["x"] for item in got["a"]] == ["0", "2", "10"]


def test_conflicting_keys_are_refused():
    with pytest.raises(ParamError):
        nest_brackets([("rooms[0]", "x"), ("rooms[0][roomTypeID]", "1")])


def test_booleans_and_pages():
    p = Params({"a": "true", "b": "0", "c": "1", "d": "maybe", "pageSize": "500", "pageNumber": "0"})
    assert (p.bool("a"), p.bool("b"), p.bool("c"), p.bool("missing")) == (True, False, True, False)
    with pytest.raises(ParamError, match="d"):
        p.bool("d")
    assert p.page(100) == (1, 100)


@pytest.mark.parametrize(
    "text,end,expected",
    [
        ("2026-11-24 09:31:50", False, datetime(2026, 11, 24, 9, 31, 50)),
        ("2026-11-24T09:31:50.000000", False, datetime(2026, 11, 24, 9, 31, 50)),
        ("2026-11-24T09:31:50Z", False, datetime(2026, 11, 24, 9, 31, 50)),
        ("2026-11-24", False, datetime(2026, 11, 24)),
        ("2026-11-24", True, datetime(2026, 11, 24, 23, 59, 59)),
    ],
)
def test_datetimes_are_read_leniently(text, end, expected):
    assert parse_datetime(text, "modifiedFrom", end_of_day=end) == expected


def test_bad_datetime_names_the_parameter():
    with pytest.raises(ParamError, match="modifiedFrom"):
        parse_datetime("yesterday", "modifiedFrom")
