"""Walk Cloudbeds' page-numbered lists as one iterator.

Cloudbeds pages are 1-based (``pageNumber``) with ``pageSize`` at most 100, and list answers carry
``count`` (items on this page) and ``total`` (items across all pages). When to stop (API.md §7):

* when the items seen so far reach ``total`` (``(pageNumber-1)*pageSize + count >= total``);
* when a page comes back empty;
* when the answer has no ``total`` at all (getRoomTypes), on a short page.

A short page alone does not end a list that has a ``total``: a server that caps ``pageSize``
below what we asked for sends short pages that are not the last. ``max_pages`` guards against a
server that never runs dry.

Totals that lie are never silent. One contradicted by a full page (more items received than the
``total`` claims) is ignored and paging goes on until a short or empty page. An empty page before
the ``total`` is reached ends the list, but it is reported and ``complete`` turns False, so a full
reconcile never takes a truncated list for the whole (and marks nothing deleted from it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

__all__ = ["MAX_PAGE_SIZE", "OnPage", "Page", "Paged", "RawPage"]

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
    ) -> None:
        self._fetch = fetch
        self._convert = convert
        self.page_size = max(1, min(MAX_PAGE_SIZE, int(page_size)))
        self._on_page = on_page
        self._start = max(1, int(start_page))
        self._max_pages = max_pages
        self._on_warning = on_warning
        self._name = name
        self.complete: bool | None = None

    def _warn(self, message: str) -> None:
        if self._on_warning is not None:
            self._on_warning(message)

    def pages(self) -> Iterator[Page[T]]:
        """Yield each page in turn, stopping by the rules in the module docstring."""
        number = self._start
        seen = (self._start - 1) * self.page_size
        items_so_far = 0
        for _ in range(self._max_pages):
            raw = self._fetch(number, self.page_size)
            count = len(raw.items)
            seen += count
            items = tuple(self._convert(raw.items)) if raw.items else ()
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
            if count == 0:
                if raw.total is not None and seen < raw.total:
                    self.complete = False
                    self._warn(
                        f"{self._name}: page {number} came back empty after {seen} of the {raw.total} "
                        "items Cloudbeds reported; the list may be incomplete"
                    )
                else:
                    self.complete = True
                return
            if raw.total is not None and not (seen > raw.total and count >= self.page_size):
                if seen >= raw.total:
                    self.complete = True
                    return
            elif raw.total is not None:
                self._warn(
                    f"{self._name}: Cloudbeds reported {raw.total} items in all but sent more; "
                    "reading on until a short page"
                )
            elif count < self.page_size:
                self.complete = True
                return
            number += 1
        self.complete = False
        self._warn(f"{self._name}: stopped after {self._max_pages} pages")

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def all(self) -> list[T]:
        """Every item in a list (fetches every page now)."""
        return list(self)
