"""Wire payloads (shaped like API.md's examples) become typed records; odd values are reported."""

from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from pms.cloudbeds import normalize
from pms.cloudbeds.wire import Reader

JAKARTA = ZoneInfo("Asia/Jakarta")


def reader(zone=JAKARTA):
    warnings = []
    return Reader(zone, warnings.append), warnings


def test_hotel_and_details_currency_shapes():
    r, w = reader()
    h = normalize.hotel(
        r,
        {
            "propertyID": 318204,
            "organizationID": "9120",
            "propertyName": "Casa Lumen",
            "propertyTimezone": "Europe/Lisbon",
            "propertyImage": "https://img/x.jpg",
            "propertyCurrency": [{"currencyCode": "EUR", "currencySymbol": "€", "currencyPosition": "after"}],
            "newThing": 1,
        },
    )
    assert h.property_id == "318204" and h.timezone == "Europe/Lisbon" and h.currency.code == "EUR"
    assert h.extra == {"newThing": 1}
    d = normalize.hotel_details(
        r,
        {
            "propertyID": "318204",
            "propertyName": "Casa Lumen",
            "propertyCurrency": {"currencyCode": "EUR", "currencyDecimalSeparator": ","},
            "propertyAddress": {
                "propertyCity": "Lisboa",
                "propertyLatitude": "38.7102",
                "propertyCountry": "PT",
            },
            "propertyPolicy": {
                "propertyCheckInTime": "15:00:00",
                "propertyCheckOutTime": "11:00:00",
                "propertyLateCheckOutAllowed": False,
            },
            "propertyAmenities": ["wifi"],
        },
    )
    assert d.currency.decimal_separator == "," and d.latitude == Decimal("38.7102")
    assert d.check_in_time == time(15, 0) and d.city == "Lisboa" and d.amenities == ("wifi",)
    assert d.extra["propertyPolicy"] == {"propertyLateCheckOutAllowed": False}
    assert w == []


def test_rooms_are_flattened_and_sources_normalise_payment_collect():
    r, _ = reader()
    rooms = normalize.rooms(
        r,
        {
            "propertyID": "318204",
            "rooms": [
                {
                    "roomID": "671101-1",
                    "roomName": "101",
                    "maxGuests": "2",
                    "isPrivate": True,
                    "roomTypeID": 671101,
                    "roomBlocked": "0",
                }
            ],
        },
    )
    assert rooms[0].property_id == "318204" and rooms[0].max_guests == 2 and rooms[0].room_type_id == "671101"
    assert rooms[0].blocked is False
    s = normalize.source(
        r,
        {
            "sourceID": "ss-4417-0",
            "sourceName": "Agoda (Channel Collect)",
            "status": True,
            "commission": 15,
            "paymentCollect": "channel",
            "isThirdParty": True,
            "fees": [{"feeID": 3, "name": "Service", "amount": "1.5", "amountType": "fixed"}],
        },
    )
    assert s.payment_collect == "channel" and s.commission == Decimal(15)
    assert s.fees[0].charge_id == "3" and s.fees[0].amount == Decimal("1.5")


RATE_DETAILS = {
    "propertyID": "318204",
    "reservationID": "1402857369",
    "isDeleted": False,
    "dateCreated": "2026-11-20 21:02:11",
    "dateCreatedUTC": "2026-11-20 14:02:11",
    "dateModified": "2026-11-24 16:31:50",
    "dateModifiedUTC": "2026-11-24 09:31:50",
    "status": "confirmed",
    "reservationCheckIn": "2026-12-20",
    "reservationCheckOut": "2026-12-23",
    "guestID": "98221450",
    "sourceName": "Booking.com (Hotel Collect)",
    "source": {
        "name": "Booking.com",
        "paymentCollect": "collect",
        "sourceID": "ss-4417-1",
        "category": "OTA",
    },
    "propertyCurrency": "IDR",
    "balanceDetailed": {
        "suggestedDeposit": "0.00",
        "subTotal": 420,
        "additionalItems": 0,
        "taxesFees": 15,
        "grandTotal": 435.1,
        "paid": "100",
    },
    "detailedRates": {"2026-12-20": 140, "2026-12-21": "140.00", "2026-12-22": 140},
    "rooms": [
        {
            "roomTypeID": "671101",
            "subReservationID": "1402857369-1",
            "rateID": "2209871",
            "adults": "2",
            "children": "0",
            "roomID": "671101-1",
            "roomCheckIn": "2026-12-20",
            "roomCheckOut": "2026-12-23",
            "roomStatus": "not_checked_in",
            "detailedRoomRates": {"2026-12-20": 140, "2026-12-21": 140},
        }
    ],
    "total": 435.1,
    "balance": 335.1,
    "dateImported": "2026-11-20 14:02:11",
}


