"""Deterministic demo data: the same seed and the same ``today`` give byte-identical data.

Reservations spread over about 18 months of past stays, the guests in house today and six months of
future bookings, with every status, multi-room groups, OTA and direct sources and guests from the
hotel's real source markets. Stays from tonight on respect inventory (a room is never sold twice;
bookings that do not fit become history instead); past stays beyond capacity are allowed, because
a benchmark asking for 100,000 reservations would otherwise need decades of history, and nobody
queries availability in the past.

Seeded timestamps all lie before the property's local midnight of ``today``, so two sandboxes started
on the same day at different hours hold the same data; ids grow with creation time, as in Cloudbeds.
"""

from __future__ import annotations

import bisect
import functools
import gc
import itertools
import random
import unicodedata
from datetime import date, datetime, timedelta

from pms.sandbox import catalog
from pms.sandbox.models import OCCUPYING, Guest, Reservation, ReservationRoom
from pms.sandbox.names import ADDONS, EMAIL_DOMAINS, MARKETS
from pms.sandbox.store import Store

__all__ = ["FUTURE_DAYS", "PAST_DAYS", "property_id_for_seed", "seed_store"]

PAST_DAYS = 540
FUTURE_DAYS = 180

# source id -> weight
_SOURCE_WEIGHTS = {
    "ss-101-1": 14,
    "ss-101-0": 8,
    "ss-102-1": 6,
    "ss-102-0": 10,
    "ss-103-0": 14,
    "ss-103-1": 4,
    "ss-104-0": 6,
    "ss-104-1": 2,
    "s-1": 14,
    "s-2": 10,
    "s-3": 12,
}
_NIGHTS = (1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6, 7, 10, 14)
_ROOM_TYPE_WEIGHTS = (22, 30, 18, 12, 10, 8)


def property_id_for_seed(seed: int) -> str:
    return str(254_000 + seed % 1000)


@functools.cache
def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


class _FastRandom(random.Random):
    """``random.Random`` with a cheaper ``randint``.

    Seeding 100,000 reservations calls it millions of times.
    """

    def randint(self, a: int, b: int) -> int:  # same distribution, without randrange's checks
        return a + int(self.random() * (b - a + 1))

    def pick(self, population: list, cum_weights: list[int]):
        """One weighted choice (``choices(...)[0]`` without its per-call set-up)."""
        return population[bisect.bisect(cum_weights, self.random() * cum_weights[-1])]


