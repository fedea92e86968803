"""Following a booking already in ADF: the three-way comparison and the rules on each change.

For every field the sync owns, three versions meet: what Cloudbeds says now, what we last synced
(the link's snapshot) and what ADF holds. Cloudbeds unchanged → the desk's value stands, whatever
staff did; Cloudbeds changed and ADF already says it → our own echo, only the link moves;
Cloudbeds changed → written, under the rules: a cancellation only while the booking is pending or
confirmed, not checked in and without money recorded (domain rule 6); a move or new dates only
onto nights the room has free; prices by rules 10, 11 and 13; a paid amount never below the money
the desk recorded for the booking in ``booking_payments``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pms.adf.desired import BOOKING_FIELDS, booking_values, fit_booking
from pms.adf.fit import Adaptation
from pms.adf.match import canon, same_value
from pms.adf.model import Action, AdfBooking, Link, MirrorRoom, MirrorStay, Occupant, status_key

if TYPE_CHECKING:
    from pms.adf.project import Planner

__all__ = ["cancel_block", "dates_text", "follow", "money", "name_notes", "take_snapshot"]

_MOVE = ("room_id", "check_in_date", "check_out_date", "total_nights")
_PRICE = ("room_price", "total_price", "final_price")


def dates_text(check_in: date | None, check_out: date | None) -> str:
    if check_in is None or check_out is None:
        return "?"
    if check_in.year == check_out.year:
        return f"{check_in:%d %b}–{check_out:%d %b %Y}"
    return f"{check_in:%d %b %Y}–{check_out:%d %b %Y}"


def money(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value is not None else Decimal(0)
    except ArithmeticError:
        return Decimal(0)


def take_snapshot(values: Mapping[str, Any], fields: Iterable[str]) -> dict[str, str | None]:
    return {f: canon(values[f]) for f in fields if f in values}


def name_notes(adaptations: list[Adaptation]) -> list[str]:
    """Adaptations people should see next to the booking: a guest name written differently."""
    return [
        f"guest name written as {a.after!r} (ADF cannot store {a.before!r})"
        for a in adaptations
        if a.table == "guests" and a.column == "guest_name" and a.rule in ("charset", "length")
    ]


def cancel_block(booking: AdfBooking, stay: MirrorStay) -> str | None:
    """Rule 6 on the front desk: why the ADF booking may not be cancelled automatically, or None."""
    status = booking.status
    if status in ("checked_in", "checked_out") or booking.values.get("actual_check_in"):
        return f"it is {(status or 'checked in').replace('_', ' ')} at the desk: left untouched"
    paid = booking.payments
    if stay.payment_collect != "channel":  # Channel Collect: the OTA holds the money and refunds it
        paid += money(booking.values.get("paid_amount"))
    if paid > 0:
        return f"{paid:,.0f} is recorded as paid: cancel and refund it by hand"
    if status not in ("pending", "confirmed", None):
        return f"its status is {booking.values.get('status')}: cancel it by hand"
    return None


def follow(
    planner: Planner, stay: MirrorStay, room: MirrorRoom, link: Link, share: tuple, guest: dict
) -> Action | None:
    inp, rid, sub = planner.inp, stay.reservation_id, room.sub_id
    booking = inp.state.bookings.get(link.adf_booking_id)  # type: ignore[arg-type]
    if booking is None:
        if link.state == "gone":
            return None
        text = f"ADF booking #{link.adf_booking_id} was deleted at the desk: it is not written again"
        return Action(
            "warn",
            rid,
            sub,
            link={"state": "gone", "problem_kind": "gone", "problem": text},
            summary=text,
            warnings=[text],
        )
    values = booking_values(stay, room, inp.mappings, share)
    wanted, adaptations, refused = fit_booking(inp.desk, values, insert=False)
    before: Mapping[str, Any] = link.synced.get("booking") or {}
    snapshot = dict(before)
    pending = []
    for f in BOOKING_FIELDS:
        if f not in wanted or canon(wanted[f]) == before.get(f):
            continue  # Cloudbeds did not change it: the desk's value stands
        if link.how == "pushed" and f not in before:
            snapshot[f] = canon(wanted[f])  # a booking the desk sent: Cloudbeds' first word is the baseline
            continue
        if same_value(booking.values.get(f), wanted[f]):
            snapshot[f] = canon(wanted[f])  # ADF already says so (our echo, or staff did the same)
        else:
            pending.append(f)
    changes: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    kind = _status(stay, booking, wanted, pending, changes, problems, before, snapshot)
    kind = _move(planner, booking, wanted, pending, changes, problems) or kind
    _prices(stay, link, booking, wanted, pending, changes, problems)
    _paid(booking, wanted, pending, snapshot)
    if refused:
        problems.append(("refused", f"{booking.code}: {refused}"))
        pending = [f for f in pending if wanted.get(f) is not None]
    for f in pending:
        changes[f] = wanted[f]
    for f in changes:
        snapshot[f] = canon(wanted[f])
    guest_changes = guest["changes"] if link.adf_guest_id == guest["id"] else {}
    guest_adapted = [a for a in guest["adaptations"] if a.column in guest_changes]
    adaptations = adaptations + guest_adapted
    notes = name_notes(guest_adapted)
    problem = problems[0] if problems else (("adapted", notes[0]) if notes else None)
    if problem is None and link.problem_kind == "adapted":
        problem = ("adapted", link.problem or "")  # a name written differently stays on the to-do list
    state = (
        "cancelled"
        if status_key(changes.get("status") or booking.values.get("status")) == "cancelled"
        else "active"
    )
    new_link = {
        "state": state,
        # The push's own baselines (``desk``, ``desk_guest``, ``cloud``: pms.adf.pushdiff) are kept.
        "synced": {**link.synced, "booking": snapshot, "guest": guest["snapshot"]},
        "check_in": room.check_in,
        "check_out": room.check_out,
        "problem_kind": problem[0] if problem else None,
        "problem": problem[1] if problem else None,
    }
    warnings = [p[1] for p in problems] + notes
    if changes or guest_changes:
        kind = kind or "update"
        summary = f"{booking.code}: " + ", ".join(f"{f} → {changes[f]}" for f in list(changes)[:4])
        if guest_changes:
            summary += (", " if changes else "") + "guest " + ", ".join(sorted(guest_changes))
        return Action(
            kind,
            rid,
            sub,
            booking_id=booking.id,
            booking=changes,
            guest_id=link.adf_guest_id,
            guest=guest_changes,
            link=new_link,
            summary=summary,
            warnings=warnings,
            adaptations=adaptations,
        )
    if problems:
        return Action(
            "warn",
            rid,
            sub,
            booking_id=booking.id,
            link=new_link,
            summary=problems[0][1],
            warnings=warnings,
        )
    same_link = (
        snapshot == dict(before)
        and guest["snapshot"] == dict(link.synced.get("guest") or {})
        and (link.problem_kind, link.problem, link.state)
        == (new_link["problem_kind"], new_link["problem"], state)
    )
    if same_link:
        return None
    return Action("refresh", rid, sub, booking_id=booking.id, link=new_link)


def _status(stay, booking, wanted, pending, changes, problems, before, snapshot) -> str | None:
    if "status" not in pending:
        return None
    pending.remove("status")
    target, current = status_key(wanted["status"]), booking.status
    desk_moved = canon(booking.values.get("status")) != before.get("status")
    if target == "cancelled":
        block = cancel_block(booking, stay)
        if block:
            problems.append(("cancel", f"{booking.code}: cancelled in Cloudbeds, but {block}"))
            return None
        changes["status"] = wanted["status"]
        return "cancel"
    if desk_moved and current in ("checked_in", "checked_out"):
        snapshot["status"] = canon(wanted["status"])  # the desk moved on: its word stands
        return None
    if desk_moved and current == "cancelled":
        problems.append(("status", f"{booking.code} is cancelled at the desk but {target} in Cloudbeds"))
        return None
    changes["status"] = wanted["status"]
    return None


def _move(planner: Planner, booking: AdfBooking, wanted, pending, changes, problems) -> str | None:
    fields = [f for f in _MOVE if f in pending]
    if not fields:
        return None
    for f in fields:
        pending.remove(f)
    room_id = wanted["room_id"] if "room_id" in fields else booking.room_id
    check_in = wanted["check_in_date"] if "check_in_date" in fields else booking.check_in
    check_out = wanted["check_out_date"] if "check_out_date" in fields else booking.check_out
    if room_id is None:
        problems.append(
            ("unmapped", f"{booking.code}: its new room in Cloudbeds is not mapped to an ADF room")
        )
        return None
    if booking.occupying and status_key(changes.get("status")) != "cancelled":
        occ = planner.occupants.holder(room_id, check_in, check_out, skip=booking.id)
        if occ is not None:
            number = planner.inp.catalog.room_number(room_id)
            text = (
                f"{booking.code} cannot move to room {number} on {dates_text(check_in, check_out)}: it holds "
                f"{occ.code} on {dates_text(occ.check_in, occ.check_out)}; move one of them"
            )
            problems.append(("conflict", text))
            return None
    for f in fields:
        changes[f] = wanted[f]
    planner.occupants.release(booking.id)
    planner.occupants.add(Occupant(booking.id, room_id, check_in, check_out, booking.code))
    return "move" if "room_id" in fields else None


def _paid(booking: AdfBooking, wanted, pending, snapshot) -> None:
    """Money recorded at the desk stands: Cloudbeds' paid amount (shared over a reservation's rooms,
    or before the desk's payments reached it) never lowers ADF's below the booking's own
    ``booking_payments``; the snapshot moves, so it is not retried until Cloudbeds changes again."""
    if "paid_amount" not in pending or booking.payments <= 0:
        return
    if money(wanted.get("paid_amount")) >= booking.payments:
        return
    for f in ("paid_amount", "payment_status"):
        if f in pending:
            pending.remove(f)
            snapshot[f] = canon(wanted.get(f))


def _prices(stay, link: Link, booking: AdfBooking, wanted, pending, changes, problems) -> None:
    fields = [f for f in _PRICE if f in pending]
    if not fields:
        return
    for f in fields:
        pending.remove(f)
    local, cloud = money(booking.values.get("final_price")), money(wanted.get("final_price"))
    nights_now = int(wanted.get("total_nights") or booking.values.get("total_nights") or 1)
    nights_before = int(booking.values.get("total_nights") or 1)
    scale = max(Decimal(1), Decimal(max(1, nights_now)) / Decimal(max(1, nights_before)))
    hotel_made = link.how in ("linked", "pushed") or stay.origin == "local"
    if local > 0 and cloud > local * 2 * scale:
        text = (
            f"{booking.code}: the Cloudbeds price {cloud:,.0f} is more than twice ADF's {local:,.0f}: "
            "not imported (check the folio in Cloudbeds)"
        )
        problems.append(("price", text))
        return
    if hotel_made and cloud < local:
        text = (
            f"{booking.code}: Cloudbeds lowered the price from {local:,.0f} to {cloud:,.0f}; "
            "lowering it in ADF is a task for a person"
        )
        problems.append(("price", text))
        return
    for f in fields:
        changes[f] = wanted[f]
