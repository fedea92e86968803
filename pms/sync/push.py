"""Hotel → Cloudbeds: new local reservations, status and stay changes, guest edits.

What is pushed (domain rules 14-18): only rows the hotel system marked ``pending`` (with
``local_modified_at``) after push was switched on, and the bookings of our own walk-in form
(``local_ref`` ``form-…``) whenever they were made: rule 14 protects what was typed before the
integration, not ours. What staff type at the hotel's ADF front desk is ``pms.sync.adfpush``. A new
local reservation becomes a postReservation with its rooms mapped to Cloudbeds room types and our
``local_ref`` as ``thirdPartyIdentifier``; an in-house walk-in starts today (rule 18); it arrives
not_confirmed and is confirmed when the hotel says so (rule 8); its Cloudbeds ids are written back.
A change to a linked reservation becomes a putReservation (status; check-out extended — an OTA stay
is never shortened, rule 16); a price change is a manual task (rule 13) and is only warned about. A
guest edit becomes a putGuest and an edit that keeps failing expires (rule 17): both in
``pms.sync.push_edits``.

Every write goes through ``OutboundGuard``. Before a create is sent again after an earlier attempt
(a crash, a timeout), the reservation is looked up by its ``local_ref`` so it is never made twice.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa

from pms.cloudbeds.methods_reservations import RoomRequest
from pms.db import schema
from pms.db.types import utcnow
from pms.edits.reservations import FORM_REF_PREFIX
from pms.edits.walkin import refusal_advice
from pms.errors import CloudbedsError, PushRefusedError
from pms.i18n import Said
from pms.sync.guard import OutboundGuard
from pms.sync.postcode import PostalCodes
from pms.sync.push_edits import mark_failed
from pms.sync.rules import KNOWN_STATUSES, edit_expired, has_local_edit, push_start_date, shortens_ota_stay
from pms.sync.runstate import RunState

__all__ = ["MAX_CREATE_ATTEMPTS", "push_reservations"]

R = schema.reservasi
ROOM = schema.reservasi_room
G = schema.guest
MAP = schema.cloudbed_room_mapping
MAX_CREATE_ATTEMPTS = 10
# putReservation can move a booking to these (the rest are Cloudbeds' own transitions).
_PUSHABLE_STATUSES = ("confirmed", "not_confirmed", "canceled", "checked_in", "checked_out", "no_show")


def _changed_at(row: Mapping[str, Any]):
    return row.get("local_modified_at") or row.get("created_at")


def _candidates(conn: sa.Connection, run: RunState, *, new: bool) -> list[Mapping[str, Any]]:
    since = run.settings.push_since
    q = sa.select(R).where(
        R.c.property_id == run.property_id,
        R.c.sync_status.in_(("pending", "error")),
        R.c.is_deleted.is_(False),
    )
    if new:
        q = q.where(
            R.c.cloudbed_reservation_id.is_(None),
            R.c.origin == "local",
            R.c.sync_attempts < MAX_CREATE_ATTEMPTS if not run.force else sa.true(),
        )
    else:
        q = q.where(R.c.cloudbed_reservation_id.is_not(None), R.c.local_modified_at.is_not(None))
    if since is not None:  # rule 14: older records were typed into Cloudbeds by hand (not our form's)
        recent = sa.func.coalesce(R.c.local_modified_at, R.c.created_at) >= since
        q = q.where(sa.or_(recent, R.c.local_ref.like(f"{FORM_REF_PREFIX}%")) if new else recent)
    rows = list(conn.execute(q.order_by(R.c.id).limit(500)).mappings())
    if new:
        return rows
    return [
        r
        for r in rows
        if has_local_edit(r) and not edit_expired(r, run.started_at, run.settings.edit_expiry_minutes)
    ]


def _reverse_mapping(conn: sa.Connection, pid: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for row in conn.execute(
        sa.select(MAP.c.adf_room_type, MAP.c.cloudbed_room_type_id)
        .where(MAP.c.property_id == pid, MAP.c.is_active.is_(True), MAP.c.cloudbed_room_type_id.is_not(None))
        .order_by(MAP.c.id)
    ):
        out.setdefault(row.adf_room_type, row.cloudbed_room_type_id)
    return out


def _rooms_by_reservation(conn: sa.Connection, ids: list[int]) -> dict[int, list[Mapping[str, Any]]]:
    out: dict[int, list] = defaultdict(list)
    if ids:
        for row in conn.execute(
            sa.select(ROOM)
            .where(ROOM.c.reservasi_id.in_(ids), ROOM.c.is_deleted.is_(False))
            .order_by(ROOM.c.id)
        ).mappings():
            out[row["reservasi_id"]].append(row)
    return out


def _guests_by_id(conn: sa.Connection, ids: list[int]) -> dict[int, Mapping[str, Any]]:
    if not ids:
        return {}
    return {row["id"]: row for row in conn.execute(sa.select(G).where(G.c.id.in_(ids))).mappings()}


def _room_requests(
    rooms: list[Mapping[str, Any]], reverse: Mapping[str, str]
) -> tuple[list[RoomRequest], str | None]:
    by_type: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for room in rooms:
        type_id = room.get("cloudbed_room_type_id") or reverse.get(room.get("adf_room_type") or "")
        if not type_id:
            return [], (
                f"room type {room.get('adf_room_type') or '(none)'} is not mapped to a Cloudbeds room "
                "type: map it on the Room mapping page"
            )
        by_type[type_id].append(room)
    requests = []
    for type_id, group in by_type.items():
        n = len(group)
        adults = sum(max(1, r.get("adults") or 1) for r in group)
        children = sum(max(0, r.get("children") or 0) for r in group)
        requests.append(RoomRequest(type_id, adults=max(1, adults // n), children=children // n, quantity=n))
    return requests, None


def _guest_fields(
    res: Mapping[str, Any], guest: Mapping[str, Any] | None
) -> tuple[dict[str, Any], str | None]:
    first = (guest or {}).get("first_name")
    last = (guest or {}).get("last_name")
    if not first and not last and res.get("guest_name"):
        parts = str(res["guest_name"]).split()
        first, last = parts[0], " ".join(parts[1:]) or parts[0]
    first, last = first or last, last or first
    email = (guest or {}).get("email")
    country = ((guest or {}).get("country") or "").strip()
    if not first:
        return {}, "the reservation has no guest name"
    if not email:
        return {}, "the guest has no e-mail address, which Cloudbeds requires: add one in the hotel system"
    if len(country) != 2 or not country.isalpha():
        return {}, (
            f"the guest's country {country or '(empty)'!r} is not a two-letter code such as ID: "
            "correct it in the hotel system"
        )
    return {
        "guest_first_name": first,
        "guest_last_name": last,
        "guest_email": email,
        "guest_country": country.upper(),
        "guest_zip": (guest or {}).get("zip") or "",
        "guest_phone": (guest or {}).get("phone"),
    }, None


def push_reservations(run: RunState, guard: OutboundGuard) -> None:
    """Create new local reservations in Cloudbeds, then send changes of linked ones."""
    with run.engine.connect() as conn:
        new = _candidates(conn, run, new=True)
        changed = _candidates(conn, run, new=False)
        reverse = _reverse_mapping(conn, run.property_id)
        rooms = _rooms_by_reservation(conn, [r["id"] for r in new + changed])
        guests = _guests_by_id(conn, [r["guest_id"] for r in new if r["guest_id"]])
    zips = PostalCodes(run)
    for res in new:
        _create(run, guard, res, rooms.get(res["id"], []), guests.get(res["guest_id"]), reverse, zips)
    for res in changed:
        _update(run, guard, res, rooms.get(res["id"], []))


def _create(
    run: RunState,
    guard: OutboundGuard,
    res: Mapping[str, Any],
    rooms: list,
    guest,
    reverse,
    zips: PostalCodes,
) -> None:
    counts = run.result.entity("push")
    key = f"#{res['id']}"
    requests, refuse = _room_requests(rooms, reverse) if rooms else ([], "it has no rooms: add its room type")
    fields, why = _guest_fields(res, guest)
    refuse = refuse or why
    start, why = push_start_date(res["check_in"], res["check_out"], run.today)
    refuse = refuse or why
    payload = {
        "startDate": start,
        "endDate": res["check_out"],
        "rooms": [r.__dict__ for r in requests],
        "status": res["status"],
        "guest": fields.get("guest_first_name"),
    }
    ours = str(res.get("local_ref") or "").startswith(FORM_REF_PREFIX)  # made in our walk-in form
    policy = refuse or guard.policy(_changed_at(res), ours=ours)
    if not run.apply:
        if policy:
            run.warn("push", key, Said("sync.warn.not_created", {"why": policy}))
        else:
            run.action(
                "push_create",
                "reservations",
                key,
                f"{start}..{res['check_out']} {res.get('guest_name') or ''}".rstrip(),
            )
        return
    if fields and not policy:  # never an empty guestZip (pms.sync.postcode)
        fields["guest_zip"] = zips.for_guest(fields.get("guest_zip"), key)
    ref = res.get("local_ref") or uuid.uuid4().hex
    attempts = (res.get("sync_attempts") or 0) + 1
    with run.engine.begin() as conn:  # the reference is stored before anything is sent
        conn.execute(sa.update(R).where(R.c.id == res["id"]).values(local_ref=ref, sync_attempts=attempts))
    created = None
    try:
        if attempts > 1 and not policy:  # an earlier attempt may have gone through: look first
            found = run.client.find_reservation_by_third_party_id(ref, check_in=start)
            if found is not None:
                created = run.client.get_reservation(found.reservation_id)
        if created is None:
            created = guard.send(
                "postReservation",
                lambda: run.client.post_reservation(
                    start_date=start,
                    end_date=res["check_out"],
                    rooms=requests,
                    third_party_identifier=ref,
                    source_id=res.get("source_id") or None,
                    payment_method="cash",
                    **fields,
                ),
                local_table="reservasi",
                local_id=res["id"],
                changed_at=_changed_at(res),
                payload=payload,
                refuse=refuse,
                ours=ours,
            )
    except (PushRefusedError, CloudbedsError) as exc:
        counts.failed += 1
        advice = refusal_advice(str(exc)) if isinstance(exc, CloudbedsError) else None
        said = str(exc).split(" If the reason concerns")[0]  # not "renew the connection": it is the booking
        message = f"{advice} ({said})" if advice else str(exc)
        run.result.error_for("push", f"reservation {key}: {message}")
        mark_failed(run, R, res["id"], message, attempts=attempts)
        return
    _write_back(run, res, created, rooms, ref)
    counts.created += 1
    run.action("push_create", "reservations", created.reservation_id, f"from hotel booking {key}")
    target = res["status"] if res["status"] in ("confirmed", "checked_in") else None
    if target and getattr(created, "status", None) != target:
        _confirm(run, guard, res, created.reservation_id, target, ours=ours)


def _write_back(run: RunState, res: Mapping[str, Any], created, rooms: list, ref: str) -> None:
    now = utcnow()
    total = getattr(created, "grand_total", None) or getattr(created, "total", None)
    by_type: dict[str, list] = defaultdict(list)
    for room in getattr(created, "rooms", ()) or ():
        by_type[room.room_type_id or ""].append(room)
    with run.engine.begin() as conn:
        conn.execute(
            sa.update(R)
            .where(R.c.id == res["id"])
            .values(
                cloudbed_reservation_id=created.reservation_id,
                cloudbed_guest_id=created.guest_id,
                cloudbed_total=total,
                cloudbed_created_at=created.created_at,
                third_party_id=ref,
                sync_status="synced",
                sync_error=None,
                sync_attempts=0,
                last_sync_at=now,
                local_modified_at=res.get("local_modified_at") or res.get("created_at"),
            )
        )
        for room in rooms:
            matches = by_type.get(room.get("cloudbed_room_type_id") or "") or next(iter(by_type.values()), [])
            if matches:
                sub = matches.pop(0)
                conn.execute(
                    sa.update(ROOM)
                    .where(ROOM.c.id == room["id"])
                    .values(
                        sub_reservation_id=sub.sub_reservation_id,
                        cloudbed_reservation_id=created.reservation_id,
                        cloudbed_room_type_id=sub.room_type_id,
                    )
                )
        if res.get("guest_id") and created.guest_id:
            conn.execute(
                sa.update(G)
                .where(G.c.id == res["guest_id"], G.c.cloudbed_guest_id.is_(None))
                .values(
                    cloudbed_guest_id=created.guest_id,
                    cloudbed_reservation_id=created.reservation_id,
                    sync_status="synced",
                    last_sync_at=now,
                )
            )


def _confirm(
    run: RunState, guard: OutboundGuard, res: Mapping[str, Any], cloudbed_id: str, status: str, *, ours: bool
) -> None:
    """Rule 8: API-made reservations arrive not_confirmed; confirm them as the hotel has them."""
    try:
        guard.send(
            "putReservation",
            lambda: run.client.put_reservation(cloudbed_id, status=status),
            local_table="reservasi",
            local_id=res["id"],
            cloudbed_id=cloudbed_id,
            changed_at=_changed_at(res),
            payload={"status": status},
            ours=ours,
        )
    except (PushRefusedError, CloudbedsError) as exc:
        run.result.entity("push").failed += 1
        run.result.error_for("push", f"reservation {cloudbed_id}: created, but not {status}: {exc}")
        with run.engine.begin() as conn:  # left as an unsent edit, so the next run tries again
            conn.execute(
                sa.update(R)
                .where(R.c.id == res["id"])
                .values(
                    sync_status="error",
                    sync_error=f"created in Cloudbeds, but could not set it {status}: {exc}"[:4000],
                    last_sync_at=None,
                    sync_attempts=1,
                )
            )


def _cloudbeds_checkout(rooms: list[Mapping[str, Any]]) -> date | None:
    outs = [r["check_out"] for r in rooms if r.get("check_out") and r.get("sub_reservation_id")]
    return max(outs) if outs else None


def _update(run: RunState, guard: OutboundGuard, res: Mapping[str, Any], rooms: list) -> None:
    counts = run.result.entity("push")
    cid = res["cloudbed_reservation_id"]
    params: dict[str, Any] = {}
    refuse = None
    if res["status"] in _PUSHABLE_STATUSES:
        params["status"] = res["status"]
    elif res["status"] not in KNOWN_STATUSES:
        run.warn("push", cid, f"status {res['status']!r} has no Cloudbeds equivalent; not sent")
    cb_out = _cloudbeds_checkout(rooms)
    if cb_out is not None and res["check_out"] != cb_out:
        if shortens_ota_stay(res, cb_out):
            refuse = (
                f"the hotel shortened an OTA stay ({cb_out} → {res['check_out']}); OTA stays are only "
                "shortened through the OTA"
            )
        else:
            params["checkout_date"] = res["check_out"]
    price_note = None
    if (
        res.get("total") is not None
        and res.get("cloudbed_total") is not None
        and res["total"] != res["cloudbed_total"]
    ):
        kind = "lowered" if res["total"] < res["cloudbed_total"] else "raised"
        price_note = (
            f"the price was {kind} in the hotel system ({res['cloudbed_total']} → {res['total']}); "
            "price changes are made by hand in Cloudbeds, never as a negative adjustment"
        )
        if run.apply:
            guard.refuse(
                "postAdjustment",
                price_note,
                local_table="reservasi",
                local_id=res["id"],
                cloudbed_id=cid,
                payload={"total": res["total"], "cloudbed_total": res["cloudbed_total"]},
            )
        run.warn("push", cid, price_note)
    if not params and not refuse:
        if price_note and run.apply:  # nothing else to send: flagged, and it expires like a failing edit
            mark_failed(
                run, R, res["id"], f"not sent: {price_note}", attempts=(res.get("sync_attempts") or 0) + 1
            )
        return
    if not run.apply:
        policy = refuse or guard.policy(_changed_at(res))
        if policy:
            run.warn("push", cid, Said("sync.warn.not_sent", {"why": policy}))
        else:
            run.action("push_update", "reservations", cid, ", ".join(f"{k}={v}" for k, v in params.items()))
        return
    attempts = (res.get("sync_attempts") or 0) + 1
    try:
        guard.send(
            "putReservation",
            lambda: run.client.put_reservation(cid, **params),
            local_table="reservasi",
            local_id=res["id"],
            cloudbed_id=cid,
            changed_at=_changed_at(res),
            payload=params,
            refuse=refuse,
        )
    except (PushRefusedError, CloudbedsError) as exc:
        counts.failed += 1
        run.result.error_for("push", f"reservation {cid}: {exc}")
        mark_failed(run, R, res["id"], str(exc), attempts=attempts)
        return
    with run.engine.begin() as conn:
        conn.execute(
            sa.update(R)
            .where(R.c.id == res["id"])
            .values(sync_status="synced", sync_error=None, sync_attempts=0, last_sync_at=utcnow())
        )
    counts.updated += 1
    run.action("push_update", "reservations", cid, ", ".join(f"{k}={v}" for k, v in params.items()))