class _Seeder:
    def __init__(self, store: Store, rng: _FastRandom, today: date) -> None:
        self.store = store
        self.rng = rng
        self.today = today
        self.tz = store.clock.tz
        # Everything seeded happened before local midnight today (see module docstring).
        self.anchor = store.clock.local_midnight_utc(today)
        self.rt_ids = list(store.room_types)
        self.source_ids = list(_SOURCE_WEIGHTS)
        self.source_w = list(itertools.accumulate(_SOURCE_WEIGHTS.values()))
        self.rt_w = list(itertools.accumulate(_ROOM_TYPE_WEIGHTS))
        self.markets = list(MARKETS)
        self.market_w = list(itertools.accumulate(MARKETS[m][0] for m in self.markets))
        self.base_rate = {rt: store.base_rate_id(rt) for rt in self.rt_ids}
        self.derived_rate = {p.room_type_id: p.rate_id for p in store.rate_plans.values() if p.is_derived}
        self.used_nights: dict[str, set[date]] = {r: set() for r in store.rooms}
        self.price_cache: dict[tuple[str, date], int] = {}
        self.guest_seq = 0

    def price(self, rate_id: str, night: date) -> int:
        key = (rate_id, night)
        value = self.price_cache.get(key)
        if value is None:
            value = self.price_cache[key] = self.store.price(rate_id, night)
        return value

    def moment(self, day: date, hour_from: int = 7, hour_to: int = 22) -> datetime:
        """A random local time on ``day``, as UTC, never after the anchor."""
        rng = self.rng
        local = datetime(
            day.year,
            day.month,
            day.day,
            rng.randint(hour_from, hour_to - 1),
            rng.randint(0, 59),
            rng.randint(0, 59),
            tzinfo=self.tz,
        )
        moment = local.astimezone(self.anchor.tzinfo)
        if moment >= self.anchor:
            moment = self.anchor - timedelta(seconds=rng.randint(60, 6 * 3600))
        return moment

    # --- stays ----------------------------------------------------------------------------------

    def stay(self, segment: str) -> tuple[date, int]:
        rng, today = self.rng, self.today
        nights = rng.choice(_NIGHTS)
        if segment == "past":
            check_in = today - timedelta(days=nights + rng.randint(0, PAST_DAYS))
        elif segment == "house":
            check_in = today - timedelta(days=rng.randint(0, nights - 1))
        else:
            check_in = today + timedelta(days=1 + int(FUTURE_DAYS * rng.random() ** 1.6))
        return check_in, nights

    def pick_room(self, rt_id: str, check_in: date, nights: int, strict: bool) -> str | None:
        """A free room of the type; in the past (not strict) any room when all are taken."""
        span = [check_in + timedelta(days=i) for i in range(nights)]
        candidates = self.store.room_types[rt_id].room_ids
        start = int(self.rng.random() * len(candidates))
        for k in range(len(candidates)):
            room_id = candidates[(start + k) % len(candidates)]
            used = self.used_nights[room_id]
            if used.isdisjoint(span):
                used.update(span)
                return room_id
        if strict:
            return None
        return candidates[start]

    def status(self, segment: str, check_in: date) -> str:
        r = self.rng.random()
        if segment == "past":
            return "checked_out" if r < 0.82 else ("canceled" if r < 0.95 else "no_show")
        if segment == "house":
            if check_in == self.today:
                return "confirmed" if r < 0.5 else ("checked_in" if r < 0.92 else "canceled")
            return "checked_in" if r < 0.9 else "canceled"
        return "confirmed" if r < 0.75 else ("not_confirmed" if r < 0.83 else "canceled")

    def rooms_for(
        self, segment: str, status: str, check_in: date, nights: int
    ) -> list[ReservationRoom] | None:
        rng = self.rng
        count = 1 if rng.random() < 0.88 else (2 if rng.random() < 0.65 else rng.randint(3, 4))
        rt_id = rng.pick(self.rt_ids, self.rt_w)
        occupying = status in OCCUPYING
        rooms = []
        for _ in range(count):
            rt = self.store.room_types[rt_id]
            room_id = None
            if occupying:
                # Tonight and the future never oversell; the past may (see the module docstring).
                room_id = self.pick_room(rt_id, check_in, nights, strict=segment != "past")
                if room_id is None:
                    for other in self.rt_ids:  # sold out: try any other type before giving up
                        room_id = self.pick_room(other, check_in, nights, strict=True)
                        if room_id:
                            rt = self.store.room_types[other]
                            break
                    if room_id is None:
                        return None
                # Rooms for stays far ahead are often not assigned yet.
                if segment == "future" and (check_in - self.today).days > 21 and rng.random() < 0.5:
                    room_id = None
            rate_id = (
                self.derived_rate[rt.room_type_id] if rng.random() < 0.2 else self.base_rate[rt.room_type_id]
            )
            adults = rng.randint(1, min(2, rt.max_guests)) if rt.max_guests < 4 else rng.randint(2, 3)
            children = rng.randint(0, rt.max_guests - adults) if rt.children_included else 0
            rates = [self.price(rate_id, check_in + timedelta(days=i)) for i in range(nights)]
            rooms.append(
                ReservationRoom(
                    "",
                    "",
                    rt.room_type_id,
                    rate_id,
                    check_in,
                    check_in + timedelta(days=nights),
                    adults,
                    children,
                    rates,
                    room_id,
                )
            )
        return rooms

    # --- guests ---------------------------------------------------------------------------------

    def guest(self, created: datetime, main: bool) -> Guest:
        rng = self.rng
        country = rng.pick(self.markets, self.market_w)
        _, prefix, (males, females), lasts, cities = MARKETS[country]
        gender = "M" if rng.random() < 0.5 else "F"
        first = rng.choice(males if gender == "M" else females)
        # Many Indonesians have one name; Cloudbeds then holds it as first and last name.
        last = first if country == "ID" and rng.random() < 0.12 else rng.choice(lasts)
        self.guest_seq += 1
        handle = (_ascii(first) + "." + _ascii(last)).strip(".")
        if len(handle) < 4:
            handle = f"guest{self.guest_seq}"
        email = f"{handle}{rng.randint(1, 999)}@{rng.choice(EMAIL_DOMAINS)}"
        phone = f"{prefix} {rng.randint(100, 999)} {rng.randint(1000, 9999)} {rng.randint(100, 9999)}"
        birth = (
            date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
            if rng.random() < 0.7
            else None
        )
        doc_type = "dni" if country == "ID" else "passport"
        doc_number = (
            str(rng.randint(10**15, 10**16 - 1))
            if country == "ID"
            else f"{country}{rng.randint(10**6, 10**7 - 1)}"
        )
        issued = (
            date(rng.randint(2016, 2023), rng.randint(1, 12), rng.randint(1, 28))
            if rng.random() < 0.5
            else None
        )
        return Guest(
            guest_id="",
            reservation_id="",
            first_name=first,
            last_name=last,
            gender=gender,
            email=email,
            phone=phone,
            cell_phone=phone if rng.random() < 0.6 else "",
            country=country,
            address1=f"Jl. Melati No. {rng.randint(1, 200)}" if country == "ID" else "",
            address2="",
            city=rng.choice(cities),
            state="",
            zip=str(rng.randint(10000, 99999)) if country == "ID" else "",
            birth_date=birth,
            document_type=doc_type,
            document_number=doc_number,
            document_issue_date=issued,
            document_issuing_country=country,
            document_expiration_date=issued.replace(year=issued.year + 10) if issued else None,
            created=created,
            modified=created,
            is_main=main,
            opt_in=rng.random() < 0.3,
        )

    # --- reservations ---------------------------------------------------------------------------

    def reservation(self) -> Reservation:
        rng = self.rng
        r = rng.random()
        segment = "past" if r < 0.62 else ("house" if r < 0.68 else "future")
        for _ in range(4):
            check_in, nights = self.stay(segment)
            status = self.status(segment, check_in)
            rooms = self.rooms_for(segment, status, check_in, nights)
            if rooms is not None:
                break
            segment = "past"  # the future is sold out: this booking becomes history instead
        else:  # pragma: no cover - the past always has room
            raise RuntimeError("could not place a seeded reservation")
        check_in = rooms[0].check_in
        source_id = rng.pick(self.source_ids, self.source_w)
        # Bookings for future stays were made before today; walk-ins book on the day.
        lead = 0 if source_id == "s-2" else min(int(rng.expovariate(1 / 25.0)), 180)
        lead += max(0, (check_in - self.today).days)
        created = self.moment(check_in - timedelta(days=lead))
        res = Reservation("", status, source_id, created, created, rooms, [])
        res.start, res.end = check_in, rooms[0].check_out
        self.store.recompute(res)
        source = self.store.sources[source_id]
        if source.is_third_party:
            res.third_party_id = str(rng.randint(10**8, 10**10 - 1))
        if rng.random() < 0.15:
            _, per_night = rng.choice(ADDONS)
            res.additional_items = per_night * (res.end - res.start).days
        grand = res.grand_total
        if status == "canceled":
            res.cancelled = self.moment(
                min(check_in, self.today) - timedelta(days=rng.randint(0, max(0, lead)))
            )
            if res.cancelled < created:
                res.cancelled = created + timedelta(minutes=rng.randint(5, 600))
            res.modified = res.cancelled
            res.paid = 0
        elif status == "checked_out":
            res.paid = grand
            res.modified = self.moment(res.end, 10, 13)
        elif status == "no_show":
            res.paid = grand if source.payment_collect == "channel" else 0
            res.modified = self.moment(check_in + timedelta(days=1), 6, 9)
        else:
            if source.payment_collect == "channel":
                res.paid = grand
            elif status == "checked_in":
                res.paid = grand if rng.random() < 0.6 else grand // 2
            else:
                res.paid = grand // 2 if rng.random() < 0.3 else 0
            res.modified = self.moment(check_in if status == "checked_in" else created.date())
            if status == "checked_in":
                res.estimated_arrival = f"{rng.randint(12, 21):02d}:{rng.choice((0, 15, 30, 45)):02d}"
        if res.modified < created:
            res.modified = created
        res.payment_method = "credit" if source.is_third_party else rng.choice(("cash", "credit", "ebanking"))
        return res


