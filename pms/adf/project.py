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
    ADF_STATUS,
    BOOKING_FIELDS,
    GUEST_FIELDS,
    booking_code,
    booking_values,
    fit_booking,
    fit_guest,
    guest_values,
    room_shares,
)
from pms.adf.follow import dates_text, follow, name_notes, take_snapshot
from pms.adf.introspect import FrontDesk
from pms.adf.match import Occupancy, canon, find_guest, find_typed_booking, same_value
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

__all__ = ["Inputs", "Planner", "project"]


@dataclass(frozen=True)
class Inputs:
    """Everything the projector reads besides the stays."""

    desk: FrontDesk
    catalog: Catalog
    mappings: Mappings
    links: Mapping[str, Link]
    state: DeskState
    today: date


class Planner:
    def __init__(self, inp: Inputs) -> None:
        self.inp = inp
        self.actions: list[Action] = []
        self.occupants = Occupancy(inp.state.occupants)
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
        guest = self._guest_diff(stay, links, guest_id)
        for index, (room, link) in enumerate(zip(stay.rooms, links, strict=True), start=1):
            share = shares.get(room.sub_id, (None, Decimal(0)))
            if link is not None and link.adf_booking_id is not None:
                action = follow(self, stay, room, link, share, guest)
            else:
                action = self._place(stay, room, index, link, share, guest)
            if action is not None:
                if (
                    action.kind in ("create", "update", "move")
                    and (stay.status or "").lower() not in ADF_STATUS
                ):
                    # Rule 5: a status Cloudbeds adds one day is written in a word ADF knows, and said.
                    action.warnings.append(
                        f"Cloudbeds status {stay.status!r} is not one ADF knows: shown as confirmed"
                    )
                self.actions.append(action)
                if action.guest and action.guest_id is not None:
                    guest = {**guest, "changes": {}}  # the guest's changes ride on one action only

    def _guest_diff(self, stay: MirrorStay, links: list[Link | None], guest_id: int | None) -> dict[str, Any]:
        """The guest once per stay: the ADF guest (None: to create), the three-way comparison's
        changes, the new snapshot, and the values as ADF's columns take them."""
        gvals, gfall = guest_values(stay)
        fitted, adaptations = fit_guest(self.inp.desk, gvals, gfall, insert=False)
        current = self.inp.state.guests.get(guest_id) if guest_id is not None else None
        before = next((lk.synced.get("guest") for lk in links if lk and lk.synced.get("guest")), None)
        snapshot = take_snapshot(fitted, GUEST_FIELDS)
        changes: dict[str, Any] = {}
        if current is not None and before is not None:
            snapshot = dict(before)
            for f in GUEST_FIELDS:
                if f not in fitted or canon(fitted[f]) == before.get(f):
                    continue  # Cloudbeds did not change it: the desk's value stands
                if not same_value(current.values.get(f), fitted[f]):
                    changes[f] = fitted[f]
                snapshot[f] = canon(fitted[f])
        return {
            "id": guest_id,
            "changes": changes,
            "snapshot": snapshot,
            "adaptations": adaptations,
            "values": gvals,
            "fallbacks": gfall,
            "fitted": fitted,
        }

    # --- a room without an ADF booking ---------------------------------------------------------

    def _place(
        self,
        stay: MirrorStay,
        room: MirrorRoom,
        index: int,
        link: Link | None,
        share: tuple,
        guest: dict[str, Any],
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
            return self._link(stay, room, typed, values, guest)
        problem = None
        if not room.room_id:
            problem = (
                "unassigned",
                f"assign a room in Cloudbeds to {who} ({dates_text(room.check_in, room.check_out)})",
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
            occ = self.occupants.holder(room_id, room.check_in, room.check_out)
            if occ is not None:
                number = inp.catalog.room_number(room_id)
                text = (
                    f"room {number} holds {occ.code} on {dates_text(occ.check_in, occ.check_out)}: {who} "
                    f"({dates_text(room.check_in, room.check_out)}) waits; move one of them"
                )
                problem = ("conflict", text)
        if problem is not None:
            return self._warn(rid, sub, problem, room)
        code = booking_code(rid, index, self.code_length, self.codes)
        values["booking_code"] = code
        guest_id = guest["id"]
        values["guest_id"] = guest_id or 0  # the writer gives the guest it finds or creates
        row, adaptations, refused = fit_booking(inp.desk, values, insert=True)
        if refused:
            return self._warn(rid, sub, ("refused", f"{code}: {refused}"), room)
        self.codes.add(code)
        gkey = (stay.guest.guest_id if stay.guest else None) or f"r{rid}"
        guest_row: dict[str, Any] = {}
        if guest_id is None:  # a new guest: written with what ADF requires (id_card_number …)
            guest_row, gad = fit_guest(inp.desk, guest["values"], guest["fallbacks"], insert=True)
            adaptations = adaptations + gad
        notes = name_notes(adaptations)
        self.occupants.add(Occupant(None, room_id, room.check_in, room.check_out, code))
        snapshot = {
            "booking": take_snapshot(row, BOOKING_FIELDS),
            "guest": take_snapshot(guest_row or guest["fitted"], GUEST_FIELDS),
        }
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
            summary=f"{code}: room {number}, {dates_text(room.check_in, room.check_out)}, {who}",
            warnings=notes,
            adaptations=adaptations,
        )

    def _link(self, stay, room, typed: AdfBooking, values: dict, guest: dict[str, Any]) -> Action:
        """Rule 3: the desk's own booking becomes the room's; it is left as staff typed it."""
        self.taken.add(typed.id)
        row, _, _ = fit_booking(self.inp.desk, values, insert=False)
        snapshot = {
            "booking": take_snapshot(row, BOOKING_FIELDS),
            "guest": take_snapshot(guest["fitted"], GUEST_FIELDS),
        }
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


def project(stays: Iterable[MirrorStay], inp: Inputs) -> list[Action]:
    """The actions that bring the front desk in line with ``stays`` (the order of ``stays`` is kept)."""
    planner = Planner(inp)
    for stay in stays:
        planner.stay(stay)
    return planner.actions
