"""Mirror → front desk: what to do for every room of every stay (pure and idempotent).

For each room of a Cloudbeds stay the projector decides one ``Action``:

- no ADF booking yet: ``link`` the booking staff typed for the same stay (rule 3), else ``create``
  one, unless something stops it: the room is not assigned in Cloudbeds, its type or room is not
  mapped, or the ADF room is held by another booking on one of the nights (never a double-booked
  room). Then ``warn`` with what to do; the next sync tries again.
- an ADF booking already linked: compare three versions of each field: what Cloudbeds says now,
  what we last synced (kept in the link) and what ADF holds. Cloudbeds unchanged → the desk's value
  stands, whatever staff did; Cloudbeds changed and ADF already says it → our echo, only the link
  moves; Cloudbeds changed → ``update``/``move``/``cancel`` under the rules: rule 6 (cancel only
  pending/confirmed, not checked in, no money recorded in ADF), rules 10, 11 and 13 for prices
  (hotel-made bookings keep their price until Cloudbeds changes it, a total more than twice ADF's
  is not imported, a lower price is a task for a person), and no move onto an occupied room.

Running it again over the same mirror and the front desk it produced yields nothing but ``refresh``
for links whose problem is unchanged: the projection is idempotent, so a full reconcile is safe.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pms.adf.desired import (
    BOOKING_FIELDS,
    GUEST_FIELDS,
    booking_code,
    booking_values,
    fit_booking,
    fit_guest,
    guest_values,
    room_shares,
)
from pms.adf.fit import Adaptation
from pms.adf.introspect import FrontDesk
from pms.adf.match import canon, find_guest, find_typed_booking, occupant_of, same_value
from pms.adf.model import (
    Action,
    AdfBooking,
    Catalog,
    DeskState,
    Link,
    Mappings,
    MirrorRoom,
    MirrorStay,
    Occupant,
    status_key,
)

__all__ = ["Inputs", "cancel_block", "project"]

_MOVE = ("room_id", "check_in_date", "check_out_date", "total_nights")
_PRICE = ("room_price", "total_price", "final_price")


@dataclass(frozen=True)
class Inputs:
    """Everything the projector reads besides the stays."""

    desk: FrontDesk
    catalog: Catalog
    mappings: Mappings
    links: Mapping[str, Link]
    state: DeskState
    today: date


def _dates(check_in: date | None, check_out: date | None) -> str:
    if check_in is None or check_out is None:
        return "?"
    if check_in.year == check_out.year:
        return f"{check_in:%d %b}–{check_out:%d %b %Y}"
    return f"{check_in:%d %b %Y}–{check_out:%d %b %Y}"


def _money(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value is not None else Decimal(0)
    except ArithmeticError:
        return Decimal(0)


def _snapshot(values: Mapping[str, Any], fields: Iterable[str]) -> dict[str, str | None]:
    return {f: canon(values[f]) for f in fields if f in values}


def _name_notes(adaptations: list[Adaptation]) -> list[str]:
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
        paid += _money(booking.values.get("paid_amount"))
    if paid > 0:
        return f"{paid:,.0f} is recorded as paid: cancel and refund it by hand"
    if status not in ("pending", "confirmed", None):
        return f"its status is {booking.values.get('status')}: cancel it by hand"
    return None


class _Planner:
    def __init__(self, inp: Inputs) -> None:
        self.inp = inp
        self.actions: list[Action] = []
        self.occupants: list[Occupant] = list(inp.state.occupants)
        self.taken: set[int] = set()
        length = inp.desk.table("bookings").col("booking_code")
        self.code_length = length.length if length is not None else 20
        self.codes = set(inp.state.taken_codes)
        self.known = dict(inp.state.guests_by_cloudbed)

    # --- a stay --------------------------------------------------------------------------------

    def stay(self, stay: MirrorStay) -> None:
        inp = self.inp
        shares = room_shares(stay)
        links = [inp.links.get(r.sub_id) for r in stay.rooms]
        guest_id = next((lk.adf_guest_id for lk in links if lk and lk.adf_guest_id), None)
        if guest_id is None:
            guest_id = find_guest(stay, inp.state, self.known)
        gvals, gfall = guest_values(stay)
        guest = self._guest_diff(stay, links, guest_id, gvals, gfall)
        for index, (room, link) in enumerate(zip(stay.rooms, links, strict=True), start=1):
            share = shares.get(room.sub_id, (None, Decimal(0)))
            if link is not None and link.adf_booking_id is not None:
                action = self._follow(stay, room, link, share, guest)
            else:
                action = self._place(stay, room, index, link, share, guest_id, gvals, gfall)
            if action is not None:
                self.actions.append(action)
                if action.guest and action.guest_id is not None:
                    guest = {**guest, "changes": {}}  # the guest's changes ride on one action only

    def _guest_diff(
        self, stay: MirrorStay, links: list[Link | None], guest_id: int | None, gvals: dict, gfall: dict
    ) -> dict[str, Any]:
        """The guest's three-way comparison, once per stay: changes to write and the new snapshot."""
        fitted, adaptations = fit_guest(self.inp.desk, gvals, gfall, insert=False)
        current = self.inp.state.guests.get(guest_id) if guest_id is not None else None
        before = next((lk.synced.get("guest") for lk in links if lk and lk.synced.get("guest")), None)
        snapshot = _snapshot(fitted, GUEST_FIELDS)
        changes: dict[str, Any] = {}
        if current is not None and before is not None:
            snapshot = dict(before)
            for f in GUEST_FIELDS:
                if f not in fitted or canon(fitted[f]) == before.get(f):
                    continue  # Cloudbeds did not change it: the desk's value stands
                if not same_value(current.values.get(f), fitted[f]):
                    changes[f] = fitted[f]
                snapshot[f] = canon(fitted[f])
        return {"changes": changes, "snapshot": snapshot, "adaptations": adaptations, "id": guest_id}

    # --- a room without an ADF booking ---------------------------------------------------------

    def _place(
        self,
        stay: MirrorStay,
        room: MirrorRoom,
        index: int,
        link: Link | None,
        share: tuple,
        guest_id: int | None,
        gvals: dict,
        gfall: dict,
    ) -> Action | None:
        inp = self.inp
        rid, sub = stay.reservation_id, room.sub_id
        cancelled = status_key(stay.status) == "cancelled" or stay.is_deleted or room.is_deleted
        if cancelled or room.check_out < inp.today:
            state = "cancelled" if cancelled else "past"
            if link is not None and (link.problem or link.state != state):
                return Action(
                    "refresh", rid, sub, link={"state": state, "problem_kind": None, "problem": None}
                )
            return None
        values = booking_values(stay, room, inp.mappings, share)
        type_id = inp.mappings.room_types.get(room.room_type_id or "")
        room_id = values["room_id"]
        who = stay.guest_name or (stay.guest.name if stay.guest else "") or f"#{rid}"
        typed = find_typed_booking(
            stay,
            room,
            room_id=room_id,
            type_id=type_id,
            catalog=inp.catalog,
            candidates=inp.state.candidates,
            taken=self.taken,
        )
        if typed is not None:
            return self._link(stay, room, typed, values, gvals, gfall)
        problem = None
        if not room.room_id:
            problem = (
                "unassigned",
                f"assign a room in Cloudbeds to {who} ({_dates(room.check_in, room.check_out)})",
            )
        elif type_id is None:
            problem = (
                "unmapped",
                f"map Cloudbeds room type {room.room_type_id} to an ADF room type (Room mapping)",
            )
        elif room_id is None:
            problem = (
                "unmapped",
                f"map Cloudbeds room {room.room_name or room.room_id} to an ADF room (Room mapping)",
            )
        else:
            occ = occupant_of(self.occupants, room_id, room.check_in, room.check_out)
            if occ is not None:
                number = inp.catalog.room_number(room_id)
                text = (
                    f"room {number} holds {occ.code} on {_dates(occ.check_in, occ.check_out)}: {who} "
                    f"({_dates(room.check_in, room.check_out)}) waits; move one of them"
                )
                problem = ("conflict", text)
        if problem is not None:
            return self._warn(rid, sub, problem, room)
        code = booking_code(rid, index, self.code_length, self.codes)
        values["booking_code"] = code
        values["guest_id"] = guest_id or 0  # the writer gives the guest it finds or creates
        row, adaptations, refused = fit_booking(inp.desk, values, insert=True)
        if refused:
            return self._warn(rid, sub, ("refused", f"{code}: {refused}"), room)
        self.codes.add(code)
        gkey = (stay.guest.guest_id if stay.guest else None) or f"r{rid}"
        guest_row: dict[str, Any] = {}
        if guest_id is None:
            guest_row, gad = fit_guest(inp.desk, gvals, gfall, insert=True)
            adaptations = adaptations + gad
        else:
            _, gad = fit_guest(inp.desk, gvals, gfall, insert=False)
        notes = _name_notes(adaptations if guest_id is None else gad)
        self.occupants.append(Occupant(None, room_id, room.check_in, room.check_out, code))
        snapshot = {
            "booking": _snapshot(row, BOOKING_FIELDS),
            "guest": _snapshot(guest_row or gvals, GUEST_FIELDS),
        }
        if guest_id is not None:
            fitted_guest, _ = fit_guest(inp.desk, gvals, gfall, insert=False)
            snapshot["guest"] = _snapshot(fitted_guest, GUEST_FIELDS)
        number = inp.catalog.room_number(room_id)
        return Action(
            "create",
            rid,
            sub,
            booking=row,
            guest_id=guest_id,
            guest=guest_row,
            guest_key=gkey,
            link=self._link_values("created", "active", snapshot, room, notes, stay),
            summary=f"{code}: room {number}, {_dates(room.check_in, room.check_out)}, {who}",
            warnings=notes,
            adaptations=adaptations,
        )

    def _link(self, stay, room, typed: AdfBooking, values: dict, gvals: dict, gfall: dict) -> Action:
        """Rule 3: the desk's own booking becomes the room's; it is left as staff typed it."""
        self.taken.add(typed.id)
        row, _, _ = fit_booking(self.inp.desk, values, insert=False)
        fitted_guest, _ = fit_guest(self.inp.desk, gvals, gfall, insert=False)
        snapshot = {"booking": _snapshot(row, BOOKING_FIELDS), "guest": _snapshot(fitted_guest, GUEST_FIELDS)}
        link = self._link_values("linked", "active", snapshot, room, [], stay)
        link["adf_booking_id"] = typed.id
        link["adf_guest_id"] = typed.values.get("guest_id")
        return Action(
            "link",
            stay.reservation_id,
            room.sub_id,
            booking_id=typed.id,
            guest_id=typed.values.get("guest_id"),
            link=link,
            summary=f"{typed.code} typed at the desk for {typed.guest_name or 'the guest'}: linked",
        )

    def _warn(self, rid: str, sub: str, problem: tuple[str, str], room: MirrorRoom) -> Action:
        link = {"state": "open", "problem_kind": problem[0], "problem": problem[1]}
        link.update({"check_in": room.check_in, "check_out": room.check_out})
        return Action("warn", rid, sub, link=link, summary=problem[1], warnings=[problem[1]])

    @staticmethod
    def _link_values(
        how: str, state: str, snapshot: dict, room: MirrorRoom, notes: list[str], stay: MirrorStay
    ) -> dict[str, Any]:
        return {
            "how": how,
            "state": state,
            "synced": snapshot,
            "cloudbed_guest_id": stay.guest.guest_id if stay.guest else None,
            "check_in": room.check_in,
            "check_out": room.check_out,
            "problem_kind": "adapted" if notes else None,
            "problem": notes[0] if notes else None,
        }

    # --- a room with an ADF booking ------------------------------------------------------------

    def _follow(
        self, stay: MirrorStay, room: MirrorRoom, link: Link, share: tuple, guest: dict
    ) -> Action | None:
        inp, rid, sub = self.inp, stay.reservation_id, room.sub_id
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
            if same_value(booking.values.get(f), wanted[f]):
                snapshot[f] = canon(wanted[f])  # ADF already says so (our echo, or staff did the same)
            else:
                pending.append(f)
        changes: dict[str, Any] = {}
        problems: list[tuple[str, str]] = []
        kind = self._status(stay, booking, wanted, pending, changes, problems, before, snapshot)
        kind = self._move(booking, wanted, pending, changes, problems) or kind
        self._prices(stay, link, booking, wanted, pending, changes, problems)
        if refused:
            problems.append(("refused", f"{booking.code}: {refused}"))
            pending = [f for f in pending if wanted.get(f) is not None]
        for f in pending:
            changes[f] = wanted[f]
        for f in changes:
            snapshot[f] = canon(wanted[f])
        guest_changes = guest["changes"] if link.adf_guest_id == guest["id"] else {}
        notes = _name_notes(guest["adaptations"]) if guest_changes.get("guest_name") else []
        problem = problems[0] if problems else (("adapted", notes[0]) if notes else None)
        state = (
            "cancelled"
            if status_key(changes.get("status") or booking.values.get("status")) == "cancelled"
            else "active"
        )
        new_link = {
            "state": state,
            "synced": {"booking": snapshot, "guest": guest["snapshot"]},
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

    def _status(self, stay, booking, wanted, pending, changes, problems, before, snapshot) -> str | None:
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

    def _move(self, booking: AdfBooking, wanted, pending, changes, problems) -> str | None:
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
            occ = occupant_of(self.occupants, room_id, check_in, check_out, skip=booking.id)
            if occ is not None:
                number = self.inp.catalog.room_number(room_id)
                text = (
                    f"{booking.code} cannot move to room {number} on {_dates(check_in, check_out)}: it holds "
                    f"{occ.code} on {_dates(occ.check_in, occ.check_out)}; move one of them"
                )
                problems.append(("conflict", text))
                return None
        for f in fields:
            changes[f] = wanted[f]
        self.occupants = [o for o in self.occupants if o.booking_id != booking.id]
        self.occupants.append(Occupant(booking.id, room_id, check_in, check_out, booking.code))
        return "move" if "room_id" in fields else None

    def _prices(self, stay, link: Link, booking: AdfBooking, wanted, pending, changes, problems) -> None:
        fields = [f for f in _PRICE if f in pending]
        if not fields:
            return
        for f in fields:
            pending.remove(f)
        local, cloud = _money(booking.values.get("final_price")), _money(wanted.get("final_price"))
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


def project(stays: Iterable[MirrorStay], inp: Inputs) -> list[Action]:
    """The actions that bring the front desk in line with ``stays`` (the order of ``stays`` is kept)."""
    planner = _Planner(inp)
    for stay in stays:
        planner.stay(stay)
    return planner.actions
