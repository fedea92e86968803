"""New bookings typed at the front desk → postReservation (one reservation per group).

A booking is new to Cloudbeds when it was typed after push was switched on (rule 14), has no link,
is not cancelled, is not ours (a ``CB…`` code the pull wrote), and is not a stay Cloudbeds
already has: a booking from a channel (``ota``/``online`` source) arrives in Cloudbeds through the
channel, and a mirror stay with the same dates and a guest name sharing a word (rule 3) is linked
by the next pull instead. Bookings of one guest with the same dates are one group, sent as one
reservation with several rooms.

The booking code is the ``thirdPartyIdentifier``: a create whose answer was lost (a timeout after
Cloudbeds accepted it) is found again by it, never made twice. The start is today for a guest
already in the house (rule 18). The reservation arrives ``not_confirmed`` and is then given the
desk's status (rule 8: confirmed; checked in, checked out). The links are written at once
(``how = pushed``) with both baselines, so the next pull sees its own echo and nothing moves.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import date
from typing import Any

import sqlalchemy as sa

from pms.adf.match import canon
from pms.adf.model import AdfBooking, status_key
from pms.adf.pushdiff import BOOKING_PUSH_FIELDS, GUEST_PUSH_FIELDS, desk_snapshot, not_new, split_name
from pms.cloudbeds.methods_reservations import RoomRequest
from pms.db import schema
from pms.errors import CloudbedsError, PushRefusedError
from pms.sync.adfchanges import send_status
from pms.sync.adfpush import LINK, DeskPush, cloudbeds_failure, synced_of
from pms.sync.postcode import PostalCodes
from pms.sync.rules import names_match, push_start_date

__all__ = ["COUNTRIES", "country_code", "create_new_bookings"]

R = schema.reservasi
# ADF's nationality is free text (default "Indonesia"); Cloudbeds wants ISO 3166 two-letter codes.
COUNTRIES = {
    "indonesia": "ID",
    "indonesian": "ID",
    "wni": "ID",
    "malaysia": "MY",
    "singapore": "SG",
    "australia": "AU",
    "japan": "JP",
    "china": "CN",
    "korea": "KR",
    "south korea": "KR",
    "india": "IN",
    "thailand": "TH",
    "philippines": "PH",
    "vietnam": "VN",
    "netherlands": "NL",
    "germany": "DE",
    "france": "FR",
    "united kingdom": "GB",
    "uk": "GB",
    "united states": "US",
    "usa": "US",
    "america": "US",
}


def country_code(nationality: Any, fallback: str | None) -> str | None:
    text = " ".join(str(nationality or "").split()).casefold()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return COUNTRIES.get(text) or fallback


def _property_country(dp: DeskPush) -> str | None:
    props = schema.cloudbed_properties
    with dp.run.engine.connect() as conn:
        value = conn.execute(
            sa.select(props.c.country).where(props.c.property_id == dp.run.property_id)
        ).scalar()
    return country_code(value, None)


def _is_new(dp: DeskPush, x: AdfBooking) -> str | None:
    """Why the booking is not sent as new (None: it is)."""
    if dp.links.get(x.id):
        return "linked"
    ours = bool((dp.found.queued.get(x.id) or {}).get("form"))  # typed through our walk-in form
    return not_new(x.id, x.values, dp.run.settings.push_since, dp.found.floor_id, ours=ours)  # type: ignore[arg-type]


def _mirror_matches(dp: DeskPush, group: list[AdfBooking]) -> str | None:
    """Rule 3 the other way: the stay Cloudbeds already has (dates and a shared name word)."""
    first = group[0]
    with dp.run.engine.connect() as conn:
        rows = conn.execute(
            sa.select(R.c.cloudbed_reservation_id, R.c.guest_name, R.c.status).where(
                R.c.property_id == dp.run.property_id,
                R.c.check_in == first.check_in,
                R.c.check_out == first.check_out,
                R.c.is_deleted.is_(False),
                R.c.cloudbed_reservation_id.is_not(None),
            )
        ).all()
    for rid, name, status in rows:
        if status in ("canceled", "no_show"):
            continue
        if names_match([first.guest_name], [name]):
            return rid
    return None


def _groups(dp: DeskPush, bookings: list[AdfBooking]) -> list[list[AdfBooking]]:
    out: dict[tuple, list[AdfBooking]] = defaultdict(list)
    for x in sorted(bookings, key=lambda b: b.id):
        key = (x.values.get("guest_id") or f"b{x.id}", x.check_in, x.check_out)
        out[key].append(x)
    return list(out.values())


def create_new_bookings(dp: DeskPush) -> None:
    run = dp.run
    candidates = []
    for bid in sorted(
        dp.found.new_ids | {i for i, q in dp.found.queued.items() if q.get("kind") == "create"}
    ):
        x = dp.bookings.get(bid)
        if x is None or not dp.due(bid):
            continue
        why = _is_new(dp, x)
        if why is None:
            candidates.append(x)
        elif bid in dp.found.queued and why == "linked":
            dp.done(bid)
    if not candidates:
        return
    zips = PostalCodes(run)
    fallback_country = _property_country(dp)
    for group in _groups(dp, candidates):
        _create(dp, group, zips, fallback_country)


def _room_requests(dp: DeskPush, group: list[AdfBooking]) -> tuple[list[RoomRequest], str | None]:
    requests = []
    for x in group:
        type_id = dp.catalog.room_type_of(x.room_id)
        cloud_type = dp.type_to_cloud.get(type_id) if type_id is not None else None
        if cloud_type is None:
            name = dp.catalog.room_types.get(type_id, "?") if type_id is not None else "?"
            return [], f"ADF room type {name} is not mapped to a Cloudbeds room type: map it first"
        cloud_room = dp.room_to_cloud.get(x.room_id) if x.room_id is not None else None
        adults = max(1, int(x.values.get("adults") or 1))
        children = max(0, int(x.values.get("children") or 0))
        requests.append(RoomRequest(cloud_type, adults=adults, children=children, room_id=cloud_room))
    return requests, None


def _guest_fields(dp: DeskPush, group: list[AdfBooking], fallback: str | None) -> tuple[dict, str | None]:
    first = group[0]
    guest = dp.guests.get(first.values.get("guest_id")) or {}
    given, family = split_name(guest.get("guest_name") or first.guest_name)
    if not given:
        return {}, "the booking has no guest name"
    country = country_code(guest.get("nationality"), fallback)
    if country is None:
        return {}, f"the guest's nationality {guest.get('nationality')!r} is not a country Cloudbeds knows"
    email = (guest.get("email") or "").strip()
    if "@" not in email:  # Cloudbeds requires one; a reserved domain that never receives mail
        email = f"{re.sub(r'[^A-Za-z0-9]+', '-', first.code).strip('-').lower() or 'guest'}@guest.invalid"
    return {
        "guest_first_name": given,
        "guest_last_name": family,
        "guest_email": email,
        "guest_country": country,
        "guest_phone": guest.get("phone") or None,
        "guest_zip": None,
    }, None


def _create(dp: DeskPush, group: list[AdfBooking], zips: PostalCodes, fallback_country: str | None) -> None:
    run, guard = dp.run, dp.guard
    first = group[0]
    code = first.code
    codes = ", ".join(x.code for x in group)
    matched = _mirror_matches(dp, group)
    if matched:
        run.warn(
            "front_desk_push",
            code,
            f"{codes} matches Cloudbeds reservation {matched} (same dates and guest): not sent; "
            "the next sync links them",
        )
        return
    requests, refuse = _room_requests(dp, group)
    fields, why = _guest_fields(dp, group, fallback_country)
    refuse = refuse or why
    start, why = push_start_date(first.check_in, first.check_out, run.today)
    refuse = refuse or why
    summary = f"{codes}: {first.check_in}..{first.check_out} {first.guest_name or ''}".rstrip()
    if not run.apply:
        if refuse:
            run.warn("front_desk_push", code, f"would not be created in Cloudbeds: {refuse}")
        else:
            run.action("push_create", "front_desk", code, summary)
        return
    if refuse:
        guard.refuse(
            "postReservation", refuse, local_table="bookings", local_id=first.id, payload={"codes": codes}
        )
        run.warn("front_desk_push", code, f"not created in Cloudbeds: {refuse}")
        for x in group:
            dp.queue(x.id, "create", "refused", refuse)
        return
    fields["guest_zip"] = zips.for_guest(None, code)
    payload = {
        "startDate": start,
        "endDate": first.check_out,
        "rooms": [r.__dict__ for r in requests],
        "thirdPartyIdentifier": code,
    }
    created = None
    try:
        if any(x.id in dp.found.queued for x in group):  # an earlier attempt may have gone through
            found = run.client.find_reservation_by_third_party_id(code, check_in=start)
            if found is not None:
                created = run.client.get_reservation(found.reservation_id)
        created = created or guard.send(
            "postReservation",
            lambda: run.client.post_reservation(
                start_date=start,
                end_date=first.check_out,
                rooms=requests,
                third_party_identifier=code,
                payment_method="cash",
                **fields,
            ),
            local_table="bookings",
            local_id=first.id,
            changed_at=run.started_at,
            payload=payload,
        )
    except PushRefusedError as exc:
        run.warn("front_desk_push", code, str(exc))
        return
    except CloudbedsError as exc:
        for x in group:
            cloudbeds_failure(dp, x.id, "create", exc, "the new booking")
        return
    links = _write_links(dp, group, created, start)
    run.result.entity("push").created += 1
    run.action("push_create", "front_desk", created.reservation_id, f"from {codes}")
    for x in group:
        dp.done(x.id)
    _confirm(dp, group, created, links)


def _match_rooms(dp: DeskPush, group: list[AdfBooking], created) -> dict[int, Any]:
    rooms = list(getattr(created, "rooms", ()) or ())
    out: dict[int, Any] = {}
    for x in group:  # a booking with a mapped room gets the Cloudbeds room assigned to it
        cloud_room = dp.room_to_cloud.get(x.room_id) if x.room_id is not None else None
        hit = next((r for r in rooms if cloud_room and r.room_id == cloud_room), None)
        if hit is not None:
            out[x.id] = hit
            rooms.remove(hit)
    for x in group:
        if x.id in out:
            continue
        type_id = dp.type_to_cloud.get(dp.catalog.room_type_of(x.room_id))
        hit = next((r for r in rooms if r.room_type_id == type_id), rooms[0] if rooms else None)
        if hit is not None:
            out[x.id] = hit
            rooms.remove(hit)
    return out


def _write_links(dp: DeskPush, group: list[AdfBooking], created, start: date) -> dict[int, dict]:
    """The links of a reservation we created: ``how = pushed`` and both baselines."""
    run = dp.run
    matched = _match_rooms(dp, group, created)
    written: dict[int, dict] = {}
    rows = []
    for x in group:
        room = matched.get(x.id)
        if room is None or not room.sub_reservation_id:
            continue
        guest = dp.guests.get(x.values.get("guest_id")) or {}
        desk = desk_snapshot(x.values, BOOKING_PUSH_FIELDS)
        desk["status"] = "pending"  # what Cloudbeds holds until the status is sent below
        cloud = dict(desk)
        cloud["check_in_date"] = canon(start)  # rule 18: Cloudbeds starts an in-house stay today
        synced = {
            "booking": cloud,
            "guest": {},
            "desk": desk,
            "desk_guest": desk_snapshot(guest, GUEST_PUSH_FIELDS),
            "cloud": {"room_type_id": room.room_type_id, "room_id": room.room_id},
        }
        rows.append(
            {
                "property_id": run.property_id,
                "cloudbed_reservation_id": created.reservation_id,
                "cloudbed_sub_reservation_id": room.sub_reservation_id,
                "adf_booking_id": x.id,
                "adf_guest_id": x.values.get("guest_id"),
                "cloudbed_guest_id": created.guest_id,
                "how": "pushed",
                "state": "active",
                "check_in": start,
                "check_out": x.check_out,
                "synced": synced,
            }
        )
    with run.engine.begin() as conn:
        for item in rows:
            row = {**item, "synced": json.dumps(item["synced"], sort_keys=True, default=str)}
            done = conn.execute(
                sa.update(LINK)
                .where(
                    LINK.c.property_id == run.property_id,
                    LINK.c.cloudbed_sub_reservation_id == row["cloudbed_sub_reservation_id"],
                )
                .values(**row)
            ).rowcount
            if not done:
                conn.execute(sa.insert(LINK).values(**row))
        ids = dict(
            conn.execute(
                sa.select(LINK.c.adf_booking_id, LINK.c.id).where(
                    LINK.c.property_id == run.property_id,
                    LINK.c.cloudbed_reservation_id == created.reservation_id,
                )
            ).all()
        )
    for row in rows:
        link = {**row, "id": ids.get(row["adf_booking_id"])}
        link["synced"] = json.dumps(row["synced"], sort_keys=True, default=str)
        dp.links[row["adf_booking_id"]] = [link]
        written[row["adf_booking_id"]] = link
    return written


def _confirm(dp: DeskPush, group: list[AdfBooking], created, links: dict[int, dict]) -> None:
    """Rule 8: the reservation arrives not_confirmed; it gets the desk's status (all rooms alike)."""
    first = group[0]
    link = links.get(first.id)
    if link is None:
        return
    target = status_key(first.values.get("status")) or "pending"
    if target == "pending":
        return
    send_status(dp, first, link, synced_of(link), target, cloud_status=created.status or "not_confirmed")
