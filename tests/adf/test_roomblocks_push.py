"""ADF rooms out of order become Cloudbeds room blocks, and Cloudbeds' blocks reach the Front desk
grid, on both ADF variants and both engines, against the sandbox."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa

from pms.db import schema
from pms.db.credentials import CredentialStore
from pms.db.settings import Settings
from pms.db.types import utcnow
from pms.reporting.frontdesk import BLOCK_MARK, room_grid
from pms.sync import SyncRequest, plan_sync, run_sync
from pms.webhooks import store
from pms.webhooks.events import parse_event
from pms.webhooks.processor import Processor
from pms.worker.jobs import SyncJobs
from tests.sync.helpers import rows, today_of

from .steps import ready, sync

OUT, BLOCKS, MAP = schema.cloudbed_outbound_log, schema.cloudbed_room_block, schema.cloudbed_adf_mapping
NOBODY = "http://127.0.0.1:9/hooks"  # nothing listens: deliveries fail and their payloads are kept
# What staff type when a room cannot be sold: the ENUM's value, or the hotel's own words.
OUT_OF_ORDER = {"documented": "maintenance", "production": "Out of Order"}


def _free_rooms(ctx, admin, nights: int = 30) -> list[tuple[str, str, str]]:
    """(ADF room number, Cloudbeds room id, room type id) of mapped rooms free for ``nights``."""
    today = today_of(admin)
    free = ctx.client.get_rooms(start_date=today, end_date=today + timedelta(days=nights)).all()
    with ctx.engine.connect() as conn:
        mapped = dict(
            conn.execute(sa.select(MAP.c.cloudbed_id, MAP.c.adf_value).where(MAP.c.kind == "room")).all()
        )
    return [(mapped[r.room_id], r.room_id, r.room_type_id) for r in free if r.room_id in mapped]


def _set_status(engine, number: str, status: str, when) -> None:
    """What ADF's room screen does (MariaDB moves updated_at by itself; SQLite needs it said)."""
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE rooms SET status = :s, updated_at = :u WHERE room_number = :n"),
            {"s": status, "u": when.replace(tzinfo=None, microsecond=0), "n": number},
        )


def _available(box, room_type: str, day) -> int:
    body = requests.get(
        f"{box.base_url}/getAvailableRoomTypes",
        params={
            "startDate": day.isoformat(),
            "endDate": (day + timedelta(days=1)).isoformat(),
            "rooms": 1,
            "adults": 1,
        },
        headers={"x-api-key": box.api_key},
        timeout=30,
    ).json()
    for prop in body["data"]:
        for rt in prop["propertyRooms"]:
            if rt["roomTypeID"] == room_type:
                return int(rt["roomsAvailable"])
    return 0


def _push(ctx):
    result = run_sync(ctx, SyncRequest(mode="incremental", direction="push"))
    assert result.status in ("completed", "partial"), (result.error, result.errors)
    return result


