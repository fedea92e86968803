"""Room blocks: postRoomBlock, getRoomBlocks, putRoomBlock, deleteRoomBlock, and their webhooks.

A block takes its rooms out of inventory from ``startDate`` to ``endDate`` (both nights included:
the sandbox's reading of "room block end date"): they are not free in getRooms, not offered by
getAvailableRoomTypes or getRate's availability, and no booking is assigned to them. A block is
refused (``success:false``) on a room that a booking or another block holds on one of its nights.
Every change fires ``roomblock/created``, ``roomblock/details_changed`` or ``roomblock/removed``
with the block's id, type, reason, dates and rooms (API.md §9's catalogue).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pms.sandbox.endpoint import Call, Endpoint, NotFound, Refused, paged
from pms.sandbox.forms import ParamError
from pms.sandbox.models import RoomBlock
from pms.sandbox.queries import property_mismatch
from pms.sandbox.store import Store

__all__ = ["BLOCK_TYPES", "ENDPOINTS", "block_payload", "blocked_today"]

BLOCK_TYPES = ("blocked_dates", "out_of_service", "courtesy_hold")
MAX_WINDOW_DAYS = 35  # getRoomBlocks: "Date range must be 35 days or less"


def _rooms(store: Store, items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(roomID, roomTypeID) of each ``rooms[]`` item, checked against the catalogue."""
    if not items:
        raise ParamError("Parameter rooms is required (rooms[0][roomID]=...)")
    out: list[tuple[str, str]] = []
    for i, item in enumerate(items):
        room_id = str(item.get("roomID") or "")
        room = store.rooms.get(room_id)
        if room is None:
            raise ParamError(f"Unknown roomID {room_id!r} in rooms[{i}]")
        type_id = str(item.get("roomTypeID") or room.room_type_id)
        if type_id != room.room_type_id:
            raise ParamError(f"rooms[{i}]: room {room_id} is not of room type {type_id}")
        if any(r == room_id for r, _ in out):
            raise ParamError(f"rooms[{i}]: room {room_id} is listed twice")
        out.append((room_id, type_id))
    return out


def _dates(start: date | None, end: date | None) -> tuple[date, date]:
    if start is None or end is None:
        raise ParamError("Parameters startDate and endDate are required")
    if end < start:
        raise ParamError("Parameter endDate must not be before startDate")
    return start, end


def _check_free(store: Store, rooms: list[tuple[str, str]], start: date, end: date, own=None) -> None:
    occ = store.occupancy()
    nights = {start + timedelta(days=i) for i in range((end - start).days + 1)}
    mine = set(own.nights()) if own is not None else set()
    own_rooms = {r for _e, r, _t in own.rooms} if own is not None else set()
    for room_id, _type in rooms:
        used = set(occ.by_room.get(room_id, set()))
        if room_id in own_rooms:
            used -= mine
        clash = sorted(used & nights)
        if clash:
            name = store.rooms[room_id].name
            raise Refused(f"Room {name} is not available on {clash[0].isoformat()}: it cannot be blocked")


def _events(block_id: str, rooms: list[tuple[str, str]], keep=None) -> list[tuple[str, str, str]]:
    known = {r: e for e, r, _t in (keep.rooms if keep is not None else [])}
    return [(known.get(r) or f"{block_id}-{r}", r, t) for r, t in rooms]


def _block_json(store: Store, block: RoomBlock) -> dict[str, Any]:
    return {
        "roomBlockID": block.room_block_id,
        "roomBlockType": block.block_type,
        "roomBlockReason": block.reason,
        "startDate": block.start.isoformat(),
        "endDate": block.end.isoformat(),
        "rooms": [
            {
                "eventID": event,
                "roomID": room,
                "roomTypeID": room_type,
                "isSource": True,
                "sourceEventIds": None,
                "linkedEventIds": None,
            }
            for event, room, room_type in block.rooms
        ],
    }


def block_payload(block: RoomBlock) -> dict[str, Any]:
    """The webhook fields of a block event."""
    return {
        "roomBlockID": block.room_block_id,
        "roomBlockType": block.block_type,
        "roomBlockReason": block.reason,
        "startDate": block.start.isoformat(),
        "endDate": block.end.isoformat(),
        "rooms": [{"roomID": r, "roomTypeID": t} for _e, r, t in block.rooms],
    }