def seed_store(store: Store, reservations: int, today: date, rooms: int | None = None) -> None:
    """Fill ``store`` with the demo property and ``reservations`` reservations around ``today``.

    ``rooms`` above the catalogue's 33 gives the property more rooms (``catalog.build_room_types``).
    """
    seed = store.seed
    rng = _FastRandom(seed)
    prop_id = property_id_for_seed(seed)
    store.property = catalog.build_property(prop_id)
    store.room_types, store.rooms = catalog.build_room_types(prop_id, rooms)
    store.sources = catalog.build_sources()
    store.rate_plans = catalog.build_rate_plans(store.room_types)
    seeder = _Seeder(store, rng, today)
    # The cyclic GC would rescan the growing heap again and again while 100,000 reservations are
    # built (a third of the seeding time); nothing built here forms cycles, so pause it meanwhile.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        _build(store, seeder, rng, reservations)
    finally:
        if gc_was_enabled:
            gc.enable()
    store.touch()


def _build(store: Store, seeder: _Seeder, rng: _FastRandom, reservations: int) -> None:
    made = [seeder.reservation() for _ in range(reservations)]
    made.sort(key=lambda r: r.created)  # ids grow with creation time, as in Cloudbeds
    res_id = store.next_reservation_id
    guest_id = store.next_guest_id
    row_id = store.next_room_row_id
    for res in made:
        res_id += rng.randint(3, 41)
        res.reservation_id = str(res_id)
        guests = [seeder.guest(res.created, True)]
        if res.adults() > 1 and rng.random() < 0.2:
            guests.append(seeder.guest(res.created, False))
        for g in guests:
            guest_id += rng.randint(1, 9)
            g.guest_id = str(guest_id)
            g.reservation_id = res.reservation_id
            # Check-in and check-out touch the guest record too.
            if res.status in ("checked_in", "checked_out"):
                g.modified = res.modified
            store.guests[g.guest_id] = g
        res.guest_ids = [g.guest_id for g in guests]
        for k, room in enumerate(res.rooms, start=1):
            room.sub_reservation_id = f"{res.reservation_id}-{k}"
            row_id += 1
            room.reservation_room_id = str(row_id)
            room.guest_id = guests[min(k, len(guests)) - 1].guest_id
        store.reservations[res.reservation_id] = res
    store.next_reservation_id, store.next_guest_id, store.next_room_row_id = res_id, guest_id, row_id
