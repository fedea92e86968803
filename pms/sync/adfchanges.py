"""Changes to linked bookings and guests typed at the front desk → putReservation, postRoomAssign, putGuest.

Per linked booking the desk's values are compared with the link's baselines (``pms.adf.pushdiff``):
an echo of our own pull only moves the desk baseline; a change typed at the desk is sent:

- **status** (checked in, checked out, including ADF's own overnight check-out of overdue stays,
  cancelled, confirmed) → putReservation ``status``. Cloudbeds checks a guest out only after a
  check-in, so a stay Cloudbeds still has as confirmed is checked in first. One room of a group
  cancelled at the desk is not a cancellation of the reservation: a warning for a person;
- **dates and guests per room** → putReservation ``rooms`` (that room only). An OTA stay is never
  shortened from the desk (rule 16); an arrival moved into the past is not sent (rule 18);
- **room moves** → postRoomAssign (the mapped Cloudbeds room, another type too).

Guests (name, phone, e-mail, address, ID card) → putGuest. After a send the baselines say what
Cloudbeds now holds, so the next pull sees its own echo. Refusals are warnings and not retried;
failures wait and expire (``pms.sync.adfpush.cloudbeds_failure``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from pms.adf.match import canon
from pms.adf.model import AdfBooking, status_key
from pms.adf.pushdiff import CLOUDBEDS_STATUS, booking_diff, guest_diff, split_name
from pms.cloudbeds.methods_reservations import RoomChange
from pms.db import schema
from pms.errors import CloudbedsError, PushRefusedError
from pms.sync.adfpush import DeskPush, cloudbeds_failure, synced_of
from pms.sync.rules import is_ota

__all__ = ["send_booking_changes", "send_guest_changes", "send_status"]

R, ROOM = schema.reservasi, schema.reservasi_room
_DATES = ("check_in_date", "check_out_date", "adults", "children")
_DOCUMENTS = {"ktp": "dni", "passport": "passport", "sim": "driver_licence"}


def _set_baseline(
    dp: DeskPush, reservation_id: str | None, link: dict, fields: dict[str, Any], *, cloud: bool
) -> None:
    """The desk baseline (and, when Cloudbeds now says the same, its baseline) for ``fields``, on
    every link of the reservation for a status, on this link otherwise."""
    targets = [link]
    if "status" in fields and reservation_id:
        targets = [
            lk
            for links in dp.links.values()
            for lk in links
            if lk["cloudbed_reservation_id"] == reservation_id
        ]
        targets = targets or [link]
    for lk in targets:
        synced = synced_of(lk)
        own = lk is link
        values = fields if own else {"status": fields["status"]}
        synced.setdefault("desk", {}).update({f: canon(v) for f, v in values.items()})
        if cloud:
            synced.setdefault("booking", {}).update({f: canon(v) for f, v in values.items()})
        dp.save_synced(lk, synced)


def _mirror(dp: DeskPush, link: dict) -> dict[str, Any]:
    """What Cloudbeds holds for the link's room: the mirror, else what the create answered."""
    synced = synced_of(link)
    cloud = dict(synced.get("cloud") or {})
    booking = synced.get("booking") or {}
    out: dict[str, Any] = {
        "room_type_id": cloud.get("room_type_id"),
        "room_id": cloud.get("room_id"),
        "check_in": _date(booking.get("check_in_date")),
        "check_out": _date(booking.get("check_out_date")),
        "status": CLOUDBEDS_STATUS.get(status_key(booking.get("status")) or "", None),
        "row": {},
    }
    with dp.run.engine.connect() as conn:
        room = (
            conn.execute(
                sa.select(ROOM).where(
                    ROOM.c.property_id == dp.run.property_id,
                    ROOM.c.sub_reservation_id == link["cloudbed_sub_reservation_id"],
                )
            )
            .mappings()
            .first()
        )
        res = (
            conn.execute(
                sa.select(R).where(
                    R.c.property_id == dp.run.property_id,
                    R.c.cloudbed_reservation_id == link["cloudbed_reservation_id"],
                )
            )
            .mappings()
            .first()
        )
    if room is not None:
        out.update(
            room_type_id=room["cloudbed_room_type_id"] or out["room_type_id"],
            room_id=room["room_id"],
            check_in=room["check_in"],
            check_out=room["check_out"],
            adults=room["adults"],
            children=room["children"],
        )
    if res is not None:
        out["status"] = res["status"] or out["status"]
        out["row"] = dict(res)
    return out


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _send(
    dp: DeskPush, x: AdfBooking, operation: str, call, *, cloud_id: str, payload: dict, what: str
) -> str:
    """One write through the guard: ``sent``, ``refused`` (a warning, kept) or ``failed`` (waits)."""
    run = dp.run
    if not run.apply:
        policy = dp.guard.policy(run.started_at)
        if policy:
            run.warn("front_desk_push", x.code, f"would not be sent: {policy}")
        else:
            run.action("push_update", "front_desk", x.code, what)
        return "preview"
    try:
        dp.guard.send(
            operation,
            call,
            local_table="bookings",
            local_id=x.id,
            cloudbed_id=cloud_id,
            changed_at=run.started_at,
            payload=payload,
        )
    except PushRefusedError as exc:
        run.warn("front_desk_push", x.code, str(exc))
        return "refused"
    except CloudbedsError as exc:
        cloudbeds_failure(dp, x.id, "update", exc, what)
        state = (dp.found.queued.get(x.id) or {}).get("state")
        return "refused" if state in ("refused", "expired") else "failed"
    run.result.entity("push").updated += 1
    run.action("push_update", "front_desk", x.code, what)
    return "sent"


