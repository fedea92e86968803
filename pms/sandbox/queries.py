"""List filters for reservations and guests, with their results cached per store version.

A filter is turned into a hashable key plus a predicate; the matching ids (already sorted) are
cached in the store under that key until the next mutation. Page N of a pull is then a slice, so a
100,000-reservation pull costs one scan for page 1 and almost nothing for the 999 pages after it.

Time zone (API.md §10.4 leaves it open, so it is the ``modified_filter_tz`` reading):
``modifiedFrom/To`` and ``resultsFrom/To`` are read as property-local time (``property``, like the
plain ``dateCreated``/``dateModified`` values they filter) or as UTC (``utc``), and compared with
the stored UTC instants. A bare date as an upper bound means the end of that day. See
docs/sandbox.md.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from pms.sandbox.forms import ParamError, Params
from pms.sandbox.models import RESERVATION_STATUSES, Guest, Reservation
from pms.sandbox.store import Store

__all__ = ["PropertyMismatch", "guest_ids", "property_mismatch", "reservation_ids"]

ResPredicate = Callable[[Reservation], bool]
GUEST_LIST_STATUSES = frozenset(RESERVATION_STATUSES) | {"in_progress"}


class PropertyMismatch(Exception):
    """None of the requested property ids is the credential's property (HTTP 200, success:false)."""

    message = "None of the included property id's match the access_token user's property id"


def property_mismatch(store: Store, params: Params, *names: str) -> None:
    """Raise ``PropertyMismatch`` when a ``propertyID``/``propertyIDs`` filter excludes our property."""
    for name in names:
        wanted = params.id_list(name)
        if wanted is not None and store.property.property_id not in wanted:
            raise PropertyMismatch()


def _statuses(params: Params, name: str, allowed: frozenset[str]) -> frozenset[str] | None:
    values = params.id_list(name)
    if values is None:
        return None
    bad = [v for v in values if v not in allowed]
    if bad:
        raise ParamError(f"Parameter {name} must be one of {', '.join(sorted(allowed))}, got {bad[0]!r}")
    return frozenset(values)


def _window(
    store: Store, params: Params, lo: str, hi: str, zone: str = "property"
) -> tuple[datetime | None, datetime | None]:
    """A datetime window as UTC instants; ``zone`` says how the wall-clock values are read."""
    start = params.datetime(lo)
    end = params.datetime(hi, end_of_day=True)
    to_utc = store.clock.local_to_utc if zone == "property" else store.clock.naive_utc
    return (to_utc(start) if start else None), (to_utc(end) if end else None)


def _date_window(params: Params, lo: str, hi: str) -> tuple[date | None, date | None]:
    return params.date(lo), params.date(hi)


def _between(value, lo, hi) -> bool:
    return (lo is None or value >= lo) and (hi is None or value <= hi)


def reservation_ids(store: Store, params: Params, mode: str, zone: str = "property") -> list[str]:
    """Ids matching a getReservations (``mode="list"``) or getReservationsWithRateDetails
    (``mode="rates"``) query, in the order Cloudbeds would page them. ``zone`` is the
    ``modified_filter_tz`` reading."""
    preds: list[ResPredicate] = []
    key: list = [mode, zone]

    def add(name: str, value, pred: ResPredicate) -> None:
        if value is None or value == (None, None):
            return
        key.append((name, value))
        preds.append(pred)

    created = _window(store, params, "resultsFrom", "resultsTo", zone)
    add("created", created, lambda r, w=created: _between(r.created, *w))
    modified = _window(store, params, "modifiedFrom", "modifiedTo", zone)
    add("modified", modified, lambda r, w=modified: _between(r.modified, *w))
    guest = params.str("guestID")
    add("guest", guest, lambda r, g=guest: g in r.guest_ids)

    include_deleted = mode == "rates" and params.bool("includeDeleted")
    key.append(("deleted", include_deleted))
    if not include_deleted:
        preds.append(lambda r: not r.is_deleted)

    if mode == "list":
        _list_filters(store, params, add)
    else:
        ids = params.id_list("reservationID")
        add("ids", frozenset(ids) if ids else None, lambda r, s=frozenset(ids or ()): r.reservation_id in s)
        excluded = _statuses(params, "excludeStatuses", frozenset(RESERVATION_STATUSES))
        add("exclude", excluded, lambda r, s=excluded: r.status not in s)
        checkout = _date_window(params, "reservationCheckOutFrom", "reservationCheckOutTo")
        add("checkout", checkout, lambda r, w=checkout: _between(r.end, *w))

    recent = params.bool("sortByRecent")
    key.append(("recent", recent))

    def compute() -> list[str]:
        rows = store.reservations.values()
        if len(preds) == 1:
            only = preds[0]
            matched = [r for r in rows if only(r)]
        else:
            matched = [r for r in rows if all(p(r) for p in preds)]
        if recent:
            matched.sort(key=lambda r: (r.modified, r.reservation_id), reverse=True)
        # Otherwise creation order, which is the dict's insertion order.
        return [r.reservation_id for r in matched]

    return store.cached(tuple(key), compute)


