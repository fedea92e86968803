"""API answers that lie or drift (the sandbox's reshape faults), met by the real client.

Missing optional fields, nulls, numbers as strings and digit strings as numbers, unknown statuses
and extra fields must all come through as the same typed records (an absent value as None, never
a crash, never a changed id); empty pages and a ``total`` that lies must not silently shorten a list.
"""

from __future__ import annotations

import pytest

from pms.errors import CloudbedsError

from .helpers import Admin, client_for, record_diff

AREA = "bad input: API answers"
LISTS = {
    "getReservationsWithRateDetails": lambda c: c.get_reservations_with_rate_details(),
    "getReservations": lambda c: c.get_reservations(),
    "getGuestList": lambda c: c.get_guest_list(),
    "getRooms": lambda c: c.get_rooms(),
}
ID_FIELDS = (
    ".reservation_id",
    ".guest_id",
    ".room_id",
    ".property_id",
    ".sub_reservation_id",
    ".room_type_id",
)


@pytest.fixture(scope="module")
def shared_box():
    """One sandbox for the whole module: these tests only read, and fault injection is reset per test."""
    from pms.sandbox import Sandbox, SandboxConfig

    sandbox = Sandbox(SandboxConfig(seed=42, reservations=250, rate_limit=None)).start()
    yield sandbox
    sandbox.stop()


@pytest.fixture
def admin(shared_box):
    a = Admin(shared_box)
    a.clear_faults()
    yield a
    a.clear_faults()


@pytest.fixture(scope="module")
def clean(shared_box):
    """Every list as a clean pull gives it."""
    c = client_for(shared_box)
    try:
        lists = {name: pull(c).all() for name, pull in LISTS.items()}
        assert not c.warnings, c.warnings  # so any warning in a test below is about the fault
        return lists
    finally:
        c.close()


@pytest.mark.parametrize(
    "kind",
    [
        "numbers_as_strings",
        "strings_as_numbers",
        "extra_fields",
        "missing_optional",
        "nulls",
        "unknown_status",
    ],
)
@pytest.mark.parametrize("name", list(LISTS))
def test_drifted_answers_give_the_same_records(shared_box, admin, clean, name, kind, tally):
    before = admin.served().get(kind, 0)  # the sandbox counts served faults since its start
    admin.fault(name, kind, times=100)
    c = client_for(shared_box)
    try:
        got = LISTS[name](c).all()
    finally:
        c.close()
    served = admin.served().get(kind, 0) - before
    tally.add(AREA, bad_inputs=served, faults_injected=served, runs=1)
    assert served > 0
    lost = len({_ident(r) for r in clean[name]} - {_ident(r) for r in got})
    extra = len(got) - len(clean[name])
    tally.add(AREA, records_lost=lost, duplicates=max(extra, 0))
    assert lost == 0 and extra == 0
    for mine, theirs in zip(got, clean[name], strict=False):
        diffs = record_diff(mine, theirs)
        assert not [d for d in diffs if d[0] in ID_FIELDS], diffs  # identities never change
        if kind in ("numbers_as_strings", "strings_as_numbers", "extra_fields"):
            assert diffs == []
        elif kind == "unknown_status":
            assert {d[0] for d in diffs} <= {".status"} and all(d[1] == "teleported" for d in diffs)
        else:  # a missing or null optional field reads as "not known", never as a made-up value
            assert all(d[1] in (None, (), {}, "") for d in diffs), diffs


def _ident(record):
    return getattr(record, "reservation_id", None) or getattr(record, "guest_id", None) or record.room_id


def test_a_total_that_lies_upward_still_gives_every_record(shared_box, admin, clean, tally):
    before = admin.served().get("total_lies", 0)
    admin.fault("getReservations", "total_lies", times=100)
    c = client_for(shared_box)
    got = c.get_reservations().all()
    c.close()
    served = admin.served()["total_lies"] - before
    tally.add(AREA, bad_inputs=served, faults_injected=served, runs=1)
    tally.add(AREA, records_lost=len(clean["getReservations"]) - len(got))
    assert got == clean["getReservations"]


@pytest.mark.parametrize("name", ["getReservations", "getGuestList", "getReservationsWithRateDetails"])
def test_an_empty_page_before_the_total_is_not_silent(shared_box, admin, clean, name, tally):
    admin.fault(name, "empty_page", after=1)
    tally.add(AREA, bad_inputs=1, faults_injected=1, runs=1)
    c = client_for(shared_box)
    try:
        got = LISTS[name](c).all()
    except CloudbedsError:
        return  # refused: fine
    finally:
        c.close()
    assert len(got) == len(clean[name]) or c.warnings, f"{len(got)} of {len(clean[name])} records, no warning"


def test_a_total_that_lies_downward_is_not_silent(shared_box, admin, clean, tally):
    admin.fault("getReservations", "total_lies", total=50)
    tally.add(AREA, bad_inputs=1, faults_injected=1, runs=1)
    c = client_for(shared_box)
    try:
        got = c.get_reservations().all()
    except CloudbedsError:
        return
    finally:
        c.close()
    assert len(got) == len(clean["getReservations"]) or c.warnings
