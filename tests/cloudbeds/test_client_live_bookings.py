"""Reservation and guest writes against the sandbox, and the no-duplicate retry of creates."""

import uuid
from datetime import date, timedelta

import pytest

from pms.cloudbeds import RoomChange, RoomRequest
from pms.errors import APIConnectionError, APIError, NotFoundError

from .helpers import make_client


def future(admin, days):
    return date.fromisoformat(admin.state()["today"]) + timedelta(days=days)


def first_room_type(client):
    return min(client.get_room_types().all(), key=lambda t: t.room_type_id)


def new_booking(client, admin, ref=None, days=40, **kw):
    rt = first_room_type(client)
    return client.post_reservation(
        start_date=future(admin, days),
        end_date=future(admin, days + 2),
        guest_first_name="Siti",
        guest_last_name="Rahayu",
        guest_email="siti.rahayu@example.id",
        guest_country="ID",
        guest_zip="55153",
        rooms=[RoomRequest(rt.room_type_id, adults=2)],
        third_party_identifier=ref,
        **kw,
    )


def count_with_ref(admin, ref):
    return sum(1 for t in admin.truth() if t["thirdPartyIdentifier"] == ref)


def test_post_then_put_reservation(client, admin):
    ref = uuid.uuid4().hex
    created = new_booking(
        client, admin, ref, guest_phone="+62 812 0000 1111", custom_fields={"arrival_flight": "GA204"}
    )
    assert created.reservation_id and created.status == "not_confirmed" and not created.recovered
    assert created.grand_total > 0 and created.rooms[0].adults == 2 and created.third_party_identifier == ref
    stored = client.get_reservation(created.reservation_id)
    assert stored.third_party_identifier == ref and stored.guests[0].first_name == "Siti"
    assert count_with_ref(admin, ref) == 1

    confirmed = client.put_reservation(
        created.reservation_id, status="confirmed", estimated_arrival_time="17:45"
    )
    assert confirmed.status == "confirmed" and confirmed.estimated_arrival_time == "17:45"
    room = stored.rooms[0]
    longer = client.put_reservation(
        created.reservation_id,
        rooms=[
            RoomChange(
                room.room_type_id,
                room.check_in,
                room.check_out + timedelta(days=1),
                adults=2,
                sub_reservation_id=room.sub_reservation_id,
            )
        ],
    )
    assert longer.check_out == room.check_out + timedelta(days=1)
    assert longer.total > stored.total


def test_timed_out_create_is_found_not_sent_twice(box, admin, fake_time):
    records = []
    c = make_client(box, fake_time, timeout=0.4, on_call=records.append)
    ref = uuid.uuid4().hex
    admin.fault("postReservation", "timeout", times=1, delay=1.5)  # the booking is made; the answer is late
    created = new_booking(c, admin, ref)
    assert created.recovered and created.third_party_identifier == ref
    assert count_with_ref(admin, ref) == 1
    assert [r.endpoint for r in records].count("postReservation") == 1
    assert c.stats.recovered == 1
    assert created.reservation_id in {
        t["reservationID"] for t in admin.truth() if t["thirdPartyIdentifier"] == ref
    }


def test_create_refused_before_it_happened_is_sent_again(box, admin, fake_time):
    records = []
    c = make_client(box, fake_time, on_call=records.append)
    ref = uuid.uuid4().hex
    admin.fault("postReservation", "http_503", times=1)  # served before any work is done
    created = new_booking(c, admin, ref)
    assert not created.recovered and count_with_ref(admin, ref) == 1
    assert [r.endpoint for r in records][-3:] == ["postReservation", "getReservations", "postReservation"]


def test_create_without_an_identifier_is_not_retried_blindly(box, admin, fake_time):
    c = make_client(box, fake_time, timeout=0.4)
    before = admin.state()["reservations"]
    admin.fault("postReservation", "timeout", times=1, delay=1.5)
    with pytest.raises(APIConnectionError, match="look it up in Cloudbeds before trying again"):
        new_booking(c, admin, None)
    assert admin.state()["reservations"] == before + 1  # made once, never twice


def test_past_arrival_is_refused_with_the_reason(client, admin):
    with pytest.raises(APIError, match="in the past"):
        new_booking(client, admin, uuid.uuid4().hex, days=-3)


def test_room_requests_are_checked_before_sending(client, admin):
    rt = first_room_type(client)
    with pytest.raises(ValueError, match="one RoomRequest per room type"):
        client.post_reservation(
            start_date=future(admin, 5),
            end_date=future(admin, 6),
            guest_first_name="A",
            guest_last_name="B",
            guest_email="a@b.id",
            guest_country="ID",
            guest_zip="55153",
            rooms=[RoomRequest(rt.room_type_id, 1), RoomRequest(rt.room_type_id, 2)],
        )


def test_two_rooms_of_one_type(client, admin):
    rt = max(client.get_room_types().all(), key=lambda t: t.max_guests)
    created = client.post_reservation(
        start_date=future(admin, 60),
        end_date=future(admin, 61),
        guest_first_name="Wei",
        guest_last_name="Zhang",
        guest_email="wei@example.cn",
        guest_country="CN",
        guest_zip="100000",
        rooms=[RoomRequest(rt.room_type_id, adults=2, quantity=2)],
    )
    assert len(created.rooms) == 2 and all(r.adults == 2 for r in created.rooms)


def test_guests_add_update_read(client, admin):
    booking = new_booking(client, admin, uuid.uuid4().hex)
    guest_id = client.post_guest(
        booking.reservation_id,
        first_name="Ahmad",
        last_name="Fauzi",
        email="ahmad@example.id",
        country="ID",
        phone="+62 811 222",
        city="Yogyakarta",
    )
    assert guest_id
    assert client.put_guest(guest_id, city="Sleman", birth_date=date(1990, 5, 17)) is None
    guest = client.get_guest(guest_id=guest_id)
    assert guest.guest_id == guest_id and guest.city == "Sleman" and guest.birth_date == date(1990, 5, 17)
    main = client.get_guest(reservation_id=booking.reservation_id)
    assert main.first_name == "Siti" and main.reservation_id == booking.reservation_id
    with pytest.raises(ValueError):
        client.put_guest(guest_id)
    with pytest.raises(NotFoundError):
        client.get_guest(guest_id="1")


def test_timed_out_post_guest_is_not_added_twice(box, admin, fake_time):
    c = make_client(box, fake_time, timeout=0.4)
    booking = new_booking(c, admin, uuid.uuid4().hex)
    admin.fault("postGuest", "timeout", times=1, delay=1.5)
    guest_id = c.post_guest(
        booking.reservation_id, first_name="Dewi", last_name="Lestari", email="dewi@example.id", country="ID"
    )
    guests = c.get_reservation(booking.reservation_id).guests
    assert [g.guest_id for g in guests if g.email == "dewi@example.id"] == [guest_id]
    assert c.stats.recovered == 1


def test_guest_lists_and_modified_guests(client, admin):
    client.load_property_timezone()
    progress = []
    listed = client.get_guest_list(
        page_size=50, on_page=lambda n, so_far, total: progress.append(total)
    ).all()
    assert listed and len({g.guest_id for g in listed}) == len(listed) == progress[-1]
    assert all(g.reservation_id and g.modified_at and g.modified_at.tzinfo for g in listed)
    since = min(g.modified_at for g in listed)
    modified = client.get_guests_modified(results_from=since).all()
    assert {g.guest_id for g in modified} >= {g.guest_id for g in listed}
    main_only = client.get_guest_list(exclude_secondary_guests=True).all()
    assert main_only and all(g.is_main for g in main_only)