def test_reservation_from_rate_details_prefers_utc_twins_and_money_is_decimal():
    r, w = reader()
    res = normalize.reservation(r, RATE_DETAILS)
    assert res.created_at == datetime(2026, 11, 20, 14, 2, 11, tzinfo=UTC)
    assert res.modified_at == datetime(2026, 11, 24, 9, 31, 50, tzinfo=UTC)
    assert res.check_in == date(2026, 12, 20) and res.check_out == date(2026, 12, 23)
    assert res.total == Decimal("435.1") and res.paid == Decimal(100) and res.balance == Decimal("335.1")
    assert res.payment_collect == "channel" and res.source_id == "ss-4417-1" and res.source_category == "OTA"
    assert res.currency == "IDR" and res.adults == 2 and res.children == 0
    assert res.detailed_rates[date(2026, 12, 21)] == Decimal("140.00")
    room = res.rooms[0]
    assert room.adults == 2 and room.rate_id == "2209871" and room.total == Decimal(280)
    assert res.extra == {"dateImported": "2026-11-20 14:02:11"}
    assert w == []


def test_reservation_local_timestamps_are_converted_with_the_property_zone():
    r, _ = reader()
    res = normalize.reservation(
        r,
        {
            "reservationID": "1",
            "dateCreated": "2026-11-20 21:02:11",
            "startDate": "2026-12-20",
            "endDate": "2026-12-23",
            "status": "confirmed",
        },
    )
    assert res.created_at == datetime(2026, 11, 20, 14, 2, 11, tzinfo=UTC)


def test_unknown_zone_is_reported_once_and_read_as_utc():
    r, w = reader(zone=None)
    for _ in range(3):
        res = normalize.reservation(r, {"reservationID": "1", "dateModified": "2026-11-20 21:02:11"})
    assert res.modified_at == datetime(2026, 11, 20, 21, 2, 11, tzinfo=UTC)
    assert len([m for m in w if "time zone unknown" in m]) == 1


def test_get_reservation_shape_guest_map_and_card_data_dropped():
    r, w = reader()
    res = normalize.reservation(
        r,
        {
            "reservationID": "1402857369",
            "status": "checked_in",
            "startDate": "2026-12-20",
            "endDate": "2026-12-23",
            "source": "Booking.com",
            "sourceID": "ss-4417-1",
            "total": 435,
            "balance": 435,
            "balanceDetailed": [{"grandTotal": 200, "paid": 0}, {"grandTotal": 235, "paid": 10}],
            "guestList": {
                "98221450": {
                    "guestFirstName": "Sri",
                    "guestLastName": "Wahyuni",
                    "guestEmail": "sri@x.id",
                    "guestStatus": "in_house",
                    "isMainGuest": True,
                    "guestBirthdate": "0000-00-00",
                }
            },
            "assigned": [
                {
                    "subReservationID": "1402857369-1",
                    "roomTypeID": "671101",
                    "adults": "2",
                    "children": "1",
                    "roomTotal": "420.00",
                    "dailyRates": [{"date": "2026-12-20", "rate": 140}],
                    "startDate": "2026-12-20",
                    "endDate": "2026-12-23",
                }
            ],
            "unassigned": [],
            "cardsOnFile": [{"cardID": "1", "cardNumber": "1111", "cardType": "visa"}],
        },
    )
    assert res.source_name == "Booking.com" and res.total == Decimal(435) and res.paid == Decimal(10)
    assert res.guests[0].guest_id == "98221450" and res.guests[0].birth_date is None
    assert res.guests[0].is_main is True and res.guests[0].status == "in_house"
    assert res.guest_id == "98221450"  # getReservation names the main guest only in guestList
    assert res.rooms[0].total == Decimal("420.00") and res.rooms[0].daily_rates == {
        date(2026, 12, 20): Decimal(140)
    }
    assert res.adults == 2 and res.children == 1
    assert "cardsOnFile" not in res.extra and "1111" not in repr(res)
    assert w == []


def test_empty_php_maps_unknown_statuses_and_garbage_are_tolerated_and_reported():
    r, w = reader()
    res = normalize.reservation(
        r,
        {
            "reservationID": "9",
            "status": "on_hold",
            "guestList": [],
            "detailedRates": [],
            "balance": "n/a",
            "adults": "two",
        },
    )
    assert res.status == "on_hold" and res.guests == () and res.detailed_rates == {}
    assert res.balance is None and res.adults is None
    assert any("unknown reservation 9 status 'on_hold'" in m for m in w)
    assert any("balance" in m for m in w) and any("adults" in m for m in w)