def _list_filters(store: Store, params: Params, add) -> None:
    """getReservations' own filters (stay windows, rooms, source, names)."""
    status = _statuses(params, "status", frozenset(RESERVATION_STATUSES))
    add("status", status, lambda r, s=status: r.status in s)
    by_rooms = params.enum("datesQueryMode", ("booking", "rooms"), "booking") == "rooms"
    check_in = _date_window(params, "checkInFrom", "checkInTo")
    check_out = _date_window(params, "checkOutFrom", "checkOutTo")
    if by_rooms:
        add("in_rooms", check_in, lambda r, w=check_in: any(_between(x.check_in, *w) for x in r.rooms))
        add("out_rooms", check_out, lambda r, w=check_out: any(_between(x.check_out, *w) for x in r.rooms))
    else:
        add("in", check_in, lambda r, w=check_in: _between(r.start, *w))
        add("out", check_out, lambda r, w=check_out: _between(r.end, *w))
    has_window = check_in != (None, None) or check_out != (None, None) or status is not None
    room_types = params.id_list("roomTypeID")
    add(
        "rt",
        frozenset(room_types) if room_types else None,
        lambda r, s=frozenset(room_types or ()): any(x.room_type_id in s for x in r.rooms),
    )
    room_id = params.str("roomID")
    room_name = params.str("roomName")
    if (room_id or room_name) and not has_window:
        raise ParamError("Parameters roomID and roomName need a date range or a status")
    add("room", room_id, lambda r, v=room_id: any(x.room_id == v for x in r.rooms))
    if room_name:
        wanted = {rid for rid, room in store.rooms.items() if room.name.casefold() == room_name.casefold()}
        add("room_name", room_name, lambda r, s=wanted: any(x.room_id in s for x in r.rooms))
    sources = params.id_list("sourceId")
    add(
        "source",
        frozenset(sources) if sources else None,
        lambda r, s=frozenset(sources or ()): r.source_id in s,
    )
    # The documented filter; an undocumented ``thirdPartyIdentifier`` is ignored, as a lenient
    # server would (so a client that relies on it gets every reservation back, and notices).
    ref = params.str("sourceReservationId")
    add("sourceReservationId", ref, lambda r, v=ref: r.third_party_id == v)
    rate = params.str("ratePlanId")
    add("rate", rate, lambda r, v=rate: any(x.rate_id == v for x in r.rooms))
    guests = store.guests
    for name, attr in (("firstName", "first_name"), ("lastName", "last_name")):
        text = params.str(name)
        if text:
            folded = text.casefold()
            add(name, folded, lambda r, v=folded, a=attr: v in getattr(guests[r.guest_ids[0]], a).casefold())
    for name in ("allotmentBlockCode", "groupCode"):  # the demo property has no blocks or groups
        code = params.str(name)
        add(name, code, lambda r: False)


def guest_ids(store: Store, params: Params, mode: str, zone: str = "property") -> list[str]:
    """Guest ids for getGuestList (``mode="list"``) or getGuestsModified (``mode="modified"``);
    ``zone`` is the ``modified_filter_tz`` reading."""
    preds: list[Callable[[Guest, Reservation], bool]] = []
    key: list = [f"guests:{mode}", zone]

    def add(name: str, value, pred) -> None:
        if value is None or value == (None, None):
            return
        key.append((name, value))
        preds.append(pred)

    window = _window(store, params, "resultsFrom", "resultsTo", zone)
    if (
        mode == "modified"
        and window == (None, None)
        and not any(n in params for n in ("checkInFrom", "checkInTo", "checkOutFrom", "checkOutTo"))
    ):
        # "With no date range, only today's changes come back."
        today = store.clock.today()
        window = (store.clock.local_to_utc(datetime(today.year, today.month, today.day)), None)
    add("modified", window, lambda g, r, w=window: _between(g.modified, *w))
    check_in = _date_window(params, "checkInFrom", "checkInTo")
    add("in", check_in, lambda g, r, w=check_in: _between(r.start, *w))
    check_out = _date_window(params, "checkOutFrom", "checkOutTo")
    add("out", check_out, lambda g, r, w=check_out: _between(r.end, *w))
    if mode == "list":
        status = _statuses(params, "status", GUEST_LIST_STATUSES)
        add("status", status, lambda g, r, s=status: r.status in s)
        for name, attr in (
            ("guestFirstName", "first_name"),
            ("guestLastName", "last_name"),
            ("guestEmail", "email"),
            ("guestPhone", "phone"),
            ("guestCellPhone", "cell_phone"),
        ):
            text = params.str(name)
            if text:
                folded = text.casefold()
                add(name, folded, lambda g, r, v=folded, a=attr: v in getattr(g, a).casefold())
        if params.bool("excludeSecondaryGuests"):
            add("main", True, lambda g, r: g.is_main)
        order = params.enum("sortBy", ("creation", "modification"), "modification")
    else:
        if params.bool("inHouse"):
            add("in_house", True, lambda g, r: r.status == "checked_in")
        order = "modification"
    key.append(("order", order))

    def compute() -> list[str]:
        reservations = store.reservations
        matched = []
        for guest in store.guests.values():
            res = reservations.get(guest.reservation_id)
            if res is None or res.is_deleted:
                continue
            if all(p(guest, res) for p in preds):
                matched.append(guest)
        if order == "modification":
            matched.sort(key=lambda g: (g.modified, g.guest_id))
        return [g.guest_id for g in matched]

    return store.cached(tuple(key), compute)
