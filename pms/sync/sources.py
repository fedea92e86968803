"""Where the pages of bookings come from, per mode, at about one API call per 100 bookings.

- full: ``getReservationsWithRateDetails`` with deleted bookings and guest details: one list call
  carries totals, rooms, nightly rates, payment collect, UTC timestamps, the deleted flag and the
  guests' contact data, so no detail call is needed.
- incremental: the same list filtered by ``modifiedFrom`` (the cursor minus the overlap).
- window: the rate-details list cannot filter on check-in, so the list view
  (``getReservations``, stays overlapping the window) names the bookings and one rate-details call
  per page of 100 ids reads them: two calls per 100, and exactly the stays asked for.
- ids: webhook re-reads and retries, 100 ids per call.

Pages are streamed, never collected: only the current page and the next two (fetched ahead on a
background thread while the current one is written, ``prefetch``) are in memory. ``with_last``
gives each page with that flag, because the cursor moves in the transaction of the last page.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar

from pms.cloudbeds.models import Reservation

__all__ = [
    "ID_BATCH",
    "Listing",
    "PageOf",
    "full_pages",
    "guest_list_pages",
    "guest_pages",
    "id_pages",
    "modified_pages",
    "prefetch",
    "window_pages",
    "with_last",
]

T = TypeVar("T")
ID_BATCH = 100


@dataclass(frozen=True)
class PageOf(Generic[T]):
    items: tuple[T, ...]
    total: int | None
    last: bool = False


_DONE = object()


class _Failed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def prefetch(pages: Iterable[T], depth: int = 2) -> Iterator[T]:
    """Fetch pages on a background thread while the caller writes the previous ones.

    The rate limiter spaces calls 200 ms apart at 5 requests/s; reading and decoding one page
    and writing another take about that long each, so doing them one after the other would
    nearly halve the speed. At most ``depth`` pages wait in the queue, so memory stays flat.
    An error while fetching is raised to the caller at the page where it happened; a caller that
    stops early (a failed batch) stops the fetching too.
    """
    q: queue.Queue = queue.Queue(maxsize=max(1, depth))
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for page in pages:
                if not put(page):
                    return
            put(_DONE)
        except BaseException as exc:  # handed to the consumer, raised there
            put(_Failed(exc))

    worker = threading.Thread(target=produce, name="pms-sync-fetch", daemon=True)
    worker.start()
    try:
        while True:
            item = q.get()
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.exc
            yield item
    finally:
        stop.set()
        worker.join(timeout=60)


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


class Listing(Generic[T]):
    """The pages of one or more client lists, and whether they all ended where Cloudbeds said.

    ``complete`` is False when a list came back short of its reported ``total`` (an empty page too
    early): a full reconcile then marks nothing deleted and no cursor moves, since bookings may be
    missing from what was read (``pms.cloudbeds.pagination``).
    """

    def __init__(self, pages: Callable[[Listing[T]], Iterator[PageOf[T]]]) -> None:
        self._pages = pages
        self._lists: list = []

    def track(self, paged):
        self._lists.append(paged)
        return paged

    @property
    def complete(self) -> bool:
        return all(p.complete is not False for p in self._lists)

    def __iter__(self) -> Iterator[PageOf[T]]:
        return self._pages(self)


def _rate_details(client, **kw):
    return client.get_reservations_with_rate_details(include_deleted=True, include_guests_details=True, **kw)


def _pages_of(listing: Listing, paged) -> Iterator[PageOf]:
    for page in listing.track(paged).pages():
        yield PageOf(page.items, page.total)


def full_pages(client) -> Listing[Reservation]:
    return Listing(lambda listing: _pages_of(listing, _rate_details(client)))


def modified_pages(client, since: datetime) -> Listing[Reservation]:
    return Listing(lambda listing: _pages_of(listing, _rate_details(client, modified_from=since)))


def window_pages(client, start: date, end: date) -> Listing[Reservation]:
    """Stays with check-in ≤ ``end`` and check-out ≥ ``start`` (both inclusive)."""

    def pages(listing: Listing) -> Iterator[PageOf[Reservation]]:
        for page in listing.track(client.get_reservations(check_in_to=end, check_out_from=start)).pages():
            ids = [r.reservation_id for r in page.items if r.reservation_id]
            items = tuple(listing.track(_rate_details(client, reservation_ids=ids))) if ids else ()
            yield PageOf(items, page.total)

    return Listing(pages)


def id_pages(client, ids: Iterable[str]) -> Listing[Reservation]:
    """Bookings by id, ``ID_BATCH`` per call (deleted ones come back flagged)."""
    wanted = list(dict.fromkeys(str(i) for i in ids if i))

    def pages(listing: Listing) -> Iterator[PageOf[Reservation]]:
        for start in range(0, len(wanted), ID_BATCH):
            chunk = wanted[start : start + ID_BATCH]
            yield PageOf(tuple(listing.track(_rate_details(client, reservation_ids=chunk))), len(wanted))

    return Listing(pages)


def guest_pages(client, since: datetime) -> Listing:
    """Guests changed since ``since`` (getGuestsModified; one row per guest and room)."""
    return Listing(lambda listing: _pages_of(listing, client.get_guests_modified(results_from=since)))


def guest_list_pages(client, **filters) -> Listing:
    """The guest list (getGuestList), for a guests-only full or window run."""
    return Listing(lambda listing: _pages_of(listing, client.get_guest_list(**filters)))
