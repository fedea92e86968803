"""Wire encoding: what Cloudbeds expects, character for character (API.md §2)."""

from datetime import UTC, date, datetime, time
from decimal import Decimal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest

from pms.cloudbeds.encoding import encode_params, format_scalar


def test_scalars_use_cloudbeds_formats():
    assert format_scalar(True) == "true"
    assert format_scalar(False) == "false"
    assert format_scalar(date(2026, 12, 20)) == "2026-12-20"
    assert format_scalar(datetime(2026, 12, 20, 9, 5, 3)) == "2026-12-20 09:05:03"
    assert format_scalar(time(17, 45)) == "17:45:00"
    assert format_scalar(Decimal("145.50")) == "145.50"
    assert format_scalar(145.5) == "145.5"
    assert format_scalar(1e-7) == "0.0000001"
    assert format_scalar(7) == "7"


def test_aware_datetimes_are_sent_in_property_local_time():
    jakarta = ZoneInfo("Asia/Jakarta")
    moment = datetime(2026, 12, 20, 1, 0, 0, tzinfo=UTC)
    assert encode_params({"dateCreated": moment}, jakarta) == [("dateCreated", "2026-12-20 08:00:00")]


@pytest.mark.parametrize(
    ("zone", "lower", "upper"),
    [
        ("Asia/Jakarta", "2026-12-20 01:00:00", "2026-12-20 08:00:00"),  # UTC+7: UTC is earlier
        ("America/Lima", "2026-12-19 20:00:00", "2026-12-20 01:00:00"),  # UTC-5: local is earlier
    ],
)
def test_filters_cover_both_readings_of_their_zone(zone, lower, upper):
    # The filters' zone is undocumented (property-local or UTC): a lower bound goes out as the earlier
    # wall-clock reading, an upper bound as the later, so the window holds under either reading.
    moment = datetime(2026, 12, 20, 1, 0, 0, tzinfo=UTC)
    for name, want in (("modifiedFrom", lower), ("resultsFrom", lower), ("modifiedTo", upper)):
        assert encode_params({name: moment}, ZoneInfo(zone)) == [(name, want)]
    naive = datetime(2026, 12, 20, 1, 0, 0)
    assert encode_params({"modifiedFrom": naive}, ZoneInfo(zone)) == [("modifiedFrom", "2026-12-20 01:00:00")]


def test_none_is_left_out_and_id_lists_are_comma_joined():
    pairs = encode_params({"propertyIDs": ["318204", 318205], "status": None, "empty": [], "flag": False})
    assert pairs == [("propertyIDs", "318204,318205"), ("flag", "false")]


def test_patch_rate_interval_is_one_object_per_rate():
    pairs = encode_params(
        {
            "rates": [
                {
                    "rateID": "2209871",
                    "interval": {
                        "startDate": date(2026, 12, 20),
                        "endDate": date(2026, 12, 23),
                        "rate": Decimal("145.00"),
                        "minLos": 2,
                        "closedToArrival": False,
                        "maxLos": None,
                    },
                }
            ]
        }
    )
    assert pairs == [
        ("rates[0][rateID]", "2209871"),
        ("rates[0][interval][startDate]", "2026-12-20"),
        ("rates[0][interval][endDate]", "2026-12-23"),
        ("rates[0][interval][rate]", "145.00"),
        ("rates[0][interval][minLos]", "2"),
        ("rates[0][interval][closedToArrival]", "false"),
    ]


def test_put_rate_interval_is_an_array():
    pairs = encode_params(
        {
            "rates": [
                {
                    "rateID": "1",
                    "interval": [
                        {"startDate": date(2026, 1, 1), "endDate": date(2026, 1, 2), "rate": 10},
                        {"startDate": date(2026, 1, 3), "endDate": date(2026, 1, 4), "rate": 11},
                    ],
                }
            ]
        }
    )
    keys = [k for k, _ in pairs]
    assert "rates[0][interval][0][startDate]" in keys
    assert "rates[0][interval][1][rate]" in keys


def test_post_reservation_parallel_arrays_and_custom_fields():
    pairs = dict(
        encode_params(
            {
                "rooms": [{"roomTypeID": "671101", "quantity": 1}],
                "adults": [{"roomTypeID": "671101", "quantity": 2}],
                "children": [{"roomTypeID": "671101", "quantity": 0}],
                "customFields": [{"fieldName": "arrival_flight", "fieldValue": "TP1234"}],
            }
        )
    )
    assert pairs["rooms[0][roomTypeID]"] == "671101"
    assert pairs["adults[0][quantity]"] == "2"
    assert pairs["children[0][quantity]"] == "0"
    assert pairs["customFields[0][fieldValue]"] == "TP1234"
    # requests percent-encodes the brackets; both spellings decode to the same key.
    assert urlencode([("rooms[0][quantity]", "1")]) == "rooms%5B0%5D%5Bquantity%5D=1"


def test_unencodable_values_are_refused_clearly():
    with pytest.raises(TypeError, match="cannot encode"):
        encode_params({"x": object()})
    with pytest.raises(TypeError, match="set has no stable order"):
        encode_params({"rates": [{"ids": {1, 2}}]})
