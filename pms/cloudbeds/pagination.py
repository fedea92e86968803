"""Walk Cloudbeds' page-numbered lists as one iterator.

Cloudbeds pages are 1-based (``pageNumber``) with ``pageSize`` at most 100, and list answers carry
``count`` (items on this page) and ``total`` (items across all pages). When to stop (API.md §7):

* when the items seen so far reach ``total`` (``(pageNumber-1)*pageSize + count >= total``);
* when a page comes back empty;
* when the answer has no ``total`` at all (getRoomTypes), on a short page.

A short page alone does not end a list that has a ``total``: a server that caps ``pageSize``
below what we asked for sends short pages that are not the last. ``max_pages`` guards against a
server that never runs dry.

Nested lists (getRooms: rooms inside one object per property) are walked by the rooms they hold,
because what their ``pageSize``, ``count`` and ``total`` count is undocumented (the spec says
properties, and pages of 20 by default): they end on a page that brings no room not seen before,
or when the counters plainly count rooms (``count`` equals the rooms on the page) and the rooms
received reach ``total``. Both rules are pure functions (``page_verdict``, ``nested_page_verdict``).

Totals that lie are never silent. One contradicted by a full page (more items received than the
``total`` claims) is ignored and paging goes on until a short or empty page. An empty page before
the ``total`` is reached ends the list, but it is reported and ``complete`` turns False, so a full
reconcile never takes a truncated list for the whole (and marks nothing deleted from it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

__all__ = [
    "MAX_PAGE_SIZE",
    "OnPage",
    "Page",
    "Paged",
    "RawPage",
    "Verdict",
    "nested_page_verdict",
    "page_verdict",
]

T = TypeVar("T")
MAX_PAGE_SIZE = 100
OnPage = Callable[[int, int, "int | None"], None]


@dataclass(frozen=True)
class RawPage:
    """One decoded list answer before conversion: its outer items and the server's counters."""

    items: list[Any]
    count: int | None
    total: int | None
    body: dict[str, Any]


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of typed items.

    Attributes:
        number: the 1-based page number.
        items: the converted items (for getRooms/getAvailableRoomTypes: flattened rooms).
        count: the server's ``count`` for this page (for nested lists it counts properties).
        total: the server's ``total``, or None when the endpoint does not report one.
        seen: outer items received so far, this page included.
    """

    number: int
    items: tuple[T, ...]
    count: int
    total: int | None
    seen: int


@dataclass(frozen=True)
class Verdict:
    """What one page says about the list: stop here?, did it end where the server said?, and
    whether the server's counters contradicted what it sent (``empty_early``, ``overflow``)."""

    stop: bool
    complete: bool | None = None
    warning: str | None = None


_GO_ON = Verdict(stop=False)
_DONE = Verdict(stop=True, complete=True)


def page_verdict(count: int, seen: int, total: int | None, page_size: int) -> Verdict:
    """The stop rule of a flat list (module docstring), as a pure function.

    Args:
        count: items on this page.
        seen: items received so far, this page included.
        total: the server's ``total``, or None when the answer has none.
        page_size: the page size asked for.
    """
    if count == 0:
        if total is not None and seen < total:
            return Verdict(stop=True, complete=False, warning="empty_early")
        return _DONE
    if total is not None and not (seen > total and count >= page_size):
        return _DONE if seen >= total else _GO_ON
    if total is not None:  # a full page took us past the total: the total is wrong, read on
        return Verdict(stop=False, warning="overflow")
    return _DONE if count < page_size else _GO_ON


def nested_page_verdict(
    units: int, new_units: int, units_seen: int, count: int | None, total: int | None
) -> Verdict:
    """The stop rule of a nested list such as getRooms, whose counters may count properties.

    Args:
        units: inner items (rooms) on this page.
        new_units: of those, how many were not received before.
        units_seen: distinct inner items received so far, this page included.
        count, total: the server's counters for this page.
    """
    if units == 0 or new_units == 0:
        return _DONE  # nothing (new) came: the list is exhausted, or the server repeats itself
    if count is not None and total is not None and count == units and units_seen >= total:
        return _DONE  # the counters count rooms, and every room has come
    return _GO_ON