def test_out_of_order_room_is_blocked_and_freed_when_available(ctx, admin, box, variant):
    ready(ctx, box)
    sync(ctx, "full")
    today = today_of(admin)
    (number, room_id, room_type), (old_number, _old_room, _t) = _free_rooms(ctx, admin)[:2]
    since = utcnow() - timedelta(minutes=5)
    _set_status(ctx.engine, old_number, OUT_OF_ORDER[variant], since - timedelta(hours=3))  # rule 14
    Settings(ctx.engine).set_push_enabled(True, now=since)
    _set_status(ctx.engine, number, OUT_OF_ORDER[variant], utcnow())
    free0 = _available(box, room_type, today + timedelta(days=3))
    plan = plan_sync(ctx, SyncRequest(mode="incremental", direction="push"))
    assert [a.key for a in plan.samples["push_create"] if a.entity == "room_blocks"] == [f"ADF room {number}"]
    warned = plan.samples["warn"]
    assert any(a.key == f"ADF room {old_number}" and "by hand" in a.summary for a in warned)
    assert ctx.client.get_room_blocks(start_date=today).all() == []  # the preview sent nothing
    calls0 = admin.calls().get("postRoomBlock", 0)
    _push(ctx)
    blocks = ctx.client.get_room_blocks(start_date=today, end_date=today + timedelta(days=20)).all()
    assert [b.room_ids for b in blocks] == [(room_id,)]
    assert blocks[0].start_date == today and blocks[0].block_type == "out_of_service"
    assert _available(box, room_type, today + timedelta(days=3)) == free0 - 1
    (ours,) = rows(ctx.engine, BLOCKS, BLOCKS.c.origin == "adf", BLOCKS.c.state == "active")
    assert ours["room_block_id"] == blocks[0].room_block_id and ours["cloudbed_room_id"] == room_id
    refused = rows(ctx.engine, OUT, OUT.c.operation == "postRoomBlock", OUT.c.decision == "refused")
    assert len(refused) == 1 and "typed into Cloudbeds by hand" in refused[0]["reason"]
    grid = room_grid(ctx.engine, today, 7, box.property_id)
    row = grid[grid["room"] == number].iloc[0]
    assert all(str(c).startswith(BLOCK_MARK) for c in row.iloc[2:])
    reads0 = admin.calls().get("getRoomBlocks", 0)
    _push(ctx)  # nothing new: no second block, no second refusal, not even a read
    assert admin.calls().get("postRoomBlock", 0) - calls0 == 1
    assert admin.calls().get("getRoomBlocks", 0) == reads0
    assert len(rows(ctx.engine, OUT, OUT.c.operation == "postRoomBlock")) == 2
    # Still out of order as the block nears its end: it is renewed (putRoomBlock).
    with ctx.engine.begin() as conn:
        conn.execute(
            sa.update(BLOCKS).where(BLOCKS.c.id == ours["id"]).values(end_date=today + timedelta(days=3))
        )
    _push(ctx)
    assert admin.calls().get("putRoomBlock", 0) == 1
    (renewed,) = ctx.client.get_room_blocks(
        start_date=today + timedelta(days=20), end_date=today + timedelta(days=27)
    )
    assert renewed.end_date == today + timedelta(days=27)
    _set_status(ctx.engine, number, "available", utcnow())
    _push(ctx)
    assert ctx.client.get_room_blocks(start_date=today, end_date=today + timedelta(days=20)).all() == []
    assert _available(box, room_type, today + timedelta(days=3)) == free0
    (ours,) = rows(ctx.engine, BLOCKS, BLOCKS.c.origin == "adf", BLOCKS.c.room_block_id.is_not(None))
    assert ours["state"] == "removed"
    ops = [
        (o["operation"], o["decision"], o["success"])
        for o in rows(ctx.engine, OUT)
        if o["decision"] == "sent"
    ]
    assert ops == [
        ("postRoomBlock", "sent", True),
        ("putRoomBlock", "sent", True),
        ("deleteRoomBlock", "sent", True),
    ]