def _refuse(dp: DeskPush, x: AdfBooking, operation: str, reason: str, cloud_id: str, payload: dict) -> None:
    if dp.run.apply:
        dp.guard.refuse(
            operation, reason, local_table="bookings", local_id=x.id, cloudbed_id=cloud_id, payload=payload
        )
    dp.run.warn("front_desk_push", x.code, f"not sent: {reason}")


def send_status(
    dp: DeskPush, x: AdfBooking, link: dict, synced: dict, target: str, *, cloud_status: str | None
) -> str:
    """Give the reservation the desk's status (``target`` in ADF's words)."""
    rid = link["cloudbed_reservation_id"]
    wanted = CLOUDBEDS_STATUS.get(target)
    if wanted is None:
        _refuse(
            dp, x, "putReservation", f"status {x.values.get('status')!r} has no Cloudbeds equivalent", rid, {}
        )
        _set_baseline(dp, None, link, {"status": target}, cloud=False)
        return "refused"
    if target == "cancelled":
        others = [
            b
            for b, links in dp.links.items()
            for lk in links
            if lk["cloudbed_reservation_id"] == rid and b != x.id and lk.get("state") == "active"
        ]
        if others and any(
            status_key((dp.bookings.get(b) or AdfBooking(b)).values.get("status")) != "cancelled"
            for b in others
        ):
            _refuse(
                dp,
                x,
                "putReservation",
                f"one room of a group was cancelled at the desk: cancel that room in Cloudbeds by hand "
                f"({rid})",
                rid,
                {"status": wanted},
            )
            _set_baseline(dp, None, link, {"status": target}, cloud=False)
            return "refused"
    steps = [wanted]
    if wanted == "checked_out" and cloud_status not in ("checked_in", "checked_out"):
        steps = ["checked_in", "checked_out"]  # Cloudbeds checks out only a guest it checked in
    result = "sent"
    for status in steps:
        if status == cloud_status:
            continue
        result = _send(
            dp,
            x,
            "putReservation",
            lambda s=status: dp.run.client.put_reservation(rid, status=s),
            cloud_id=rid,
            payload={"status": status},
            what=f"status {status}",
        )
        if result != "sent":
            break
    if result == "sent":
        _set_baseline(dp, rid, link, {"status": target}, cloud=True)
        dp.done(x.id)
    elif result == "refused":
        _set_baseline(dp, None, link, {"status": target}, cloud=False)
    return result


