"""Simulated front-desk activity for ``POST /_sandbox/mutate``.

Each kind is something staff (or an OTA) really does between two syncs: a new booking, a room
move with a payment, a cancellation, a longer stay, a corrected guest phone number, a deleted
booking. Choices come from the store's seeded random stream, so a scripted test replays the same
changes. Every change goes through ``mutations``, so it moves ``dateModified`` and fires the same
webhooks an API write would.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pms.sandbox import mutations
from pms.sandbox.endpoint import Refused
from pms.sandbox.models import Reservation
from pms.sandbox.names import EMAIL_DOMAINS, MARKETS
from pms.sandbox.store import Store

__all__ = ["MUTATION_KINDS", "mutate"]

MUTATION_KINDS = ("create", "modify", "cancel", "dates", "guest", "delete")


class _Candidates:
    """Reservations eligible for a kind, listed once per mutate call (a scan of 100,000 per change
    would be slow); each pick is re-checked, since earlier changes in the same call may have
    cancelled or deleted it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lists: dict[tuple, list[Reservation]] = {}

    def pick(self, statuses: tuple[str, ...], upcoming: bool = True) -> Reservation | None:
        store, today = self.store, self.store.clock.today()
        key = (statuses, upcoming)
        if key not in self._lists:
            self._lists[key] = [
                r
                for r in store.reservations.values()
                if not r.is_deleted and r.status in statuses and (not upcoming or r.start > today)
            ]
        pool = self._lists[key]
        while pool:
            res = pool[store.rng.randrange(len(pool))]
            if not res.is_deleted and res.status in statuses:
                return res
            pool.remove(res)
        return None


def _create(store: Store, _: _Candidates) -> Reservation | None:
    rng, today = store.rng, store.clock.today()
    country = rng.choice(list(MARKETS))
    _, prefix, (males, females), lasts, _cities = MARKETS[country]
    gender = rng.choice("MF")
    first = rng.choice(males if gender == "M" else females)
    last = rng.choice(lasts)
    guest = {
        "first_name": first,
        "last_name": last,
        "gender": gender,
        "country": country,
        "email": f"guest{rng.randint(10000, 99999)}@{rng.choice(EMAIL_DOMAINS)}",
        "phone": f"{prefix} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
    }
    source_id = rng.choice(list(store.sources))
    for _ in range(20):  # find dates with inventory
        start = today + timedelta(days=rng.randint(1, 60))
        end = start + timedelta(days=rng.randint(1, 4))
        rt = rng.choice(list(store.room_types.values()))
        req = mutations.RoomRequest(
            rt.room_type_id, store.base_rate_id(rt.room_type_id), min(2, rt.max_guests), 0
        )
        try:
            return mutations.create_reservation(
                store,
                start=start,
                end=end,
                rooms=[req],
                guest=guest,
                source_id=source_id,
                status="confirmed",
                third_party_id=str(rng.randint(10**8, 10**10 - 1))
                if store.sources[source_id].is_third_party
                else "",
                payment_method="credit",
            )
        except Refused:
            continue
    return None


def _modify(store: Store, pool: _Candidates) -> Reservation | None:
    """A room move (or first assignment) plus a payment at the desk."""
    res = pool.pick(("confirmed", "not_confirmed"))
    if res is None:
        return None
    room = res.rooms[0]
    mutations.move_room(store, res, room)
    res.paid = min(res.grand_total, res.paid + max(100_000, res.balance // 2))
    mutations.finish_room_changes(store, res, dates_changed=False)
    return res


def _cancel(store: Store, pool: _Candidates) -> Reservation | None:
    res = pool.pick(("confirmed", "not_confirmed"))
    if res is not None:
        mutations.set_status(store, res, "canceled")
    return res


def _dates(store: Store, pool: _Candidates) -> Reservation | None:
    for _ in range(10):
        res = pool.pick(("confirmed", "not_confirmed"))
        if res is None:
            return None
        try:
            mutations.change_checkout(store, res, res.end + timedelta(days=store.rng.randint(1, 2)))
            return res
        except Refused:
            continue
    return None


def _guest(store: Store, pool: _Candidates) -> Reservation | None:
    res = pool.pick(("confirmed", "not_confirmed", "checked_in"))
    if res is None:
        return None
    guest = store.guests[res.main_guest_id]
    prefix = MARKETS.get(guest.country, MARKETS["ID"])[1]
    mutations.update_guest(
        store, guest, {"phone": f"{prefix} {store.rng.randint(100, 999)} {store.rng.randint(1000, 9999)}"}
    )
    return res


def _delete(store: Store, pool: _Candidates) -> Reservation | None:
    res = pool.pick(("canceled", "not_confirmed"), upcoming=False)
    if res is not None:
        mutations.delete_reservation(store, res)
    return res


_ACTIONS = {
    "create": _create,
    "modify": _modify,
    "cancel": _cancel,
    "dates": _dates,
    "guest": _guest,
    "delete": _delete,
}


def mutate(store: Store, count: int, kinds: list[str] | None = None) -> dict[str, Any]:
    """Apply ``count`` random changes of the given kinds; returns the changed reservation ids."""
    kinds = kinds or ["create", "modify", "cancel", "dates", "guest"]
    unknown = [k for k in kinds if k not in _ACTIONS]
    if unknown:
        raise ValueError(f"unknown kinds {unknown}; known: {', '.join(MUTATION_KINDS)}")
    if not 0 <= count <= 10_000:
        raise ValueError("count must be between 0 and 10000")
    done: list[dict[str, str]] = []
    with store.lock:
        pool = _Candidates(store)
        for i in range(count):
            kind = kinds[i % len(kinds)]  # round robin: every kind asked for happens
            res = _ACTIONS[kind](store, pool)
            if res is not None:
                done.append({"kind": kind, "reservationID": res.reservation_id})
    changed = list(dict.fromkeys(d["reservationID"] for d in done))
    return {"changed": changed, "mutations": done}