def _deliveries(box, wanted: int, timeout: float = 20.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        found = requests.get(f"{box.root_url}/_sandbox/webhook-deliveries", timeout=10).json()["deliveries"]
        done = [d for d in found if d["attempts"] >= 1]
        if len(done) >= wanted:
            return [d["payload"] for d in done]
        assert time.monotonic() < deadline, found
        time.sleep(0.05)


def test_a_room_block_made_in_cloudbeds_reaches_the_front_desk_grid_by_webhook(desk, sandbox_factory):
    box = sandbox_factory(rate_limit=None, webhook_retries=0)
    from tests.sync.helpers import Admin, make_ctx

    admin = Admin(box)
    ctx = make_ctx(desk, box)
    try:
        ready(ctx, box)
        sync(ctx, "full")
        CredentialStore(desk).save_api_key(box.api_key, property_id=box.property_id, api_base=box.base_url)
        for action in ("created", "removed"):
            ctx.client.post_webhook("roomblock", action, NOBODY)
        today = today_of(admin)
        number, room_id, _type = _free_rooms(ctx, admin, nights=5)[0]
        # Someone blocks the room in Cloudbeds itself.
        made = ctx.client.post_room_block(
            room_ids=[room_id],
            start_date=today + timedelta(days=1),
            end_date=today + timedelta(days=2),
            reason="Kebocoran",
        )
        for body in _deliveries(box, 1):
            store.record(desk, parse_event(body), json.dumps(body))
        jobs = SyncJobs(desk)
        try:
            report = Processor(desk, jobs).process(box.property_id)
            assert (report.processed, report.failed) == (1, 0), report.errors
            grid = room_grid(desk, today, 5, box.property_id)
            row = grid[grid["room"] == number].iloc[0]
            labels = list(row.iloc[2:])
            assert labels[0] == "" and labels[1] == labels[2] == BLOCK_MARK + "Kebocoran" and labels[3] == ""
            ctx.client.delete_room_block(made.room_block_id)
            for body in _deliveries(box, 2)[1:]:
                store.record(desk, parse_event(body), json.dumps(body))
            report = Processor(desk, jobs).process(box.property_id)
            assert report.processed == 1, report.errors
        finally:
            jobs.close()
        grid = room_grid(desk, today, 5, box.property_id)
        assert not grid[grid["room"] == number].iloc[0, 2:].map(bool).any()
        (mirrored,) = rows(desk, BLOCKS, BLOCKS.c.room_block_id == made.room_block_id)
        assert mirrored["state"] == "removed" and mirrored["origin"] == "cloudbeds"
    finally:
        ctx.client.close()


def test_a_block_cloudbeds_refuses_is_retried_then_expires(ctx, admin, box, variant):
    ready(ctx, box)
    sync(ctx, "full")
    today = today_of(admin)
    everyone = ctx.client.get_rooms().all()
    free_now = {
        r.room_id for r in ctx.client.get_rooms(start_date=today, end_date=today + timedelta(days=28)).all()
    }
    with ctx.engine.connect() as conn:
        mapped = dict(
            conn.execute(sa.select(MAP.c.cloudbed_id, MAP.c.adf_value).where(MAP.c.kind == "room")).all()
        )
    # A room a booking holds in the next nights: Cloudbeds refuses to block it.
    number = next(mapped[r.room_id] for r in everyone if r.room_id in mapped and r.room_id not in free_now)
    Settings(ctx.engine).set_push_enabled(True, now=utcnow() - timedelta(minutes=1))
    _set_status(ctx.engine, number, OUT_OF_ORDER[variant], utcnow())
    result = _push(ctx)
    assert any(f"ADF room {number}" in e for e in result.errors)
    (ours,) = rows(ctx.engine, BLOCKS, BLOCKS.c.origin == "adf")
    assert ours["state"] == "failed" and ours["attempts"] == 1
    _push(ctx)  # tried again
    (ours,) = rows(ctx.engine, BLOCKS, BLOCKS.c.origin == "adf")
    assert ours["state"] == "failed" and ours["attempts"] == 2
    with ctx.engine.begin() as conn:  # an hour later (the expiry is 45 minutes)
        conn.execute(
            sa.update(BLOCKS)
            .where(BLOCKS.c.id == ours["id"])
            .values(created_at=utcnow() - timedelta(hours=1))
        )
    result = _push(ctx)
    assert any("so it was dropped" in w for w in result.warnings)
    (ours,) = rows(ctx.engine, BLOCKS, BLOCKS.c.origin == "adf")
    assert ours["state"] == "expired"
    calls = admin.calls().get("postRoomBlock", 0)
    _push(ctx)  # expired: not tried again until staff change the room
    assert admin.calls().get("postRoomBlock", 0) == calls
    sent = rows(ctx.engine, OUT, OUT.c.operation == "postRoomBlock", OUT.c.decision == "sent")
    assert len(sent) == 2 and not any(o["success"] for o in sent)
    # A manager's Retry puts it back: the next run tries again (and Cloudbeds refuses again).
    from pms.errors import UserError
    from pms.sync.outbox_retry import retry

    expired_entry = next(
        o for o in rows(ctx.engine, OUT) if o["decision"] == "refused" and "so it was dropped" in o["reason"]
    )
    assert retry(ctx.engine, box.property_id, expired_entry["id"]) == f"rooms #{ours['adf_room_id']}"
    _push(ctx)
    assert admin.calls().get("postRoomBlock", 0) == calls + 1
    with pytest.raises(UserError, match="no outbound entry"):
        retry(ctx.engine, box.property_id, 10**9)