class Paged(Generic[T]):
    """An iterable over every item of a list endpoint, fetched page by page on demand.

    Iterating twice fetches twice. ``pages()`` yields whole pages instead of items.

    Args:
        fetch: ``fetch(page_number, page_size) -> RawPage`` performs one API call.
        convert: turns one page's outer items into typed items.
        page_size: requested page size, clamped to 1..100.
        on_page: ``on_page(page_number, items_so_far, total)`` after each page, for progress bars.
        start_page: the first page to fetch.
        max_pages: stop after this many pages whatever the server says.
        on_warning: receives a message when the server's counters contradict what it sent.
        nested_key: for nested lists (getRooms), the key of an inner item: paging then follows
            ``nested_page_verdict`` and an inner item sent twice is kept once.

    Attributes:
        complete: after a full iteration, False when the list ended before its ``total``
            (an empty page or ``max_pages``); None before.
    """

    def __init__(
        self,
        fetch: Callable[[int, int], RawPage],
        convert: Callable[[list[Any]], list[T]],
        *,
        page_size: int = MAX_PAGE_SIZE,
        on_page: OnPage | None = None,
        start_page: int = 1,
        max_pages: int = 100_000,
        on_warning: Callable[[str], None] | None = None,
        name: str = "list",
        nested_key: Callable[[T], Any] | None = None,
    ) -> None:
        self._fetch = fetch
        self._convert = convert
        self.page_size = max(1, min(MAX_PAGE_SIZE, int(page_size)))
        self._on_page = on_page
        self._start = max(1, int(start_page))
        self._max_pages = max_pages
        self._on_warning = on_warning
        self._name = name
        self._nested_key = nested_key
        self.complete: bool | None = None

    def _warn(self, message: str) -> None:
        if self._on_warning is not None:
            self._on_warning(message)

    def pages(self) -> Iterator[Page[T]]:
        """Yield each page in turn, stopping by the rules in the module docstring."""
        number = self._start
        seen = (self._start - 1) * self.page_size
        items_so_far = 0
        units_seen: set[Any] = set()
        for _ in range(self._max_pages):
            raw = self._fetch(number, self.page_size)
            count = len(raw.items)
            seen += count
            items = tuple(self._convert(raw.items)) if raw.items else ()
            if self._nested_key is not None:
                units = len(items)
                items = self._fresh(items, units_seen)
                verdict = nested_page_verdict(units, len(items), len(units_seen), raw.count, raw.total)
            else:
                verdict = page_verdict(count, seen, raw.total, self.page_size)
            items_so_far += len(items)
            page = Page(
                number=number,
                items=items,
                count=raw.count if raw.count is not None else count,
                total=raw.total,
                seen=seen,
            )
            if self._on_page is not None:
                self._on_page(number, items_so_far, raw.total)
            yield page
            if verdict.warning == "empty_early":
                self._warn(
                    f"{self._name}: page {number} came back empty after {seen} of the {raw.total} "
                    "items Cloudbeds reported; the list may be incomplete"
                )
            elif verdict.warning == "overflow":
                self._warn(
                    f"{self._name}: Cloudbeds reported {raw.total} items in all but sent more; "
                    "reading on until a short page"
                )
            if verdict.stop:
                self.complete = verdict.complete
                return
            number += 1
        self.complete = False
        self._warn(f"{self._name}: stopped after {self._max_pages} pages")

    def _fresh(self, items: tuple[T, ...], seen: set[Any]) -> tuple[T, ...]:
        """The inner items not received before (a nested list's pages may repeat them)."""
        fresh = []
        for item in items:
            key = self._nested_key(item)  # type: ignore[misc]
            if key not in seen:
                seen.add(key)
                fresh.append(item)
        return tuple(fresh)

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def all(self) -> list[T]:
        """Every item in a list (fetches every page now)."""
        return list(self)
