"""Paging rules (API.md §7) against scripted page answers: stop at total, on empty, never on short alone."""

import pytest

from pms.cloudbeds.pagination import Paged, RawPage


def pages_from(sizes, total):
    calls = []

    def fetch(number, size):
        calls.append((number, size))
        n = sizes[number - 1] if number <= len(sizes) else 0
        start = sum(sizes[: number - 1])
        return RawPage(items=list(range(start, start + n)), count=n, total=total, body={})

    return fetch, calls


def test_walks_until_total_with_progress_callback():
    fetch, calls = pages_from([100, 100, 50], total=250)
    progress = []
    items = Paged(fetch, list, on_page=lambda n, so_far, total: progress.append((n, so_far, total))).all()
    assert items == list(range(250))
    assert calls == [(1, 100), (2, 100), (3, 100)]
    assert progress == [(1, 100, 250), (2, 200, 250), (3, 250, 250)]


def test_short_page_does_not_stop_when_total_says_more():
    fetch, calls = pages_from([20, 20, 20, 5], total=65)  # a server that caps pageSize at 20
    assert len(Paged(fetch, list).all()) == 65
    assert len(calls) == 4


def test_empty_page_stops_a_total_that_lies_upward():
    fetch, calls = pages_from([100, 30], total=1000)
    assert len(Paged(fetch, list).all()) == 130
    assert len(calls) == 3  # the third page came back empty


def test_without_total_a_short_page_ends_the_list():
    fetch, calls = pages_from([100, 7], total=None)
    assert len(Paged(fetch, list).all()) == 107
    assert len(calls) == 2


def test_pages_variant_and_page_size_clamp():
    fetch, calls = pages_from([100, 1], total=101)
    pages = list(Paged(fetch, lambda items: [i * 2 for i in items], page_size=500).pages())
    assert [(p.number, p.count, p.total, p.seen) for p in pages] == [(1, 100, 101, 100), (2, 1, 101, 101)]
    assert pages[1].items == (200,)
    assert calls[0] == (1, 100)


def test_max_pages_guards_against_endless_servers():
    def fetch(number, size):
        return RawPage(items=[number] * size, count=size, total=None, body={})

    assert len(list(Paged(fetch, list, page_size=10, max_pages=3))) == 30


@pytest.mark.parametrize("start", [2, 3])
def test_start_page(start):
    fetch, calls = pages_from([10, 10, 10], total=30)
    items = Paged(fetch, list, page_size=10, start_page=start).all()
    assert calls[0] == (start, 10) and len(items) == 10 * (4 - start)


# --- the stop rules as pure functions --------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "seen", "total", "size", "stop", "complete", "warning"),
    [
        (100, 100, 250, 100, False, None, None),  # more to come
        (50, 250, 250, 100, True, True, None),  # total reached
        (20, 40, 65, 100, False, None, None),  # short page, but the total says more (capped size)
        (0, 130, 1000, 100, True, False, "empty_early"),  # an empty page before the total
        (0, 0, 0, 100, True, True, None),  # nothing at all
        (100, 200, 150, 100, False, None, "overflow"),  # a full page past the total: read on
        (30, 180, 150, 100, True, True, None),  # ... until a short one
        (100, 100, None, 100, False, None, None),  # no total: a full page goes on
        (7, 107, None, 100, True, True, None),  # no total: a short page ends it
    ],
)
def test_page_verdict(count, seen, total, size, stop, complete, warning):
    from pms.cloudbeds.pagination import page_verdict

    verdict = page_verdict(count, seen, total, size)
    assert (verdict.stop, verdict.complete, verdict.warning) == (stop, complete, warning)


@pytest.mark.parametrize(
    ("units", "new", "seen", "count", "total", "stop"),
    [
        (100, 100, 100, 100, 150, False),  # counters count rooms, 50 to come
        (50, 50, 150, 50, 150, True),  # ... and all have come
        (150, 150, 150, 1, 1, False),  # counters count properties: one more page to be sure
        (100, 100, 100, 1, 1, False),  # rooms paged, counted as properties: read on
        (0, 0, 150, 0, 1, True),  # nothing came
        (100, 0, 150, 1, 1, True),  # only rooms seen before: the server repeats itself
        (33, 33, 33, 33, 33, True),  # one page holds them all, counted as rooms: one call
    ],
)
def test_nested_page_verdict(units, new, seen, count, total, stop):
    from pms.cloudbeds.pagination import nested_page_verdict

    assert nested_page_verdict(units, new, seen, count, total).stop is stop


def test_a_nested_list_keeps_each_inner_item_once_and_ends_on_a_page_without_new_ones():
    pages = {1: ["a", "b"], 2: ["b", "c"], 3: ["c"]}  # a server that overlaps its pages

    def fetch(number, size):
        items = pages.get(number, [])
        return RawPage(items=[items] if items else [], count=1 if items else 0, total=1, body={})

    paged = Paged(fetch, lambda outer: [x for o in outer for x in o], page_size=2, nested_key=lambda x: x)
    assert paged.all() == ["a", "b", "c"] and paged.complete is True
