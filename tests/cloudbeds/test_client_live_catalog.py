"""Catalogue methods against the sandbox over loopback HTTP: property, room types, rooms, sources, user."""

from datetime import timedelta

from pms.cloudbeds import Hotel


def test_get_hotels_teaches_the_client_its_time_zone(client, box):
    assert client.property_timezone is None
    hotels = client.get_hotels().all()
    assert [h.property_id for h in hotels] == [box.property_id]
    assert isinstance(hotels[0], Hotel) and hotels[0].timezone == "Asia/Jakarta"
    assert str(client.property_timezone) == "Asia/Jakarta"
    assert hotels[0].currency.code == "IDR"


def test_load_property_timezone(client):
    assert client.load_property_timezone() == "Asia/Jakarta"
    assert str(client.property_timezone) == "Asia/Jakarta"


def test_hotel_details(client, box):
    details = client.get_hotel_details()
    assert details.property_id == box.property_id
    assert details.name and details.currency.code == "IDR"
    assert details.check_in_time is not None and details.country


def test_room_types_and_rooms_with_paging_progress(client):
    types = client.get_room_types().all()
    assert len(types) >= 5 and all(t.room_type_id and t.max_guests for t in types)
    progress = []
    rooms = client.get_rooms(
        page_size=1, on_page=lambda n, so_far, total: progress.append((n, so_far, total))
    ).all()
    assert len(rooms) >= 30
    assert {r.room_type_id for r in rooms} <= {t.room_type_id for t in types}
    assert progress[-1][1] == len(rooms)  # items so far counts rooms; total counts properties
    assert len({r.room_id for r in rooms}) == len(rooms)


def test_rooms_free_in_a_window_are_a_subset(client, admin):
    today = __import__("datetime").date.fromisoformat(admin.state()["today"])
    every = {r.room_id for r in client.get_rooms()}
    free = {r.room_id for r in client.get_rooms(start_date=today, end_date=today + timedelta(days=2))}
    assert free <= every and len(free) < len(every)


def test_sources_payment_collect_is_hotel_or_channel(client):
    sources = client.get_sources()
    collect = {s.payment_collect for s in sources}
    assert collect == {"hotel", "channel"}
    assert any(s.is_third_party for s in sources) and any(not s.is_third_party for s in sources)


def test_userinfo(client):
    user = client.userinfo(role_details=True)
    assert user.user_id and user.email and "read:reservation" in user.acl


def test_every_attempt_is_reported_with_its_request_id(client):
    client.get_hotels().all()
    client.get_sources()
    assert [r.endpoint for r in client.records] == ["getHotels", "getSources"]
    for record in client.records:
        assert record.http_status == 200 and record.request_id and record.method == "GET"
        assert record.property_id == client.property_id and record.started_at.tzinfo is not None
        assert record.response_summary.startswith("success")
    assert client.stats.calls == 2 and client.stats.errors == 0
