"""Reservation reads against the sandbox: every filter the sync uses, paging, and the sandbox's truth."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from .helpers import make_client


def test_paging_across_many_pages_matches_the_truth(client, admin):
    truth = {t["reservationID"]: t for t in admin.truth()}
    progress = []
    got = client.get_reservations_with_rate_details(
        include_deleted=True,
        page_size=40,
        on_page=lambda n, so_far, total: progress.append((n, so_far, total)),
    ).all()
    assert len(got) == len(truth) == 250
    assert {r.reservation_id for r in got} == set(truth)
    assert [p[0] for p in progress] == list(range(1, 8))  # 250 items in pages of 40
    assert progress[-1] == (7, 250, 250)
    assert client.stats.calls == 7
    for r in got:
        t = truth[r.reservation_id]
        assert r.status == t["status"] and r.is_deleted == t["isDeleted"]
        assert r.total == Decimal(str(t["grandTotal"])) and r.paid == Decimal(str(t["paid"]))
        assert r.modified_at == datetime.fromisoformat(t["dateModifiedUTC"]).replace(tzinfo=UTC)
        assert r.check_in == date.fromisoformat(t["startDate"])
        assert {room.sub_reservation_id for room in r.rooms} == {x["subReservationID"] for x in t["rooms"]}
        assert r.payment_collect in ("hotel", "channel")


def test_pages_variant_yields_counts(client):
    pages = list(client.get_reservations(page_size=100).pages())
    assert [p.number for p in pages] == [1, 2, 3]
    assert sum(p.count for p in pages) == pages[0].total
    assert all(p.total == pages[0].total for p in pages)


def test_property_local_timestamps_become_utc_once_the_zone_is_known(client, admin):
    truth = {t["reservationID"]: t for t in admin.truth()}
    client.load_property_timezone()
    for r in client.get_reservations():
        assert r.modified_at == datetime.fromisoformat(truth[r.reservation_id]["dateModifiedUTC"]).replace(
            tzinfo=UTC
        )
    assert not client.warnings


def test_modified_from_filter_with_an_aware_datetime(client, admin):
    client.load_property_timezone()
    truth = admin.truth()
    stamps = sorted(
        datetime.fromisoformat(t["dateModifiedUTC"]).replace(tzinfo=UTC) for t in truth if not t["isDeleted"]
    )
    cut = stamps[len(stamps) // 2]
    expected = {
        t["reservationID"]
        for t in truth
        if not t["isDeleted"] and datetime.fromisoformat(t["dateModifiedUTC"]).replace(tzinfo=UTC) >= cut
    }
    got = {r.reservation_id for r in client.get_reservations(modified_from=cut)}
    assert got == expected
    rated = {r.reservation_id for r in client.get_reservations_with_rate_details(modified_from=cut)}
    assert rated == expected


def test_stay_status_and_guest_detail_filters(client, admin):
    truth = [t for t in admin.truth() if not t["isDeleted"]]
    day = date.fromisoformat(truth[0]["startDate"])
    arrivals = client.get_reservations(
        check_in_from=day, check_in_to=day, include_guests_details=True, include_all_rooms=True
    ).all()
    assert {r.reservation_id for r in arrivals} == {
        t["reservationID"] for t in truth if t["startDate"] == str(day)
    }
    assert all(r.guests and r.rooms for r in arrivals)
    departures = client.get_reservations(check_out_from=day, check_out_to=day + timedelta(days=30)).all()
    assert all(day <= r.check_out <= day + timedelta(days=30) for r in departures)
    cancelled = client.get_reservations(status="canceled").all()
    assert cancelled and all(r.status == "canceled" for r in cancelled)


def test_third_party_identifier_lookup(client, admin):
    target = next(t for t in admin.truth() if t["thirdPartyIdentifier"] and not t["isDeleted"])
    tpi = target["thirdPartyIdentifier"]
    by_filter = client.get_reservations(source_reservation_id=tpi).all()
    assert [r.reservation_id for r in by_filter] == [target["reservationID"]]
    found = client.find_reservation_by_third_party_id(tpi, check_in=date.fromisoformat(target["startDate"]))
    assert found is not None and found.reservation_id == target["reservationID"]
    assert client.find_reservation_by_third_party_id("no-such-ref") is None


def test_rate_details_by_ids_deleted_and_excluded_statuses(client, admin):
    truth = admin.truth()
    ids = [t["reservationID"] for t in truth[:5]]
    got = client.get_reservations_with_rate_details(reservation_ids=ids, include_deleted=True).all()
    assert sorted(r.reservation_id for r in got) == sorted(ids)
    live = client.get_reservations_with_rate_details(exclude_statuses=["canceled", "no_show"]).all()
    assert live and all(r.status not in ("canceled", "no_show") for r in live)
    assert all(not r.is_deleted for r in live)
    deleted = [t["reservationID"] for t in truth if t["isDeleted"]]
    if deleted:
        with_deleted = {
            r.reservation_id for r in client.get_reservations_with_rate_details(include_deleted=True)
        }
        assert set(deleted) <= with_deleted
    out_from = date.fromisoformat(truth[0]["endDate"])
    window = client.get_reservations_with_rate_details(
        check_out_from=out_from, check_out_to=out_from + timedelta(days=7)
    ).all()
    assert all(out_from <= r.check_out <= out_from + timedelta(days=7) for r in window)


def test_get_one_reservation_matches_the_list_view(client, admin):
    t = next(t for t in admin.truth() if len(t["rooms"]) > 1 and not t["isDeleted"])
    one = client.get_reservation(t["reservationID"])
    assert one.reservation_id == t["reservationID"] and one.total == Decimal(str(t["grandTotal"]))
    assert len(one.rooms) == len(t["rooms"])
    assert {g.guest_id for g in one.guests} == {g["guestID"] for g in t["guests"]}
    assert sum((room.total for room in one.rooms), Decimal(0)) == sum(
        Decimal(str(x["roomTotal"])) for x in t["rooms"]
    )


def test_unknown_reservation_is_not_found(client):
    from pms.errors import NotFoundError

    with pytest.raises(NotFoundError) as info:
        client.get_reservation("1")
    assert info.value.endpoint == "getReservation" and info.value.request_id


def test_wrong_property_is_a_clear_refusal(box):
    from pms.errors import APIError

    c = make_client(box, property_id="999999")
    with pytest.raises(APIError, match="property"):
        c.get_reservations().all()


def test_unknown_zone_is_reported_once_per_client(client):
    assert client.get_reservations(page_size=50).all()
    zone = [w for w in client.warnings if "time zone unknown" in w]
    assert len(zone) == 1 and client.stats.warnings == 1
