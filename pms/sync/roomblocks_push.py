"""ADF rooms out of order → Cloudbeds room blocks, removed when the room is available again.

ADF's ``rooms.status`` says whether a room can be sold. Its values differ per hotel (an ENUM with
``maintenance`` and ``blocked`` in the documented schema, free text such as "Out of order" or
"perbaikan" elsewhere), so a status counts as out of order by its words (``out_of_order``). An
out-of-order room mapped to a Cloudbeds room (``cloudbed_adf_mapping``) gets an ``out_of_service``
block from today for ``HORIZON_DAYS`` nights, renewed while the room stays out of order (an ADF
status has no end date); when the room is available again, the block is deleted.

Our blocks are rows of ``cloudbed_room_block`` with ``origin = adf`` and the ADF room id. A room
is acted on once per change of it (``rooms.updated_at``): a block Cloudbeds refused, one removed
in Cloudbeds by hand, or a room out of order since before push was switched on (rule 14: it was
blocked by hand already) is not tried again until staff change the room. Every write goes
through the guard (rule 15), and a block that keeps failing expires with a warning (rule 17).
Cloudbeds' own blocks are mirrored first (``roomblocks.refresh_blocks``), so a room someone
already blocked in Cloudbeds is left as it is; a run with nothing to block, renew or remove
makes no call at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, timedelta
from typing import Any

import sqlalchemy as sa

from pms.db import schema
from pms.db.types import utcnow
from pms.errors import CloudbedsError, PushRefusedError
from pms.sync.adf_outbox import as_utc, expired, open_desk, push_ready
from pms.sync.guard import OutboundGuard
from pms.sync.roomblocks import BLOCKS, refresh_blocks
from pms.sync.runstate import RunState

__all__ = ["HORIZON_DAYS", "out_of_order", "push_room_blocks"]

HORIZON_DAYS = 28
_OOO_WORDS = {
    "maintenance",
    "blocked",
    "block",
    "ooo",
    "oos",
    "out",  # out of order / out of service
    "broken",
    "repair",
    "renovation",
    "perbaikan",
    "rusak",
    "renovasi",
}
_MAP = schema.cloudbed_adf_mapping


def out_of_order(status: Any) -> bool:
    """Whether an ADF room status means the room cannot be sold."""
    words = set(re.split(r"[^a-z]+", str(status or "").lower()))
    return bool(words & _OOO_WORDS)


def _rooms(run: RunState, rooms: sa.Table) -> list[dict]:
    cols = [rooms.c.id, rooms.c.room_number, rooms.c.status]
    if "updated_at" in rooms.c:
        cols.append(rooms.c.updated_at)
    with run.engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(*cols).order_by(rooms.c.id)).mappings()]


def _cloudbeds_rooms(run: RunState) -> dict[str, str]:
    """ADF room number → Cloudbeds room id (the room mapping)."""
    with run.engine.connect() as conn:
        rows = conn.execute(
            sa.select(_MAP.c.adf_value, _MAP.c.cloudbed_id)
            .where(
                _MAP.c.property_id == run.property_id, _MAP.c.kind == "room", _MAP.c.adf_value.is_not(None)
            )
            .order_by(_MAP.c.id)
        )
        out: dict[str, str] = {}
        for number, cid in rows:
            out.setdefault(str(number), cid)
        return out


def _ours(run: RunState) -> dict[int, dict]:
    """The latest of our rows per ADF room."""
    with run.engine.connect() as conn:
        rows = conn.execute(
            sa.select(BLOCKS)
            .where(BLOCKS.c.property_id == run.property_id, BLOCKS.c.origin == "adf")
            .order_by(BLOCKS.c.id)
        ).mappings()
        return {r["adf_room_id"]: dict(r) for r in rows}


def _cloudbeds_block(run: RunState, cloudbed_room: str) -> dict | None:
    """A block Cloudbeds holds on the room today that is not (yet known as) ours."""
    today = run.today
    with run.engine.connect() as conn:
        row = (
            conn.execute(
                sa.select(BLOCKS).where(
                    BLOCKS.c.property_id == run.property_id,
                    BLOCKS.c.origin == "cloudbeds",
                    BLOCKS.c.state == "active",
                    BLOCKS.c.cloudbed_room_id == cloudbed_room,
                    BLOCKS.c.start_date <= today,
                    BLOCKS.c.end_date >= today,
                )
            )
            .mappings()
            .first()
        )
    return dict(row) if row else None


def _adopt(run: RunState, found: dict, ours: dict | None, base: dict) -> None:
    """The block an attempt whose answer was lost did make: it becomes ours (no second one)."""
    with run.engine.begin() as conn:
        if ours is not None and not ours.get("room_block_id"):
            conn.execute(sa.delete(BLOCKS).where(BLOCKS.c.id == ours["id"]))  # our own placeholder
        conn.execute(
            sa.update(BLOCKS)
            .where(BLOCKS.c.id == found["id"])
            .values(
                origin="adf",
                adf_room_id=base["adf_room_id"],
                adf_status=base["adf_status"],
                state="active",
                error=None,
                updated_at=utcnow(),
            )
        )


def _save(run: RunState, row: Mapping[str, Any] | None, **values) -> None:
    values["updated_at"] = utcnow()
    with run.engine.begin() as conn:
        if row is None:
            conn.execute(
                sa.insert(BLOCKS).values(
                    property_id=run.property_id, origin="adf", created_at=values["updated_at"], **values
                )
            )
        else:
            conn.execute(sa.update(BLOCKS).where(BLOCKS.c.id == row["id"]).values(**values))


class _Step:
    def __init__(self, run: RunState, guard: OutboundGuard) -> None:
        self.run, self.guard = run, guard
        self.counts = run.result.entity("room_blocks")

    def decide(self, room: dict, ours: dict | None) -> str | None:
        """What a room needs: ``create``, ``retry``, ``extend``, ``remove`` or None (nothing)."""
        if out_of_order(room.get("status")):
            if ours is not None and ours["state"] == "active":
                end = ours["end_date"]
                near = end is not None and (end - self.run.today).days < HORIZON_DAYS // 2
                return "extend" if near else None
            if ours is not None and ours["state"] in ("sending", "failed"):
                return "retry"
            changed = as_utc(room.get("updated_at"), UTC)
            handled = ours is not None and (
                changed is None or ours["updated_at"].replace(tzinfo=UTC) >= changed
            )
            return None if handled else "create"
        if ours is not None and ours["state"] in ("active", "sending", "failed"):
            return "remove"
        return None

    def room(self, room: dict, cloudbed_room: str | None, ours: dict | None, action: str) -> None:
        changed = as_utc(room.get("updated_at"), UTC)
        key = f"ADF room {room['room_number']}"
        if action == "extend":
            self._extend(ours, key)
        elif action == "retry":
            self._create(room, cloudbed_room, ours, changed, key)
        elif action == "create":
            self._create(room, cloudbed_room, None, changed, key)
        elif action == "remove":
            self._remove(ours, key)

    def _create(self, room: dict, cloudbed_room: str | None, ours, changed, key: str) -> None:
        run = self.run
        status = str(room.get("status") or "")[:32]
        if cloudbed_room is None:
            run.warn("room_blocks", key, "out of order in ADF, but not mapped to a Cloudbeds room: map it")
            return
        start, end = run.today, run.today + timedelta(days=HORIZON_DAYS - 1)
        reason = f"{key}: {status}"[:255]
        base = {
            "adf_room_id": room["id"],
            "adf_status": status,
            "cloudbed_room_id": cloudbed_room,
            "block_type": "out_of_service",
            "reason": reason,
            "start_date": start,
            "end_date": end,
        }
        found = _cloudbeds_block(run, cloudbed_room)
        if found is not None:
            if run.apply and found["reason"] == reason and found["end_date"] == end:
                _adopt(run, found, ours, base)
            elif run.apply:
                _save(run, ours, state="skipped", error="already blocked in Cloudbeds", attempts=0, **base)
            return
        policy = self.guard.policy(changed)
        if not run.apply:
            if policy:
                run.warn("room_blocks", key, f"would not be blocked in Cloudbeds: {policy}")
            else:
                run.action("push_create", "room_blocks", key, f"block {start}..{end} ({status})")
            return
        if ours is not None and expired(run, ours["created_at"]):
            minutes = run.settings.edit_expiry_minutes
            text = f"not blocked: still failing after {minutes} minutes, so it was dropped"
            self.guard.refuse("postRoomBlock", text, local_table="rooms", local_id=room["id"], payload=base)
            _save(run, ours, state="expired", error=text)
            run.warn("room_blocks", key, text)
            return
        attempts = ((ours or {}).get("attempts") or 0) + 1
        _save(run, ours, state="sending", attempts=attempts, error=None, **base)
        ours = ours or self._latest(room["id"])
        try:
            block = self.guard.send(
                "postRoomBlock",
                lambda: run.client.post_room_block(
                    room_ids=[cloudbed_room], start_date=start, end_date=end, reason=reason
                ),
                local_table="rooms",
                local_id=room["id"],
                changed_at=changed,
                payload={k: v for k, v in base.items() if k != "adf_room_id"},
            )
        except PushRefusedError as exc:
            _save(run, ours, state="skipped", error=str(exc)[:4000])
            return
        except CloudbedsError as exc:
            self.counts.failed += 1
            run.result.errors.append(f"{key}: {exc}")
            _save(run, ours, state="failed", error=str(exc)[:4000])
            return
        _save(run, ours, state="active", room_block_id=block.room_block_id, error=None, seen_at=utcnow())
        self.counts.created += 1
        run.action("push_create", "room_blocks", key, f"block {start}..{end} ({status})")

    def _latest(self, adf_room_id: int) -> dict | None:
        with self.run.engine.connect() as conn:
            row = (
                conn.execute(
                    sa.select(BLOCKS)
                    .where(BLOCKS.c.property_id == self.run.property_id, BLOCKS.c.adf_room_id == adf_room_id)
                    .order_by(BLOCKS.c.id.desc())
                )
                .mappings()
                .first()
            )
        return dict(row) if row else None

    def _extend(self, ours: dict, key: str) -> None:
        run = self.run
        end = ours["end_date"]
        if end is None or (end - run.today).days >= HORIZON_DAYS // 2:
            return
        new_end = run.today + timedelta(days=HORIZON_DAYS - 1)
        if not run.apply:
            run.action("push_update", "room_blocks", key, f"block renewed until {new_end}")
            return
        try:
            self.guard.send(
                "putRoomBlock",
                lambda: run.client.put_room_block(ours["room_block_id"], end_date=new_end),
                local_table="rooms",
                local_id=ours["adf_room_id"],
                cloudbed_id=ours["room_block_id"],
                changed_at=run.started_at,  # our own block, made after push was switched on
                payload={"endDate": new_end},
            )
        except (PushRefusedError, CloudbedsError) as exc:
            run.warn("room_blocks", key, f"block not renewed: {exc}")
            return
        _save(run, ours, end_date=new_end)
        self.counts.updated += 1
        run.action("push_update", "room_blocks", key, f"block renewed until {new_end}")

    def _remove(self, ours: dict, key: str) -> None:
        run = self.run
        if not run.apply:
            run.action("push_update", "room_blocks", key, "available again: block removed")
            return
        if not ours.get("room_block_id"):  # never made (or not known to be): nothing to delete
            _save(run, ours, state="removed", error="the room is available again")
            return
        try:
            self.guard.send(
                "deleteRoomBlock",
                lambda: run.client.delete_room_block(ours["room_block_id"]),
                local_table="rooms",
                local_id=ours["adf_room_id"],
                cloudbed_id=ours["room_block_id"],
                changed_at=run.started_at,  # our own block, made after push was switched on
                payload={"roomBlockID": ours["room_block_id"]},
            )
        except (PushRefusedError, CloudbedsError) as exc:
            self.counts.failed += 1
            run.result.errors.append(f"{key}: block not removed: {exc}")
            return
        _save(run, ours, state="removed", error="the room is available again")
        self.counts.deleted += 1
        run.action("push_update", "room_blocks", key, "available again: block removed")


def push_room_blocks(run: RunState, guard: OutboundGuard) -> None:
    """Mirror Cloudbeds' blocks, then block ADF rooms out of order and free those available again."""
    if not push_ready(run):
        return
    adf = open_desk(run, "rooms")
    if adf is None or "status" not in adf.tables["rooms"].c:
        return
    rooms = _rooms(run, adf.tables["rooms"])
    ours = _ours(run)
    step = _Step(run, guard)
    todo = [(r, a) for r in rooms if (a := step.decide(r, ours.get(r["id"]))) is not None]
    if not todo:  # nothing to decide: no call (the mirror is kept by full syncs and webhooks)
        return
    if run.apply:
        _, why = refresh_blocks(run.engine, run.client, run.property_id, run.today)
        if why:
            run.warn("room_blocks", "", why)
    mapping = _cloudbeds_rooms(run)
    for room, action in todo:
        step.room(room, mapping.get(str(room["room_number"])), ours.get(room["id"]), action)
