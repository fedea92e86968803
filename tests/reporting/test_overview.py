"""Overview aggregates on both backends: today's stays, occupancy, sources, sync activity."""

from __future__ import annotations

from datetime import timedelta

from pms.reporting import overview
from tests.reporting.builders import NOW, OTHER, PID, TODAY, api_call, catalogue, reservation, sync_run


def _world(conn):
    catalogue(conn)
    catalogue(conn, OTHER, demo=False)
    reservation(conn, TODAY, 2)  # arrival, 2 nights
    reservation(conn, TODAY, 1, status="canceled")  # cancelled: never a stay
    reservation(conn, TODAY - timedelta(days=2), 2, status="checked_in")  # departs today, in house
    reservation(conn, TODAY - timedelta(days=1), 3, status="checked_in", rooms=2)  # group of 2 rooms
    reservation(conn, TODAY + timedelta(days=5), 1, status="no_show")
    reservation(conn, TODAY + timedelta(days=29), 4, source="Booking.com", collect="channel", total=2_500_000)
    reservation(conn, TODAY, 1, pid=OTHER)  # another property: never counted
    reservation(conn, TODAY, 1, deleted=True)


def test_stays_today(db):
    with db.begin() as conn:
        _world(conn)
    stays = overview.stays_today(db, PID, TODAY)
    assert (stays.arrivals, stays.departures, stays.in_house) == (1, 1, 2)


def test_occupancy_counts_room_nights_in_the_window(db):
    with db.begin() as conn:
        _world(conn)
    occ = overview.occupancy(db, PID, TODAY, days=30)
    assert len(occ) == 30 and occ["date"].iloc[0] == TODAY and occ["rooms_total"].iloc[0] == 10
    sold = dict(zip(occ["date"], occ["rooms_sold"], strict=True))
    # tonight: the arrival (1) + the group (2); the departing stay has left
    assert sold[TODAY] == 3
    assert sold[TODAY + timedelta(days=1)] == 3  # arrival night 2, group night 3
    assert sold[TODAY + timedelta(days=2)] == 0
    assert sold[TODAY + timedelta(days=29)] == 1  # the OTA stay starts on the last night shown
    assert occ["occupancy"].iloc[0] == 0.3


def test_occupancy_without_rooms_catalogue_uses_unit_counts(db):
    import sqlalchemy as sa

    from pms.db import schema

    with db.begin() as conn:
        _world(conn)
        conn.execute(sa.delete(schema.cloudbed_rooms))
    assert overview.rooms_total(db, PID) == 10
    empty = overview.occupancy(db, "nothing-here", TODAY, days=3)
    assert list(empty["rooms_sold"]) == [0, 0, 0] and list(empty["occupancy"]) == [0.0, 0.0, 0.0]


def test_by_source(db):
    with db.begin() as conn:
        _world(conn)
    src = overview.by_source(db, PID, TODAY - timedelta(days=30), TODAY + timedelta(days=30))
    rows = {r.source: (r.payment_collect, r.reservations, r.revenue) for r in src.itertuples()}
    assert rows == {"Walk-In": ("hotel", 3, 3_000_000.0), "Booking.com": ("channel", 1, 2_500_000.0)}


def test_sync_activity_is_grouped_by_property_local_day(db):
    with db.begin() as conn:
        _world(conn)
        # 18:30 UTC on the 24th is 01:30 on the 25th in Jakarta
        sync_run(conn, NOW.replace(hour=18, minute=30) - timedelta(days=1), processed=7)
        sync_run(conn, NOW, processed=5, failed=2, status="partial")
        sync_run(
            conn, NOW - timedelta(days=1, hours=2), processed=3, status="failed"
        )  # 10:00 local on the 24th
        sync_run(conn, NOW, pid=OTHER, processed=100)
        api_call(conn, NOW)
    act = overview.sync_activity(db, PID, NOW - timedelta(days=7), "Asia/Jakarta")
    by_day = {r.day: (r.runs, r.processed, r.failed, r.failed_runs) for r in act.itertuples()}
    assert by_day == {TODAY: (2, 12, 2, 0), TODAY - timedelta(days=1): (1, 3, 0, 1)}
    assert overview.sync_activity(db, PID, NOW + timedelta(days=1), "Asia/Jakarta").empty
