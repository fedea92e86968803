"""Pulls that hold whichever way Cloudbeds reads what its documentation leaves open.

- ``modified_filter_tz``: the incremental filters (``modifiedFrom``, getGuestsModified's
  ``resultsFrom``) may be read as property-local time or as UTC. No change may be missed under
  either, an idle incremental stays at three calls at most, and what is read again is not rewritten.
- ``rooms_paging``: a 150-room hotel keeps every room and its availability counts whatever
  getRooms' pages and counters count.

Each scenario runs under every value of its reading, on SQLite and on MariaDB.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from pms.db import schema
from pms.sync import SyncRequest, refresh_catalog, run_sync

from .helpers import Admin, make_ctx, mismatches, rows, today_of

ZONES = ["property", "utc"]


@pytest.fixture
def reading_ctx(db, sandbox_factory):
    """``start(**readings)``: a sandbox under those readings, and a sync context on ``db`` for it."""
    made = []

    def start(rooms=None, **readings):
        box = sandbox_factory(rate_limit=None, reservations=120, rooms=rooms, readings=readings)
        ctx = make_ctx(db, box)
        made.append(ctx)
        return ctx, Admin(box), box

    yield start
    for ctx in made:
        ctx.client.close()


def _full_with_a_recent_cursor(ctx, admin) -> None:
    """A full pull whose cursor is a change made just now (the seed's changes all lie before
    today): later changes then fall inside the hours a filter read in the wrong zone would skip."""
    admin.mutate(1, ["modify"])
    run_sync(ctx, SyncRequest(mode="full", entities="reservations,guests"))


def _max_updated(engine, table) -> object:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.max(table.c.updated_at))).scalar()


@pytest.mark.parametrize("zone", ZONES)
def test_incremental_misses_no_change_under_either_zone(reading_ctx, zone):
    ctx, admin, box = reading_ctx(modified_filter_tz=zone)
    _full_with_a_recent_cursor(ctx, admin)
    changed = admin.mutate(10, ["create", "modify", "cancel", "dates", "guest"])
    result = run_sync(ctx, SyncRequest(mode="incremental"))
    assert result.status == "completed", result.error
    new = {m["reservationID"] for m in changed["mutations"] if m["kind"] == "create"}
    counts = result.counts["reservations"]
    assert counts.created == len(new)
    assert counts.updated == len(set(changed["changed"]) - new)
    assert mismatches(ctx.engine, box.property_id, admin.truth(changed["changed"])) == []


@pytest.mark.parametrize("zone", ZONES)
def test_idle_incremental_costs_at_most_three_calls_and_rewrites_nothing(reading_ctx, zone):
    ctx, admin, _box = reading_ctx(modified_filter_tz=zone)
    _full_with_a_recent_cursor(ctx, admin)
    admin.mutate(4, ["modify", "guest"])  # changes inside the overlap: read again next time
    run_sync(ctx, SyncRequest(mode="incremental"))
    before = {t: _max_updated(ctx.engine, t) for t in (schema.reservasi, schema.reservasi_room, schema.guest)}
    admin.reset_counters()
    result = run_sync(ctx, SyncRequest(mode="incremental"))
    assert result.status == "completed", result.error
    assert admin.requests_made() <= 3 and result.api_calls == admin.requests_made()
    for entity in ("reservations", "guests"):
        c = result.counts[entity]
        assert (c.created, c.updated, c.deleted) == (0, 0, 0), entity
    # Read again inside the overlap (the zone's extra hours included), recognised, not rewritten.
    assert result.counts["reservations"].unchanged >= 2
    assert {t: _max_updated(ctx.engine, t) for t in before} == before


@pytest.mark.parametrize("zone", ZONES)
def test_guest_changes_arrive_through_get_guests_modified_under_either_zone(reading_ctx, zone):
    ctx, admin, _box = reading_ctx(modified_filter_tz=zone)
    _full_with_a_recent_cursor(ctx, admin)
    changed = admin.mutate(3, ["guest"])["changed"]
    admin.reset_counters()
    result = run_sync(ctx, SyncRequest(mode="incremental", entities="guests"))
    assert result.status == "completed", result.error
    assert set(admin.calls()) == {"getGuestsModified"}
    g = schema.guest
    for t in admin.truth(changed):
        main = next(x for x in t["guests"] if x["isMainGuest"])
        stored = rows(ctx.engine, g, g.c.cloudbed_guest_id == main["guestID"])[0]
        assert stored["phone"] == main["phone"]
    assert result.counts["guests"].updated == len(changed)


@pytest.mark.parametrize("paging", ["rooms", "properties", "rooms_property_totals"])
def test_a_150_room_hotel_keeps_every_room_and_its_availability(reading_ctx, paging):
    ctx, admin, _box = reading_ctx(rooms=150, rooms_paging=paging)
    result = refresh_catalog(ctx)
    assert result.status == "completed", result.error
    stored = rows(ctx.engine, schema.cloudbed_rooms)
    assert len(stored) == len({r["room_id"] for r in stored}) == 150
    per_type = Counter(r["room_type_id"] for r in stored)
    types = {t["room_type_id"]: t["units"] for t in rows(ctx.engine, schema.cloudbed_room_types)}
    assert types == dict(per_type) and sum(types.values()) == 150
    today = today_of(admin)
    run_sync(
        ctx,
        SyncRequest(
            mode="window", date_from=today, date_to=today + timedelta(days=6), entities="availability"
        ),
    )
    avail = rows(ctx.engine, schema.cloudbed_availability)
    assert avail and all(a["rooms_total"] == types[a["room_type_id"]] for a in avail)
