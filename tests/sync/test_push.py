"""Hotel → Cloudbeds: round trips through the sandbox, the guard and domain rules 8 and 13-18."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from pms.db import schema
from pms.db.settings import Settings
from pms.db.types import utcnow
from pms.errors import PushRefusedError
from pms.sync import SyncRequest, follow_rate_jobs, plan_sync, run_sync
from pms.sync.guard import OutboundGuard
from pms.sync.run import new_run

from .helpers import pick, reservation, rows, set_reservation, today_of

R, ROOM, G, OUT = schema.reservasi, schema.reservasi_room, schema.guest, schema.cloudbed_outbound_log
DELUXE = "25404202"  # Deluxe Double in the seed-42 sandbox


def _push_on(engine, since=None):
    Settings(engine).set_push_enabled(True, now=since)


def _local_booking(
    engine,
    pid,
    start: date,
    end: date,
    *,
    status="confirmed",
    email="ayu@example.id",
    country="ID",
    room_type=DELUXE,
    changed=None,
    rooms=1,
) -> int:
    changed = changed or utcnow()
    with engine.begin() as conn:
        gid = conn.execute(
            sa.insert(G).values(
                property_id=pid,
                first_name="Ayu",
                last_name="Lestari",
                email=email,
                country=country,
                origin="local",
                sync_status="pending",
                local_modified_at=changed,
            )
        ).inserted_primary_key[0]
        rid = conn.execute(
            sa.insert(R).values(
                property_id=pid,
                origin="local",
                status=status,
                check_in=start,
                check_out=end,
                adults=2,
                guest_id=gid,
                guest_name="Ayu Lestari",
                sync_status="pending",
                local_modified_at=changed,
                created_at=changed,
                total=None,
            )
        ).inserted_primary_key[0]
        for _ in range(rooms):
            conn.execute(
                sa.insert(ROOM).values(
                    reservasi_id=rid,
                    property_id=pid,
                    cloudbed_room_type_id=room_type,
                    check_in=start,
                    check_out=end,
                    adults=2,
                )
            )
    return rid


def _out(engine, operation=None):
    where = [OUT.c.operation == operation] if operation else []
    return rows(engine, OUT, *where)


def test_push_round_trip_local_reservation_appears_in_cloudbeds(ctx, admin, box):
    _push_on(ctx.engine)
    today = today_of(admin)
    rid = _local_booking(ctx.engine, box.property_id, today + timedelta(days=20), today + timedelta(days=23))
    result = run_sync(ctx, SyncRequest(mode="incremental", direction="both"))
    assert result.status == "completed", (result.error, result.errors)
    local = rows(ctx.engine, R, R.c.id == rid)[0]
    cloudbed_id = local["cloudbed_reservation_id"]
    assert cloudbed_id and local["sync_status"] == "synced" and local["origin"] == "local"
    (truth,) = admin.truth([cloudbed_id])
    assert truth["thirdPartyIdentifier"] == local["local_ref"]
    assert (truth["startDate"], truth["endDate"]) == (
        str(today + timedelta(days=20)),
        str(today + timedelta(days=23)),
    )
    assert truth["guests"][0]["email"] == "ayu@example.id"
    room = rows(ctx.engine, ROOM, ROOM.c.reservasi_id == rid)
    assert [r["sub_reservation_id"] for r in room] == [x["subReservationID"] for x in truth["rooms"]]
    assert (
        rows(ctx.engine, G, G.c.id == local["guest_id"])[0]["cloudbed_guest_id"]
        == truth["guests"][0]["guestID"]
    )
    # The pull that follows reads it back without making a second row.
    run_sync(ctx, SyncRequest(mode="incremental"))
    assert len(rows(ctx.engine, R, R.c.cloudbed_reservation_id == cloudbed_id)) == 1
    assert len(rows(ctx.engine, ROOM, ROOM.c.cloudbed_reservation_id == cloudbed_id)) == 1


def test_rule_08_pushed_reservation_is_confirmed(sctx, admin, box):
    _push_on(sctx.engine)
    today = today_of(admin)
    rid = _local_booking(sctx.engine, box.property_id, today + timedelta(days=5), today + timedelta(days=6))
    run_sync(sctx, SyncRequest(mode="incremental", direction="push"))
    cloudbed_id = rows(sctx.engine, R, R.c.id == rid)[0]["cloudbed_reservation_id"]
    assert admin.truth([cloudbed_id])[0]["status"] == "confirmed"
    ops = [(o["operation"], o["decision"], o["success"]) for o in _out(sctx.engine)]
    assert ops == [("postReservation", "sent", True), ("putReservation", "sent", True)]


def test_rule_14_only_records_changed_after_push_switched_on(sctx, admin, box):
    today = today_of(admin)
    old = _local_booking(
        sctx.engine,
        box.property_id,
        today + timedelta(days=8),
        today + timedelta(days=9),
        changed=utcnow() - timedelta(days=2),
    )
    _push_on(sctx.engine)
    before = admin.state()["reservations"]
    run_sync(sctx, SyncRequest(mode="incremental", direction="push"))
    assert admin.state()["reservations"] == before
    assert rows(sctx.engine, R, R.c.id == old)[0]["cloudbed_reservation_id"] is None
    # The guard says no even if something asked it directly, and records the refusal.
    run = new_run(sctx, SyncRequest(mode="incremental", direction="push"), apply=True)
    with pytest.raises(PushRefusedError, match="before push was switched on"):
        OutboundGuard(run).send(
            "postReservation",
            lambda: None,
            local_table="reservasi",
            local_id=old,
            changed_at=utcnow() - timedelta(days=2),
        )
    (refused,) = _out(sctx.engine)
    assert refused["decision"] == "refused" and "typed into Cloudbeds by hand" in refused["reason"]


def test_rule_15_every_write_goes_through_the_guard_and_is_logged(sctx, admin, box):
    today = today_of(admin)
    rid = _local_booking(sctx.engine, box.property_id, today + timedelta(days=3), today + timedelta(days=4))
    run_sync(sctx, SyncRequest(mode="incremental", direction="push"))  # push is still off
    (refused,) = _out(sctx.engine)
    assert refused["decision"] == "refused" and "switched off" in refused["reason"]
    assert rows(sctx.engine, R, R.c.id == rid)[0]["sync_status"] == "error"
    _push_on(sctx.engine)
    set_pending = {"sync_status": "pending", "local_modified_at": utcnow()}
    with sctx.engine.begin() as conn:
        conn.execute(sa.update(R).where(R.c.id == rid).values(**set_pending))
    run_sync(sctx, SyncRequest(mode="incremental", direction="push"))
    sent = [o for o in _out(sctx.engine) if o["decision"] == "sent"]
    assert {o["operation"] for o in sent} == {"postReservation", "putReservation"}
    assert all(o["success"] and o["http_status"] == 200 and o["request_id"] for o in sent)
    assert all("Ayu" in o["payload"] or "status" in o["payload"] for o in sent)


def test_rule_13_price_reductions_are_warnings_not_writes(sctx, admin):
    run_sync(sctx, SyncRequest(mode="full", entities="reservations,guests"))
    _push_on(sctx.engine)
    (t,) = pick(admin.truth(), today_of(admin), 1)
    set_reservation(
        sctx.engine,
        t["reservationID"],
        total=t["grandTotal"] - 200_000,
        sync_status="pending",
        local_modified_at=utcnow() + timedelta(seconds=1),
    )
    result = run_sync(sctx, SyncRequest(mode="incremental", direction="push"))
    assert any("never as a negative adjustment" in w for w in result.warnings)
    (adjustment,) = _out(sctx.engine, "postAdjustment")
    assert adjustment["decision"] == "refused" and "never as a negative adjustment" in adjustment["reason"]
    assert admin.truth([t["reservationID"]])[0]["grandTotal"] == t["grandTotal"]


def test_rule_16_ota_stay_is_never_shortened_from_the_hotel(sctx, admin):
    run_sync(sctx, SyncRequest(mode="full", entities="catalog,reservations,guests"))
    _push_on(sctx.engine)
    today = today_of(admin)
    ota = [
        t
        for t in admin.truth()
        if t["thirdPartyIdentifier"]
        and t["status"] == "confirmed"
        and not t["isDeleted"]
        and date.fromisoformat(t["startDate"]) > today
    ]
    shorter, longer = [
        t for t in ota if (date.fromisoformat(t["endDate"]) - date.fromisoformat(t["startDate"])).days >= 2
    ][:1] + ota[-1:]
    later = utcnow() + timedelta(seconds=1)
    set_reservation(
        sctx.engine,
        shorter["reservationID"],
        check_out=date.fromisoformat(shorter["endDate"]) - timedelta(days=1),
        sync_status="pending",
        local_modified_at=later,
    )
    set_reservation(
        sctx.engine,
        longer["reservationID"],
        check_out=date.fromisoformat(longer["endDate"]) + timedelta(days=1),
        sync_status="pending",
        local_modified_at=later,
    )
    run_sync(sctx, SyncRequest(mode="incremental", direction="push"))
    assert admin.truth([shorter["reservationID"]])[0]["endDate"] == shorter["endDate"]
    refused = [o for o in _out(sctx.engine, "putReservation") if o["decision"] == "refused"]
    assert len(refused) == 1 and "only shortened through the OTA" in refused[0]["reason"]
    assert reservation(sctx.engine, shorter["reservationID"])["sync_status"] == "error"
    extended = date.fromisoformat(longer["endDate"]) + timedelta(days=1)
    assert admin.truth([longer["reservationID"]])[0]["endDate"] == str(extended)


def test_rule_17_failing_local_edit_expires(sctx, admin):
    run_sync(sctx, SyncRequest(mode="full", entities="reservations,guests"))
    _push_on(sctx.engine, since=utcnow() - timedelta(hours=3))
    (t,) = pick(admin.truth(), today_of(admin), 1)
    set_reservation(
        sctx.engine,
        t["reservationID"],
        status="canceled",
        sync_status="error",
        sync_attempts=3,
        sync_error="HTTP 503",
        local_modified_at=utcnow() - timedelta(hours=1),
    )
    result = run_sync(sctx, SyncRequest(mode="incremental", direction="both"))
    row = reservation(sctx.engine, t["reservationID"])
    assert admin.truth([t["reservationID"]])[0]["status"] == "confirmed"  # the stale edit was never sent
    assert _out(sctx.engine, "putReservation") == []
    assert row["sync_status"] != "pending" and any("expired and was dropped" in w for w in result.warnings)


def test_rule_18_in_house_walk_in_is_created_from_today(sctx, admin, box):
    _push_on(sctx.engine)
    today = today_of(admin)
    rid = _local_booking(
        sctx.engine,
        box.property_id,
        today - timedelta(days=1),
        today + timedelta(days=2),
        status="checked_in",
        room_type="25404206",
    )
    result = run_sync(sctx, SyncRequest(mode="incremental", direction="push"))
    assert result.status == "completed", result.errors
    cloudbed_id = rows(sctx.engine, R, R.c.id == rid)[0]["cloudbed_reservation_id"]
    (truth,) = admin.truth([cloudbed_id])
    assert truth["startDate"] == str(today) and truth["status"] == "checked_in"
    # A stay that is already over cannot be created: refused with the reason.
    past = _local_booking(sctx.engine, box.property_id, today - timedelta(days=5), today - timedelta(days=2))
    run_sync(sctx, SyncRequest(mode="incremental", direction="push"))
    assert "stay ended" in rows(sctx.engine, R, R.c.id == past)[0]["sync_error"]


def test_a_create_is_not_repeated_after_an_earlier_attempt(sctx, admin, box):
    _push_on(sctx.engine)
    today = today_of(admin)
    start, end = today + timedelta(days=30), today + timedelta(days=31)
    rid = _local_booking(sctx.engine, box.property_id, start, end)
    ref = uuid.uuid4().hex
    # The first attempt went through, but the process died before it could write the id back.
    from pms.cloudbeds import RoomRequest

    sctx.client.post_reservation(
        start_date=start,
        end_date=end,
        guest_first_name="Ayu",
        guest_last_name="Lestari",
        guest_email="ayu@example.id",
        guest_country="ID",
        guest_zip="55153",
        third_party_identifier=ref,
        rooms=[RoomRequest(DELUXE, adults=2)],
    )
    with sctx.engine.begin() as conn:
        conn.execute(sa.update(R).where(R.c.id == rid).values(local_ref=ref, sync_attempts=1))
    before = admin.state()["reservations"]
    run_sync(sctx, SyncRequest(mode="incremental", direction="push"))
    assert admin.state()["reservations"] == before
    local = rows(sctx.engine, R, R.c.id == rid)[0]
    assert local["cloudbed_reservation_id"] and local["sync_status"] == "synced"


def test_guest_edit_is_sent_with_put_guest(sctx, admin):
    run_sync(sctx, SyncRequest(mode="full", entities="reservations,guests"))
    _push_on(sctx.engine)
    (t,) = pick(admin.truth(), today_of(admin), 1)
    gid = t["guests"][0]["guestID"]
    with sctx.engine.begin() as conn:
        conn.execute(
            sa.update(G)
            .where(G.c.cloudbed_guest_id == gid)
            .values(
                phone="+62 811 0000 1234",
                sync_status="pending",
                local_modified_at=utcnow() + timedelta(seconds=1),
            )
        )
    run_sync(sctx, SyncRequest(mode="incremental", direction="both"))
    assert admin.truth([t["reservationID"]])[0]["guests"][0]["phone"] == "+62 811 0000 1234"
    assert rows(sctx.engine, G, G.c.cloudbed_guest_id == gid)[0]["sync_status"] == "synced"


def test_rate_edit_completes_as_a_job(sctx, admin):
    admin.config(rate_job_delay=0.1)
    run_sync(sctx, SyncRequest(mode="full", entities="catalog,rates"))
    _push_on(sctx.engine)
    t = schema.cloudbed_rate_sync
    base = rows(sctx.engine, t, t.c.is_derived.is_(False), t.c.room_type_id == DELUXE)
    nights = sorted(base, key=lambda r: r["rate_date"])[:5]
    derived = rows(sctx.engine, t, t.c.is_derived.is_(True))[0]
    with sctx.engine.begin() as conn:
        conn.execute(
            sa.update(t)
            .where(t.c.id.in_([n["id"] for n in nights]))
            .values(adf_rate=999_000, direction="to_cloudbed", status="pending", local_modified_at=utcnow())
        )
        conn.execute(
            sa.update(t)
            .where(t.c.id == derived["id"])
            .values(adf_rate=1, direction="to_cloudbed", status="pending", local_modified_at=utcnow())
        )
    result = run_sync(sctx, SyncRequest(mode="incremental", direction="push"))
    queued = rows(sctx.engine, t, t.c.id.in_([n["id"] for n in nights]))
    assert {q["status"] for q in queued} in ({"queued"}, {"completed"}) and queued[0]["job_reference_id"]
    done = follow_rate_jobs(sctx, wait_s=15, poll_s=0.2)
    assert done.status == "completed"
    settled = rows(sctx.engine, t, t.c.id.in_([n["id"] for n in nights]))
    assert {s["status"] for s in settled} == {"completed"} and {s["cloudbed_rate"] for s in settled} == {
        999_000
    }
    assert any("derived" in e for e in result.errors)  # refused by the guard, never sent
    run_sync(sctx, SyncRequest(mode="full", entities="rates"))  # Cloudbeds now says the same
    assert {r["cloudbed_rate"] for r in rows(sctx.engine, t, t.c.id.in_([n["id"] for n in nights]))} == {
        999_000
    }


def test_plan_shows_pushes_without_sending(sctx, admin, box):
    _push_on(sctx.engine)
    today = today_of(admin)
    _local_booking(sctx.engine, box.property_id, today + timedelta(days=12), today + timedelta(days=14))
    before = admin.state()["reservations"]
    plan = plan_sync(sctx, SyncRequest(mode="incremental", direction="both"))
    assert plan.counts["push_create"] == 1
    assert admin.state()["reservations"] == before and _out(sctx.engine) == []
