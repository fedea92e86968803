"""Where the pages of bookings come from, per mode, at about one API call per 100 bookings.

- full: ``getReservationsWithRateDetails`` with deleted bookings and guest details: one list call
  carries totals, rooms, nightly rates, payment collect, UTC timestamps, the deleted flag and the
  guests' contact data, so no detail call is needed.
- incremental: the same list filtered by ``modifiedFrom`` (the cursor minus the overlap).
- window: the rate-details list cannot filter on check-in, so the list view
  (``getReservations``, stays overlapping the window) names the bookings and one rate-details call
  per page of 100 ids reads them: two calls per 100, and exactly the stays asked for.
- ids: webhook re-reads and retries, 100 ids per call.

Pages are streamed, never collected: only the current page (and the next, to know whether this
one is the last) is in memory. ``with_last`` gives each page with that flag, because the cursor
moves in the transaction of the last page.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar

from pms.cloudbeds.models import Reservation

__all__ = ["PageOf", "with_last", "full_pages", "modified_pages", "window_pages", "id_pages", "guest_pages",
           "ID_BATCH"]

T = TypeVar("T")
ID_BATCH = 100


@dataclass(frozen=True)
class PageOf(Generic[T]):
    items: tuple[T, ...]
    total: int | None
    last: bool = False


def with_last(pages: Iterable[PageOf[T]]) -> Iterator[PageOf[T]]:
    """Each page, flagged ``last`` when no page follows (the next is fetched before yielding)."""
    it = iter(pages)
    try:
        current = next(it)
    except StopIteration:
        return
    for nxt in it:
        yield current
        current = nxt
    yield PageOf(current.items, current.total, last=True)


def _rate_details(client, **kw):
    return client.get_reservations_with_rate_details(include_deleted=True, include_guests_details=True, **kw)


def full_pages(client) -> Iterator[PageOf[Reservation]]:
    for page in _rate_details(client).pages():
        yield PageOf(page.items, page.total)


def modified_pages(client, since: datetime) -> Iterator[PageOf[Reservation]]:
    for page in _rate_details(client, modified_from=since).pages():
        yield PageOf(page.items, page.total)


def window_pages(client, start: date, end: date) -> Iterator[PageOf[Reservation]]:
    """Stays with check-in ≤ ``end`` and check-out ≥ ``start`` (both inclusive)."""
    for page in client.get_reservations(check_in_to=end, check_out_from=start).pages():
        ids = [r.reservation_id for r in page.items if r.reservation_id]
        items = tuple(_rate_details(client, reservation_ids=ids).all()) if ids else ()
        yield PageOf(items, page.total)


def id_pages(client, ids: Iterable[str]) -> Iterator[PageOf[Reservation]]:
    """Bookings by id, ``ID_BATCH`` per call (deleted ones come back flagged)."""
    wanted = list(dict.fromkeys(str(i) for i in ids if i))
    for start in range(0, len(wanted), ID_BATCH):
        chunk = wanted[start:start + ID_BATCH]
        yield PageOf(tuple(_rate_details(client, reservation_ids=chunk).all()), len(wanted))


def guest_pages(client, since: datetime) -> Iterator[PageOf]:
    """Guests changed since ``since`` (getGuestsModified; one row per guest and room)."""
    for page in client.get_guests_modified(results_from=since).pages():
        yield PageOf(page.items, page.total)