def _send_dates(dp: DeskPush, x: AdfBooking, link: dict, changed: dict, cloud: dict) -> None:
    rid, sub = link["cloudbed_reservation_id"], link["cloudbed_sub_reservation_id"]
    today = dp.run.today
    check_in = x.check_in if "check_in_date" in changed else cloud.get("check_in") or x.check_in
    check_out = x.check_out if "check_out_date" in changed else cloud.get("check_out") or x.check_out
    kept = {f: x.values.get(f) for f in changed}
    if "check_in_date" in changed and check_in is not None and check_in < today:
        check_in = cloud.get("check_in") or today  # rule 18: Cloudbeds takes no arrival in the past
        if set(changed) == {"check_in_date"}:
            dp.run.warn("front_desk_push", x.code, "an arrival moved into the past is not sent to Cloudbeds")
            _set_baseline(dp, None, link, kept, cloud=False)
            return
    row = cloud.get("row") or {}
    if cloud.get("check_out") and check_out < cloud["check_out"] and is_ota(row):
        reason = (
            f"the desk shortened an OTA stay ({cloud['check_out']} → {check_out}); OTA stays are only "
            "shortened through the OTA"
        )
        _refuse(dp, x, "putReservation", reason, rid, {"checkoutDate": check_out})
        _set_baseline(dp, None, link, kept, cloud=False)
        return
    type_id = cloud.get("room_type_id")
    if not type_id:
        _refuse(
            dp, x, "putReservation", "the room's Cloudbeds room type is not known yet: sync first", rid, {}
        )
        return
    change = RoomChange(
        room_type_id=type_id,
        check_in=check_in,
        check_out=check_out,
        adults=max(1, int(x.values.get("adults") or 1)),
        children=max(0, int(x.values.get("children") or 0)),
        sub_reservation_id=sub,
    )
    what = ", ".join(f"{f} {x.values.get(f)}" for f in changed)
    result = _send(
        dp,
        x,
        "putReservation",
        lambda: dp.run.client.put_reservation(rid, rooms=[change]),
        cloud_id=rid,
        payload={"rooms": [change.__dict__]},
        what=what,
    )
    if result == "sent":
        sent = dict(kept)
        if "check_in_date" in sent:
            sent["check_in_date"] = check_in
        _set_baseline(dp, rid, link, sent, cloud=True)
        if check_in != x.check_in:
            _set_baseline(dp, None, link, {"check_in_date": x.check_in}, cloud=False)
        dp.done(x.id)
    elif result == "refused":
        _set_baseline(dp, None, link, kept, cloud=False)


def _send_move(dp: DeskPush, x: AdfBooking, link: dict, cloud: dict) -> None:
    rid, sub = link["cloudbed_reservation_id"], link["cloudbed_sub_reservation_id"]
    new_room = dp.room_to_cloud.get(x.room_id)
    new_type = dp.type_to_cloud.get(dp.catalog.room_type_of(x.room_id))
    number = dp.catalog.room_number(x.room_id)
    if not new_room or not new_type:
        _refuse(
            dp,
            x,
            "postRoomAssign",
            f"ADF room {number} is not mapped to a Cloudbeds room: map it first",
            rid,
            {},
        )
        _set_baseline(dp, None, link, {"room_id": x.room_id}, cloud=False)
        return
    old = cloud.get("room_id")
    if old == new_room:
        _set_baseline(dp, None, link, {"room_id": x.room_id}, cloud=True)
        return
    result = _send(
        dp,
        x,
        "postRoomAssign",
        lambda: dp.run.client.post_room_assign(
            rid, sub_reservation_id=sub, new_room_id=new_room, room_type_id=new_type, old_room_id=old
        ),
        cloud_id=rid,
        payload={"subReservationID": sub, "newRoomID": new_room, "roomTypeID": new_type, "oldRoomID": old},
        what=f"room {number}",
    )
    if result == "sent":
        synced = synced_of(link)
        synced["cloud"] = {**(synced.get("cloud") or {}), "room_id": new_room, "room_type_id": new_type}
        dp.save_synced(link, synced)
        _set_baseline(dp, rid, link, {"room_id": x.room_id}, cloud=True)
        dp.done(x.id)
    elif result == "refused":
        _set_baseline(dp, None, link, {"room_id": x.room_id}, cloud=False)


