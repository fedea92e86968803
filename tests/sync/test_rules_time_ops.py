"""Domain rules 19-24: time zones, overlapping cursors, plan/apply, rate limit, staleness."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from pms.db import schema
from pms.sync import SyncRequest, last_successful_sync, plan_sync, run_sync
from pms.sync.state import read_cursor, read_mark

from .helpers import make_ctx, mismatches, reservation, rows


def test_rule_19_timestamps_stored_in_utc_zone_read_from_cloudbeds(ctx, admin):
    run_sync(ctx, SyncRequest(mode="full", entities="catalog,reservations,guests"))
    assert rows(ctx.engine, schema.cloudbed_properties)[0]["timezone"] == "Asia/Jakarta"
    assert ctx.client.property_timezone == ZoneInfo("Asia/Jakarta")
    t = admin.truth()[0]
    row = reservation(ctx.engine, t["reservationID"])
    utc = datetime.strptime(t["dateModifiedUTC"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    assert row["cloudbed_updated_at"] == utc and row["cloudbed_updated_at"].utcoffset() == timedelta(0)
    # getGuestsModified sends property-local times only; they are converted, not taken as UTC.
    admin.mutate(1, ["guest"])
    run_sync(ctx, SyncRequest(mode="incremental", entities="guests"))
    with ctx.engine.connect() as conn:
        cursor = read_cursor(conn, ctx.property_id, "guests")
    assert cursor <= datetime.now(UTC) + timedelta(minutes=1)


def test_rule_20_incremental_overlaps_the_cursor_and_dedupes(db, box, admin):
    calls = []
    ctx = make_ctx(db, box, on_call=calls.append)
    run_sync(ctx, SyncRequest(mode="full", entities="reservations,guests"))
    with db.connect() as conn:
        cursor = read_cursor(conn, ctx.property_id, "reservations")
        assert read_mark(conn, ctx.property_id, "last_full:reservations") is not None
    calls.clear()
    admin.mutate(2, ["modify"])
    result = run_sync(ctx, SyncRequest(mode="incremental", entities="reservations"))
    sent = next(c for c in calls if c.endpoint == "getReservationsWithRateDetails").params["modifiedFrom"]
    since = cursor - timedelta(minutes=120)
    local = since.astimezone(ZoneInfo("Asia/Jakarta")).replace(tzinfo=None)
    utc = since.astimezone(UTC).replace(tzinfo=None)
    # 120 minutes before the cursor, as the earlier of its property-local and UTC wall-clock
    # readings: the filter's zone is undocumented (Asia/Jakarta is UTC+7, so UTC's is earlier).
    assert sent == min(local, utc).strftime("%Y-%m-%d %H:%M:%S") == utc.strftime("%Y-%m-%d %H:%M:%S")
    # Bookings read again inside the overlap are recognised by id: nothing is duplicated.
    assert result.counts["reservations"].unchanged >= 1
    r = schema.reservasi
    with db.connect() as conn:
        ids = [x[0] for x in conn.execute(sa.select(r.c.cloudbed_reservation_id))]
    assert len(ids) == len(set(ids)) == len(admin.truth())


def _snapshot(engine) -> dict:
    tables = (
        schema.reservasi,
        schema.reservasi_room,
        schema.guest,
        schema.cloudbed_sync_state,
        schema.cloudbed_sync_log,
        schema.cloudbed_outbound_log,
    )
    with engine.connect() as conn:
        return {
            t.name: sorted(tuple(str(v) for v in row) for row in conn.execute(sa.select(t))) for t in tables
        }


def test_rule_22_apply_recomputes_the_plan(ctx, admin, box):
    run_sync(ctx, SyncRequest(mode="full", entities="reservations,guests"))
    admin.mutate(4, ["modify"])
    before = _snapshot(ctx.engine)
    plan = plan_sync(ctx, SyncRequest(mode="incremental"))
    assert plan.counts["update"] == 4 and plan.status == "completed"
    assert _snapshot(ctx.engine) == before  # the preview wrote nothing, not even a log row
    # The world moves on between preview and apply; the apply sees the new world.
    admin.mutate(3, ["create"])
    result = run_sync(ctx, SyncRequest(mode="incremental"))
    assert result.counts["reservations"].created == 3 and result.counts["reservations"].updated == 4
    assert mismatches(ctx.engine, box.property_id, admin.truth()) == []


def test_rule_23_sync_respects_the_rate_limit(sdb, sandbox_factory):
    box = sandbox_factory(rate_limit=5.0, reservations=150)
    from .helpers import Admin

    admin = Admin(box)
    ctx = make_ctx(sdb, box, rate_limit=5.0)
    result = run_sync(ctx, SyncRequest(mode="full", entities="catalog,reservations,guests"))
    assert result.status == "completed", result.error
    assert admin.state()["rate_limited"] == 0 and result.rate_limited == 0
    assert result.api_calls >= 7


def test_rule_24_last_successful_sync_and_how_stale(ctx, admin):
    assert last_successful_sync(ctx.engine, ctx.property_id).describe() == "never synced"
    run_sync(ctx, SyncRequest(mode="full", entities="reservations,guests"))
    last = last_successful_sync(ctx.engine, ctx.property_id)
    assert last.finished_at is not None and last.mode == "full" and last.age < timedelta(minutes=1)
    assert "just now" in last.describe()
    later = last_successful_sync(ctx.engine, ctx.property_id, now=last.finished_at + timedelta(hours=5))
    assert "5 h ago" in later.describe()
    # A failed run does not count as a successful one.
    admin.fault("getReservationsWithRateDetails", "http_500", times=10)
    failed = run_sync(ctx, SyncRequest(mode="incremental"))
    assert failed.status == "failed"
    assert last_successful_sync(ctx.engine, ctx.property_id).finished_at == last.finished_at
