"""The sandbox's in-memory database: one property, its catalogue, reservations and guests.

One re-entrant lock guards everything (requests are short; a single lock is simple and correct).
Every mutation bumps ``version``, which invalidates the cached results of list queries and the
occupancy index, so page N of a 100,000-reservation pull is a slice of a cached id list instead of
a rescan. Mutations announce themselves through ``emit`` (the webhook dispatcher listens), so the
store never knows about HTTP.
"""

from __future__ import annotations

import random
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from pms.sandbox.clock import SandboxClock
from pms.sandbox.models import (
    OCCUPYING,
    Guest,
    Payment,
    Property,
    RatePlan,
    Reservation,
    Room,
    RoomBlock,
    RoomType,
    Source,
)
from pms.sandbox.pricing import nightly_rate

__all__ = ["Occupancy", "Store"]

EventListener = Callable[[str, dict[str, Any]], None]

# Reservation and guest ids start above 2**32 on purpose (domain rule 2: never cast ids to int32).
RESERVATION_ID_BASE = 5_200_000_000
GUEST_ID_BASE = 6_100_000_000
QUERY_CACHE_SIZE = 64


class Occupancy:
    """Rooms used per (room type, night) and nights used per room, for one store version.

    A room block takes its rooms out of inventory like a booking does (``blocked`` keeps its
    nights apart too, for getRooms' ``roomBlocked``).
    """

    def __init__(self) -> None:
        self.by_type: dict[tuple[str, date], int] = {}
        self.by_room: dict[str, set[date]] = {}
        self.blocked: dict[str, set[date]] = {}

    def add_block(self, block: RoomBlock) -> None:
        for _event, room_id, room_type_id in block.rooms:
            used = self.by_room.setdefault(room_id, set())
            held = self.blocked.setdefault(room_id, set())
            for night in block.nights():
                if night in used:  # never counted twice (a booking already holds the night)
                    continue
                used.add(night)
                held.add(night)
                key = (room_type_id, night)
                self.by_type[key] = self.by_type.get(key, 0) + 1

    def add(self, reservation: Reservation) -> None:
        if reservation.status not in OCCUPYING or reservation.is_deleted:
            return
        for room in reservation.rooms:
            used = self.by_room.setdefault(room.room_id, set()) if room.room_id else None
            for night in room.nights():
                key = (room.room_type_id, night)
                self.by_type[key] = self.by_type.get(key, 0) + 1
                if used is not None:
                    used.add(night)


class Store:
    """All sandbox data plus the bookkeeping that keeps queries fast and ids unique."""

    def __init__(self, clock: SandboxClock, seed: int) -> None:
        self.clock = clock
        self.seed = seed
        self.lock = threading.RLock()
        self.version = 0
        self.property: Property
        self.room_types: dict[str, RoomType] = {}
        self.rooms: dict[str, Room] = {}
        self.sources: dict[str, Source] = {}
        self.rate_plans: dict[str, RatePlan] = {}
        self.reservations: dict[str, Reservation] = {}
        self.guests: dict[str, Guest] = {}
        self.payments: dict[str, Payment] = {}
        self.room_blocks: dict[str, RoomBlock] = {}
        self.next_payment_id = 8_300_000_000
        self.next_block_id = 0
        self.next_reservation_id = RESERVATION_ID_BASE
        self.next_guest_id = GUEST_ID_BASE
        self.next_room_row_id = 410_000_000
        # Mutations after seeding (API writes, /_sandbox/mutate) draw from their own seeded stream,
        # so a scripted test sees the same ids and choices on every run.
        self.rng = random.Random(seed * 7919 + 1)
        self._listeners: list[EventListener] = []
        self._query_cache: OrderedDict[tuple, list[str]] = OrderedDict()
        self._occupancy: tuple[int, Occupancy] | None = None

    # --- change tracking ------------------------------------------------------------------------

    def touch(self) -> None:
        """Record that data changed: cached query results and occupancy are stale from now on."""
        self.version += 1
        self._query_cache.clear()
        self._occupancy = None

    def subscribe(self, listener: EventListener) -> None:
        self._listeners.append(listener)

    def emit(self, event: str, payload: dict[str, Any]) -> None:
        """Announce a change (``reservation/created`` ...) to listeners such as the webhook sender."""
        for listener in list(self._listeners):
            listener(event, payload)

    # --- cached queries -------------------------------------------------------------------------

    def cached(self, key: tuple, compute: Callable[[], list[str]]) -> list[str]:
        """The id list for ``key`` at the current version, computing it at most once per version."""
        with self.lock:
            hit = self._query_cache.get(key)
            if hit is not None:
                self._query_cache.move_to_end(key)
                return hit
            result = compute()
            self._query_cache[key] = result
            if len(self._query_cache) > QUERY_CACHE_SIZE:
                self._query_cache.popitem(last=False)
            return result

    def occupancy(self) -> Occupancy:
        with self.lock:
            if self._occupancy is None or self._occupancy[0] != self.version:
                occ = Occupancy()
                for reservation in self.reservations.values():
                    occ.add(reservation)
                for block in self.room_blocks.values():
                    occ.add_block(block)
                self._occupancy = (self.version, occ)
            return self._occupancy[1]

    def available(self, room_type_id: str, night: date, exclude: Reservation | None = None) -> int:
        """Rooms of a type still free on ``night`` (never negative)."""
        used = self.occupancy().by_type.get((room_type_id, night), 0)
        if exclude is not None and exclude.status in OCCUPYING:
            used -= sum(
                1
                for r in exclude.rooms
                if r.room_type_id == room_type_id and r.check_in <= night < r.check_out
            )
        return max(0, len(self.room_types[room_type_id].room_ids) - used)

    def free_rooms(self, room_type_id: str | None, start: date, end: date) -> list[Room]:
        """Rooms with no occupying assignment on any night in [start, end)."""
        occ = self.occupancy()
        nights = {start + timedelta(days=i) for i in range(max(0, (end - start).days))}
        out = []
        for room in self.rooms.values():
            if room_type_id and room.room_type_id != room_type_id:
                continue
            if not nights & occ.by_room.get(room.room_id, set()):
                out.append(room)
        return out

    # --- ids and prices -------------------------------------------------------------------------

    def new_reservation_id(self) -> str:
        self.next_reservation_id += self.rng.randint(3, 41)
        return str(self.next_reservation_id)

    def new_guest_id(self) -> str:
        self.next_guest_id += self.rng.randint(1, 9)
        return str(self.next_guest_id)

    def new_room_row_id(self) -> str:
        self.next_room_row_id += 1
        return str(self.next_room_row_id)

    def price(self, rate_id: str, night: date) -> int:
        return nightly_rate(self.rate_plans[rate_id], night, self.rate_plans, self.room_types)

    def base_rate_id(self, room_type_id: str) -> str:
        """The non-derived plan of a room type (what postReservation prices with by default)."""
        for plan in self.rate_plans.values():
            if plan.room_type_id == room_type_id and not plan.is_derived:
                return plan.rate_id
        raise KeyError(room_type_id)

    # --- lookups --------------------------------------------------------------------------------

    def live_reservation(self, reservation_id: str) -> Reservation | None:
        res = self.reservations.get(reservation_id)
        return None if res is None or res.is_deleted else res

    def reservation_guests(self, reservation: Reservation) -> list[Guest]:
        return [self.guests[g] for g in reservation.guest_ids if g in self.guests]

    def recompute(self, reservation: Reservation) -> None:
        reservation.recompute(self.property.tax_rate_pct)
