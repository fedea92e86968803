"""Page sources: prefetching keeps memory flat and errors in place; a short list is never the whole."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import sqlalchemy as sa

from pms.cloudbeds.pagination import Paged, RawPage
from pms.db import schema
from pms.sync import SyncRequest
from pms.sync.run import _close_pull, new_run
from pms.sync.sources import Listing, PageOf, _pages_of, prefetch, with_last
from pms.sync.state import read_cursor

from .helpers import reservation


def _lying(total: int, sizes: list[int]) -> Paged:
    """A list whose server claims ``total`` items but sends pages of ``sizes`` (then empty pages)."""

    def fetch(number: int, size: int) -> RawPage:
        n = sizes[number - 1] if number <= len(sizes) else 0
        return RawPage(items=list(range(n)), count=n, total=total, body={})

    return Paged(fetch, lambda items: items, page_size=100)


def test_a_list_that_ends_before_its_total_is_incomplete():
    short = Listing(lambda listing: _pages_of(listing, _lying(500, [100, 100])))
    assert [len(p.items) for p in short] == [100, 100, 0] and short.complete is False
    honest = Listing(lambda listing: _pages_of(listing, _lying(150, [100, 50])))
    assert [len(p.items) for p in honest] == [100, 50] and honest.complete is True


def test_an_incomplete_full_marks_nothing_deleted_and_keeps_the_cursor(sctx, box):
    with sctx.engine.begin() as conn:
        conn.execute(
            sa.insert(schema.reservasi).values(
                property_id=box.property_id,
                cloudbed_reservation_id="5200000001",
                status="confirmed",
                check_in=date(2026, 1, 1),
                check_out=date(2026, 1, 2),
            )
        )
    run = new_run(sctx, SyncRequest(mode="full", entities="reservations"), apply=True)
    with sctx.engine.begin() as conn:
        _close_pull(conn, run, "full", None, False, complete=False)
    assert reservation(sctx.engine, "5200000001")["is_deleted"] is False
    with sctx.engine.connect() as conn:
        assert read_cursor(conn, box.property_id, "reservations") is None
    assert any("ended before the total" in w for w in run.result.warnings)


def test_prefetch_streams_in_order_with_a_bounded_queue():
    produced = []

    def pages():
        for i in range(20):
            produced.append(i)
            yield i

    out = []
    for item in prefetch(pages(), depth=2):
        out.append(item)
        assert len(produced) - len(out) <= 3  # at most the queue plus one in hand
    assert out == list(range(20))
    assert [p.last for p in with_last(PageOf((i,), 3) for i in range(3))] == [False, False, True]


def test_prefetch_raises_a_fetch_error_where_it_happened_and_stops_when_abandoned():
    def failing():
        yield 1
        raise RuntimeError("HTTP 500 on page 2")

    got = []
    with pytest.raises(RuntimeError, match="page 2"):
        got.extend(prefetch(failing()))
    assert got == [1]
    before = threading.active_count()
    gen = prefetch(iter(range(1000)))
    next(gen)
    gen.close()  # the consumer stopped (a failed batch): the fetch thread ends too
    assert threading.active_count() <= before
