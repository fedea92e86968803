"""Reading webhook bodies: key casings, id types, dedupe keys."""

from __future__ import annotations

import pytest

from pms.webhooks.events import EventError, parse_event

BASE = {
    "version": "1.0",
    "event": "reservation/status_changed",
    "timestamp": 1795602710.552103,
    "propertyID": 318204,
    "propertyID_str": "318204",
    "reservationID": "1402857369",
    "status": "checked_in",
}


def test_both_key_casings_and_id_types_read_alike():
    a = parse_event(BASE)
    b = parse_event(
        {
            "event": "reservation/status_changed",
            "timestamp": 1795602710.552103,
            "propertyId": 318204,
            "reservationId": 1402857369,
            "status": "checked_in",
        }
    )
    assert (a.property_id, a.reservation_id, a.entity_id) == ("318204", "1402857369", "1402857369")
    assert a.dedupe_key == b.dedupe_key
    assert a.event_time.isoformat().startswith("2026-11-25T")


def test_ids_above_32_bits_stay_exact_strings():
    ev = parse_event({**BASE, "reservationID": 5200000001234, "propertyID_str": "254042"})
    assert ev.reservation_id == "5200000001234" and ev.property_id == "254042"


def test_a_retry_dedupes_and_a_later_change_does_not():
    assert parse_event(dict(BASE)).dedupe_key == parse_event(dict(BASE)).dedupe_key
    assert (
        parse_event({**BASE, "timestamp": BASE["timestamp"] + 1}).dedupe_key != parse_event(BASE).dedupe_key
    )
    assert parse_event({**BASE, "status": "checked_out"}).dedupe_key != parse_event(BASE).dedupe_key
    assert parse_event({**BASE, "reservationID": "1"}).dedupe_key != parse_event(BASE).dedupe_key


def test_events_without_timestamp_dedupe_on_the_whole_body():
    body = {k: v for k, v in BASE.items() if k != "timestamp"}
    assert parse_event(body).event_time is None
    assert parse_event(dict(body)).dedupe_key == parse_event(body).dedupe_key
    assert parse_event({**body, "extra": 1}).dedupe_key != parse_event(body).dedupe_key


@pytest.mark.parametrize(
    "body",
    [
        [],
        "x",
        5,
        {},
        {"event": 5},
        {"event": "nodash"},
        {"event": "a b/c"},
        {**BASE, "reservationID": {"a": 1}},
        {**BASE, "reservationID": 1.5},
        {**BASE, "reservationID": True},
        {**BASE, "propertyID_str": "x" * 100},
    ],
)
def test_bodies_that_are_not_events_are_refused(body):
    with pytest.raises(EventError):
        parse_event(body)


@pytest.mark.parametrize("stamp", ["not a time", -5, 1e20, None, True, float("nan")])
def test_odd_timestamps_do_not_break_parsing(stamp):
    assert parse_event({**BASE, "timestamp": stamp}).event_time is None


def test_known_and_unknown_events():
    assert parse_event(BASE).known
    assert not parse_event({**BASE, "event": "housekeeping/room_condition_changed"}).known
    assert (
        parse_event({"event": "guest/details_changed", "guestId": 61, "reservationId": "52"}).entity_id
        == "61"
    )
    assert (
        parse_event({"event": "api_queue_task/rate_status_changed", "queueTaskId": "job9"}).entity_id
        == "job9"
    )


def test_deeply_nested_json_is_refused_not_a_crash(sqlite_engine):
    from pms.db.setup import ensure_schema
    from pms.webhooks.receiver import Receiver

    ensure_schema(sqlite_engine)
    receiver = Receiver(sqlite_engine)
    for data in (b"[" * 20_000 + b"]" * 20_000, b'{"a":' * 9_000 + b"1" + b"}" * 9_000):
        assert receiver.accept(data).status == 400