def send_booking_changes(dp: DeskPush) -> None:
    ids = sorted(dp.found.booking_ids | {i for i, q in dp.found.queued.items() if q.get("kind") == "update"})
    for bid in ids:
        x, links = dp.bookings.get(bid), dp.links.get(bid) or []
        link = next((lk for lk in links if lk.get("state") == "active"), None)
        if x is None or link is None or not dp.due(bid):
            continue
        synced = synced_of(link)
        diff = booking_diff(x.values, synced)
        if diff.echo:
            _set_baseline(dp, None, link, diff.echo, cloud=False)
        if not diff.changed:
            dp.done(bid)
            continue
        cloud = _mirror(dp, link)
        changed = diff.changed
        if "room_id" in changed:
            _send_move(dp, x, link, cloud)
        dates = {f: v for f, v in changed.items() if f in _DATES}
        if dates:
            _send_dates(dp, x, link, dates, cloud)
        if "status" in changed:
            target = status_key(changed["status"]) or "pending"
            send_status(dp, x, link, synced_of(link), target, cloud_status=cloud.get("status"))


def _guest_fields(values: dict[str, Any], changed: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "guest_name" in changed:
        first, last = split_name(values.get("guest_name"))
        if first:
            out["first_name"], out["last_name"] = first, last
    for ours, theirs in (("email", "email"), ("phone", "phone"), ("address", "address1")):
        if ours in changed and (values.get(ours) or "").strip():
            out[theirs] = str(values[ours]).strip()
    if "id_card_number" in changed or "id_card_type" in changed:
        number = str(values.get("id_card_number") or "").strip()
        if number and not number.startswith("CB-"):
            out["document_number"] = number
            out["document_type"] = _DOCUMENTS.get(str(values.get("id_card_type") or "").casefold(), "na")
    return out


def send_guest_changes(dp: DeskPush) -> None:
    """putGuest for linked guests whose desk record changed (once per guest per run)."""
    by_guest: dict[int, list[dict]] = {}
    for links in dp.links.values():
        for lk in links:
            if (
                lk.get("adf_guest_id") is not None
                and lk.get("cloudbed_guest_id")
                and lk.get("state") == "active"
            ):
                by_guest.setdefault(int(lk["adf_guest_id"]), []).append(lk)
    if not by_guest:
        return
    with dp.run.engine.connect() as conn:
        dp.load_guests(conn, by_guest)
    for gid, links in sorted(by_guest.items()):
        values = dp.guests.get(gid)
        if values is None or gid in dp.sent_guests:
            continue
        dp.sent_guests.add(gid)
        diff = guest_diff(values, synced_of(links[0]))
        fields = _guest_fields(values, diff.changed)
        sent = {**diff.echo}
        if fields:
            booking = dp.bookings.get(links[0]["adf_booking_id"]) or AdfBooking(
                links[0]["adf_booking_id"] or 0
            )
            cloud_guest = links[0]["cloudbed_guest_id"]
            result = _send(
                dp,
                booking,
                "putGuest",
                lambda g=cloud_guest, f=fields: dp.run.client.put_guest(g, **f),
                cloud_id=cloud_guest,
                payload=fields,
                what="guest " + ", ".join(sorted(fields)),
            )
            if result in ("sent", "refused"):
                sent.update({f: values.get(f) for f in diff.changed})
        elif diff.changed:
            sent.update({f: values.get(f) for f in diff.changed})  # nothing Cloudbeds takes: baseline only
        if not sent:
            continue
        for lk in links:
            synced = synced_of(lk)
            synced.setdefault("desk_guest", {}).update({f: canon(v) for f, v in sent.items()})
            if synced.get("guest"):
                synced["guest"].update({f: canon(v) for f, v in sent.items() if f in synced["guest"]})
            dp.save_synced(lk, synced)