def test_guest_variants():
    r, _ = reader()
    listed = normalize.guest(
        r,
        {
            "reservationID": "1",
            "guestName": "Budi Santoso",
            "guestEmail": "b@x.id",
            "dateModified": "2026-11-24 16:31:50",
            "isMainGuest": True,
            "status": "confirmed",
            "guestAddress1": "Jl. Merdeka 1",
            "guestBirthDate": "",
        },
        key="77",
    )
    assert listed.guest_id == "77" and listed.address1 == "Jl. Merdeka 1" and listed.birth_date is None
    assert listed.modified_at == datetime(2026, 11, 24, 9, 31, 50, tzinfo=UTC)
    modified = normalize.guest(
        r,
        {
            "guestID": 78,
            "startDate": "2026-12-20 00:00:00",
            "endDate": "2026-12-23 00:00:00",
            "customFields": [{"customFieldName": "nik", "customFieldValue": "123"}],
        },
    )
    assert (
        modified.guest_id == "78"
        and modified.check_in == date(2026, 12, 20)
        and modified.custom_fields == {"nik": "123"}
    )
    single = normalize.guest(
        r,
        {"firstName": "Marta", "lastName": "Ribeiro", "address": "Av. 10", "birthDate": "1988-04-02"},
        guest_id="98221450",
    )
    assert (
        single.guest_id == "98221450"
        and single.first_name == "Marta"
        and single.birth_date == date(1988, 4, 2)
    )


def test_rate_plans_rate_and_jobs():
    r, w = reader()
    plan = normalize.rate_plan(
        r,
        {
            "rateID": "2209871",
            "isDerived": False,
            "roomRate": "420",
            "roomTypeID": "671101",
            "roomTypeName": "Standard Double",
            "promoCode": False,
            "roomRateDetailed": [
                {"date": "2026-12-20", "rateBase": 140, "minLos": "1", "closedToArrival": False}
            ],
        },
    )
    assert plan.daily[0].rate == Decimal(140) and plan.daily[0].min_los == 1 and plan.promo_code is None
    base = normalize.rate_plan(
        r,
        {"rateID": "1", "roomRateDetailed": [{"date": "2026-12-20", "rate": "140.00"}]},
        room_type_id="671101",
    )
    assert base.room_type_id == "671101" and base.daily[0].rate == Decimal("140.00")
    job = normalize.rate_job(
        r,
        {
            "jobReferenceID": "rj_1",
            "dateCreated": "2026-11-25",
            "status": "completed",
            "updates": [{"rateID": "2209871", "action": "updated", "rate": 145}],
        },
    )
    assert job.finished and job.updates[0].rate == Decimal(145)
    assert w == []


def test_available_room_types_and_webhooks_and_user():
    r, _ = reader()
    types = normalize.available_room_types(
        r,
        {
            "propertyID": "318204",
            "propertyCurrency": [{"currencyCode": "IDR"}],
            "propertyRooms": [
                {
                    "roomTypeID": "671101",
                    "roomsAvailable": "3",
                    "roomRate": 420,
                    "roomRateDetailed": [{"date": "2026-12-20", "rate": 140}],
                    "individualRooms": [{"roomID": "671101-1"}],
                }
            ],
        },
    )
    assert (
        types[0].currency == "IDR"
        and types[0].rooms_available == 3
        and types[0].individual_room_ids == ("671101-1",)
    )
    hook = normalize.webhook(
        r,
        {
            "id": "ws_1",
            "key": {"type": "property", "id": "318204"},
            "event": {"entity": "reservation", "action": "created"},
            "subscriptionData": {"endpoint": "https://x/hook"},
        },
    )
    assert hook.event == "reservation/created" and hook.endpoint_url == "https://x/hook"
    user = normalize.user_info(r, {"user_id": 5, "first_name": "Ani", "acl": ["a"], "roles": [{"id": 1}]})
    assert user.user_id == "5" and user.acl == ("a",)


def test_created_reservation_counts_are_ints_on_create():
    r, _ = reader()
    c = normalize.created_reservation(
        r,
        {
            "success": True,
            "reservationID": "1402861170",
            "status": "confirmed",
            "guestID": "98223377",
            "startDate": "2026-12-27",
            "endDate": "2026-12-29",
            "dateCreated": "2026-11-25 17:15:02",
            "grandTotal": 280,
            "unassigned": [
                {
                    "subReservationID": "1402861170-1",
                    "roomTypeID": "671101",
                    "adults": 2,
                    "children": 0,
                    "roomTotal": 280,
                }
            ],
        },
    )
    assert c.grand_total == Decimal(280) and c.rooms[0].adults == 2 and "success" not in c.extra
    assert c.created_at == datetime(2026, 11, 25, 10, 15, 2, tzinfo=UTC)