def blocked_today(store: Store, room_id: str) -> bool:
    return store.clock.today() in store.occupancy().blocked.get(room_id, set())


def post_room_block(call: Call) -> dict[str, Any]:
    p, store = call.params, call.store
    property_mismatch(store, p, "propertyID")
    kind = p.enum("roomBlockType", BLOCK_TYPES)
    if kind is None:
        raise ParamError("Parameter roomBlockType is required")
    start, end = _dates(p.date("startDate"), p.date("endDate"))
    rooms = _rooms(store, p.objects("rooms", required=True))
    _check_free(store, rooms, start, end)
    store.next_block_id += store.rng.randint(1, 9)
    block_id = str(store.next_block_id + 7_000_000)
    now = store.clock.now()
    block = RoomBlock(
        block_id, kind, p.str("roomBlockReason") or "", start, end, _events(block_id, rooms), now, now
    )
    store.room_blocks[block_id] = block
    store.touch()
    store.emit("roomblock/created", block_payload(block))
    return {"success": True, "propertyID": store.property.property_id, **_block_json(store, block)}


def _block(call: Call) -> RoomBlock:
    block_id = call.params.str("roomBlockID", required=True)
    block = call.store.room_blocks.get(block_id)
    if block is None:
        raise NotFound(f"Room block {block_id} not found")
    return block


def put_room_block(call: Call) -> dict[str, Any]:
    p, store = call.params, call.store
    property_mismatch(store, p, "propertyID")
    block = _block(call)
    start, end = _dates(p.date("startDate") or block.start, p.date("endDate") or block.end)
    items = p.objects("rooms")
    rooms = _rooms(store, items) if items else [(r, t) for _e, r, t in block.rooms]
    _check_free(store, rooms, start, end, own=block)
    if "roomBlockReason" in p:
        block.reason = p.str("roomBlockReason") or ""
    block.rooms = _events(block.room_block_id, rooms, keep=block)
    block.start, block.end = start, end
    block.modified = store.clock.now()
    store.touch()
    store.emit("roomblock/details_changed", block_payload(block))
    return {"success": True, "propertyID": store.property.property_id, **_block_json(store, block)}


def delete_room_block(call: Call) -> dict[str, Any]:
    p, store = call.params, call.store
    property_mismatch(store, p, "propertyID")
    block = _block(call)
    del store.room_blocks[block.room_block_id]
    store.touch()
    store.emit("roomblock/removed", block_payload(block))
    return {"success": True}


def get_room_blocks(call: Call) -> dict[str, Any]:
    p, store = call.params, call.store
    property_mismatch(store, p, "propertyID")
    today = store.clock.today()
    start = p.date("startDate") or today
    end = p.date("endDate") or max(start, today)  # a lone startDate asks about that day onwards
    if end < start:
        raise ParamError("Parameter endDate must not be before startDate")
    if (end - start).days > MAX_WINDOW_DAYS:
        raise ParamError(f"Date range must be {MAX_WINDOW_DAYS} days or less")
    wanted_id, wanted_type, wanted_room = p.str("roomBlockID"), p.str("roomTypeID"), p.str("roomID")
    ids = [
        b.room_block_id
        for b in sorted(store.room_blocks.values(), key=lambda b: (b.start, b.room_block_id))
        if b.start <= end
        and b.end >= start
        and (not wanted_id or b.room_block_id == wanted_id)
        and (not wanted_type or any(t == wanted_type for _e, _r, t in b.rooms))
        and (not wanted_room or any(r == wanted_room for _e, r, _t in b.rooms))
    ]
    items, total = paged(ids, p.page(20), lambda i: _block_json(store, store.room_blocks[i]))
    return {
        "success": True,
        "data": {"propertyID": store.property.property_id, "roomBlocks": items},
        "count": len(items),
        "total": total,
    }


ENDPOINTS = [
    Endpoint("postRoomBlock", "POST", "write:roomblock", post_room_block),
    Endpoint("getRoomBlocks", "GET", "read:roomblock", get_room_blocks),
    Endpoint("putRoomBlock", "PUT", "write:roomblock", put_room_block),
    Endpoint("deleteRoomBlock", "POST", "delete:roomblock", delete_room_block),
]
