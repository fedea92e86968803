"""Domain rules 1-5: identity and matching, against the sandbox and a real database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import sqlalchemy as sa

from pms.db import schema
from pms.db.types import utcnow
from pms.sync import SyncRequest, run_sync
from pms.sync.reservations import process_page
from pms.sync.rules import map_status, name_words, names_match, room_number
from pms.sync.run import new_run

from .helpers import count, make_ctx, mismatches, reservation, rows


def test_rule_01_group_booking_keeps_every_room(ctx, admin):
    run_sync(ctx, SyncRequest(mode="full", entities="reservations,guests"))
    groups = [t for t in admin.truth() if len(t["rooms"]) > 1]
    assert groups, "the seed has multi-room groups"
    r = schema.reservasi_room
    for t in groups:
        stored = rows(ctx.engine, r, r.c.cloudbed_reservation_id == t["reservationID"])
        assert sorted(x["sub_reservation_id"] for x in stored) == sorted(
            x["subReservationID"] for x in t["rooms"]
        )
        assert len({x["reservasi_id"] for x in stored}) == 1  # children of one reservasi row, not flattened


def test_rule_02_ids_are_strings_keyed_with_the_property(db, sandbox_factory):
    # Two properties whose Cloudbeds reservation ids coincide (both count from 5,200,000,000).
    a, b = (
        sandbox_factory(rate_limit=None, reservations=40, seed=42),
        sandbox_factory(rate_limit=None, reservations=40, seed=43),
    )
    assert a.property_id != b.property_id
    for box in (a, b):
        ctx = make_ctx(db, box)
        assert run_sync(ctx, SyncRequest(mode="full", entities="reservations,guests")).status == "completed"
    r = schema.reservasi
    ids_a = {x["cloudbed_reservation_id"] for x in rows(db, r, r.c.property_id == a.property_id)}
    ids_b = {x["cloudbed_reservation_id"] for x in rows(db, r, r.c.property_id == b.property_id)}
    assert len(ids_a) == len(ids_b) == 40 and ids_a & ids_b
    assert all(isinstance(i, str) and int(i) > 2**32 for i in ids_a)


def _local_booking(engine, pid: str, t: dict, guest_name: str, total: int = 0) -> int:
    with engine.begin() as conn:
        return conn.execute(
            sa.insert(schema.reservasi).values(
                property_id=pid,
                origin="local",
                status="confirmed",
                check_in=date.fromisoformat(t["startDate"]),
                check_out=date.fromisoformat(t["endDate"]),
                guest_name=guest_name,
                total=total or None,
                sync_status="synced",
            )
        ).inserted_primary_key[0]


def test_rule_03_links_same_stay_typed_into_hotel_system(ctx, admin, box):
    truth = admin.truth()
    live = [t for t in truth if not t["isDeleted"]]
    same, other = live[0], live[1]
    main = next(g for g in same["guests"] if g["isMainGuest"])
    hotel_price = same["grandTotal"] - 50_000  # the hotel agreed a slightly lower price
    typed = _local_booking(ctx.engine, box.property_id, same, f"Mr. {main['lastName']}".upper(), hotel_price)
    # Same dates, but a name sharing no word of three letters: not the same booking.
    stranger = _local_booking(ctx.engine, box.property_id, other, "Zz Qq")
    result = run_sync(ctx, SyncRequest(mode="full", entities="reservations,guests"))
    assert result.linked == 1
    linked = reservation(ctx.engine, same["reservationID"])
    assert linked["id"] == typed and linked["origin"] == "local"
    assert (
        count(
            ctx.engine, schema.reservasi, schema.reservasi.c.cloudbed_reservation_id == same["reservationID"]
        )
        == 1
    )
    # The hotel's price stands on a booking it typed in (rule 10), Cloudbeds' total is the baseline.
    assert linked["total"] == hotel_price and linked["cloudbed_total"] == same["grandTotal"]
    assert (
        rows(ctx.engine, schema.reservasi, schema.reservasi.c.id == stranger)[0]["cloudbed_reservation_id"]
        is None
    )
    assert reservation(ctx.engine, other["reservationID"])["id"] != stranger


def test_rule_03_name_words_ignore_titles_and_short_words():
    assert name_words("Mr. Budi Santoso") == {"budi", "santoso"}
    assert names_match(["Ibu Sri Wahyuni"], ["WAHYUNI"])
    assert not names_match(["Mr Al"], ["Al Amin"])  # "al" is too short to count
    assert names_match(["José Álvarez"], ["Jose Alvarez"])
    assert names_match(["王小明"], ["王小明"])


def test_rule_04_room_numbers_match_on_digits(sdb, box):
    assert [
        room_number(n) for n in ("Room 201", "201 - Deluxe", "D201", "Villa Melati 601", "Suite 501")
    ] == ["201", "201", "201", "601", "501"]
    assert room_number("Garden") is None
    run_sync(make_ctx(sdb, box), SyncRequest(mode="full", entities="catalog"))
    stored = {r["room_name"]: r["room_number"] for r in rows(sdb, schema.cloudbed_rooms)}
    assert stored["Room 101"] == "101" and stored["201 - Deluxe"] == "201" and stored["D301"] == "301"
    assert stored["Villa Kenanga 602"] == "602"


def test_rule_05_unknown_status_is_stored_as_sent_and_warned(sctx, box):
    assert map_status("checked_in") == ("checked_in", None)
    assert map_status("CONFIRMED") == ("confirmed", None)
    stored, warning = map_status("pending_review")
    assert stored == "pending_review" and "unknown status" in warning
    # Through the engine: a real page from the sandbox with one status Cloudbeds might add one day.
    records = sctx.client.get_reservations_with_rate_details(include_guests_details=True).pages()
    page = list(next(iter(records)).items)
    page[0] = replace(page[0], status="pending_review", modified_at=utcnow() + timedelta(seconds=1))
    run = new_run(sctx, SyncRequest(mode="full", entities="reservations,guests"), apply=True)
    with sctx.engine.begin() as conn:
        process_page(conn, run, page)
    assert reservation(sctx.engine, page[0].reservation_id)["status"] == "pending_review"
    assert any("unknown status 'pending_review'" in w for w in run.result.warnings)
    assert run.result.counts["reservations"].created == len(page)


def test_identity_survives_a_second_property_with_nothing_mixed(db, box, admin):
    ctx = make_ctx(db, box)
    run_sync(ctx, SyncRequest(mode="full", entities="reservations,guests"))
    assert mismatches(db, box.property_id, admin.truth()) == []
    assert count(db, schema.reservasi, schema.reservasi.c.property_id != box.property_id) == 0
