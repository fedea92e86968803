"""The pure projector: mirror rows + mappings + links + the desk's state → actions, rule by rule."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from pms.adf.model import AdfBooking, AdfGuest, DeskState, Occupant

from .builders import TODAY, applied, desk, room, run, stay, with_values


def _one(actions, kind=None):
    assert len(actions) == 1, [(a.kind, a.summary) for a in actions]
    if kind:
        assert actions[0].kind == kind, (actions[0].kind, actions[0].summary)
    return actions[0]


def test_one_booking_per_assigned_room_with_the_fields_adf_shows():
    (a,) = run([stay()])
    assert a.kind == "create"
    b = a.booking
    assert b["booking_code"] == "CB9001"
    assert (b["room_id"], b["total_nights"], b["adults"], b["children"]) == (21, 2, 2, 0)
    assert (b["status"], b["booking_source"], b["ota_source_detail"]) == ("confirmed", "ota", "agoda")
    assert b["final_price"] == b["total_price"] == Decimal("1210000.00") and b["room_price"] == Decimal(
        "605000.00"
    )
    assert (b["payment_status"], b["paid_amount"]) == ("unpaid", Decimal("0.00"))
    assert b["notes"] == "Cloudbeds #9001 · Agoda (Hotel Collect) AG-55"
    assert a.guest["guest_name"] == "Siti Rahayu" and a.guest["id_card_number"] == "CB-G1"
    assert a.link["how"] == "created" and a.link["state"] == "active"


def test_rule_01_a_two_room_stay_is_two_bookings():
    two = stay("9002", room("S1", rid="R201"), room("S2", rid="R202"))
    actions = run([two])
    assert [a.kind for a in actions] == ["create", "create"]
    assert [a.booking["booking_code"] for a in actions] == ["CB9002", "CB9002-2"]
    assert {a.guest_key for a in actions} == {"G1"}  # one guest for both rooms


def test_rule_09_each_room_gets_its_share_of_the_grand_total():
    three = stay(
        "9003",
        room("S1", rid="R101", type_id="RT-SUP", total="600000"),
        room("S2", rid="R201", total="900000"),
        room("S3", rid="R202", total="900000"),
        total="2904000.01",
        paid="1000000",
    )
    shares = [a.booking["final_price"] for a in run([three])]
    assert shares[0] == Decimal("726000.00") and sum(shares) == Decimal("2904000.01")
    paid = [a.booking["paid_amount"] for a in run([three])]
    assert sum(paid) == Decimal("1000000.00")
    assert {a.booking["payment_status"] for a in run([three])} == {"partial"}


def test_unassigned_room_waits_with_what_to_do():
    a = _one(run([stay("9004", room(rid=None))]), "warn")
    assert "assign a room in Cloudbeds" in a.summary and a.link["problem_kind"] == "unassigned"


def test_unmapped_room_type_or_room_waits():
    a = _one(run([stay("9005", room(type_id="RT-NEW", rid="R999"))]), "warn")
    assert a.link["problem_kind"] == "unmapped" and "room type RT-NEW" in a.summary
    a = _one(run([stay("9006", room(rid="R999"))]), "warn")
    assert "map Cloudbeds room" in a.summary


def test_never_a_double_booked_room():
    start = TODAY + timedelta(days=10)
    state = DeskState(
        occupants=[Occupant(42, 21, start - timedelta(days=1), start + timedelta(days=1), "BK-0042")]
    )
    a = _one(run([stay()], state=state), "warn")
    assert a.link["problem_kind"] == "conflict"
    assert a.summary.startswith("room 201 holds BK-0042 on ") and "move one of them" in a.summary
    # Two Cloudbeds stays wanting the same ADF room on the same nights: the second waits.
    actions = run([stay("9007"), stay("9008")])
    assert [a.kind for a in actions] == ["create", "warn"]
    assert "CB9007" in actions[1].summary


def test_rule_03_a_booking_typed_at_the_desk_is_linked_not_duplicated():
    start = TODAY + timedelta(days=10)
    typed = AdfBooking(
        77,
        {
            "booking_code": "BK-0077",
            "room_id": 22,
            "check_in_date": start,
            "check_out_date": start + timedelta(days=2),
            "status": "confirmed",
            "guest_id": 5,
            "final_price": Decimal(1100000),
        },
        guest_name="Ibu Siti R.",
    )
    a = _one(run([stay()], state=DeskState(candidates=[typed])), "link")
    assert a.booking_id == 77 and a.link["how"] == "linked" and a.booking == {}  # the desk's row untouched
    # Same stay but no shared name word (titles ignored): a new booking instead.
    other = AdfBooking(78, {**typed.values, "booking_code": "BK-0078"}, guest_name="Mr Budi")
    assert _one(run([stay()], state=DeskState(candidates=[other]))).kind == "create"


def test_the_projection_is_idempotent():
    first = run([stay(), stay("9010", room("S9", rid="R101", type_id="RT-SUP"))])
    links, state = applied(first)
    assert (
        run([stay(), stay("9010", room("S9", rid="R101", type_id="RT-SUP"))], links=links, state=state) == []
    )


def test_cloudbeds_changes_follow_and_staff_changes_stand():
    links, state = applied(run([stay()]))
    later = stay("9001", room(nights=3, adults=3), total="1815000")
    a = _one(run([later], links=links, state=state), "update")
    assert a.booking["check_out_date"] == room().check_in + timedelta(days=3)
    assert a.booking["adults"] == 3 and a.booking["final_price"] == Decimal("1815000.00")
    # Staff changed the adults in ADF; Cloudbeds did not: nothing is written.
    links, state = applied(run([stay()]))
    state = with_values(state, 500, adults=1, notes="late arrival")
    assert run([stay()], links=links, state=state) == []


def test_room_move_and_a_move_onto_an_occupied_room():
    links, state = applied(run([stay()]))
    a = _one(run([stay("9001", room(rid="R202"))], links=links, state=state), "move")
    assert a.booking == {"room_id": 22}
    start = TODAY + timedelta(days=10)
    state.occupants.append(Occupant(99, 22, start, start + timedelta(days=1), "BK-0099"))
    a = _one(run([stay("9001", room(rid="R202"))], links=links, state=state), "warn")
    assert a.link["problem_kind"] == "conflict" and "BK-0099" in a.summary


def test_rule_06_cancel_only_pending_unpaid_not_checked_in():
    cancelled = stay(status="canceled")
    links, state = applied(run([stay()]))
    assert _one(run([cancelled], links=links, state=state), "cancel").booking["status"] == "cancelled"
    assert _one(run([stay(status="no_show")], links=links, state=state), "cancel")
    # Money recorded at the desk: a person cancels and refunds.
    paid = with_values(applied(run([stay()]))[1], 500, paid_amount=Decimal(250000))
    a = _one(run([cancelled], links=links, state=paid), "warn")
    assert a.link["problem_kind"] == "cancel" and "refund it by hand" in a.summary
    # Checked in at the desk: never touched.
    inhouse = with_values(applied(run([stay()]))[1], 500, status="checked_in")
    assert "left untouched" in _one(run([cancelled], links=links, state=inhouse), "warn").summary
    # Channel Collect: the OTA took the money and refunds it, so the booking cancels.
    ota = stay(status="canceled", collect="channel")
    assert _one(run([ota], links=links, state=paid), "cancel")


def test_rule_06_a_payment_row_is_money_recorded():
    links, state = applied(run([stay()]))
    b = state.bookings[500]
    state.bookings[500] = AdfBooking(b.id, b.values, b.guest_name, payments=Decimal(100000))
    assert "refund" in _one(run([stay(status="canceled")], links=links, state=state), "warn").summary


def test_rule_10_hotel_made_price_stands_until_cloudbeds_changes_it():
    start = TODAY + timedelta(days=10)
    typed = AdfBooking(
        77,
        {
            "booking_code": "BK-0077",
            "room_id": 21,
            "check_in_date": start,
            "check_out_date": start + timedelta(days=2),
            "status": "confirmed",
            "guest_id": 5,
            "final_price": Decimal(1100000),
            "total_price": Decimal(1100000),
            "room_price": Decimal(550000),
            "total_nights": 2,
        },
        guest_name="Siti",
    )
    a = _one(run([stay()], state=DeskState(candidates=[typed])), "link")
    links, state = applied([a])
    state.bookings[77] = typed
    assert run([stay()], links=links, state=state) == []  # Cloudbeds unchanged: the desk's 1,100,000 stands
    a = _one(
        run([stay(total="1331000")], links=links, state=state), "update"
    )  # changed in Cloudbeds: it wins
    assert a.booking["final_price"] == Decimal("1331000.00")


def test_rule_11_a_total_more_than_twice_adf_is_not_imported():
    links, state = applied(run([stay()]))
    a = _one(run([stay(total="3000000")], links=links, state=state), "warn")
    assert a.link["problem_kind"] == "price" and "more than twice" in a.summary
    # A longer stay is not a broken folio.
    longer = stay("9001", room(nights=5), total="3025000")
    assert _one(run([longer], links=links, state=state)).kind == "update"


def test_rule_13_a_lower_price_on_a_hotel_made_booking_is_a_task_for_a_person():
    start = TODAY + timedelta(days=10)
    typed = AdfBooking(
        77,
        {
            "booking_code": "BK-0077",
            "room_id": 21,
            "check_in_date": start,
            "check_out_date": start + timedelta(days=2),
            "status": "confirmed",
            "final_price": Decimal(1210000),
            "total_nights": 2,
        },
        guest_name="Siti",
    )
    links, state = applied(run([stay()], state=DeskState(candidates=[typed])))
    state.bookings[77] = typed
    a = _one(run([stay(total="1000000")], links=links, state=state), "warn")
    assert "task for a person" in a.summary
    # A booking Cloudbeds created follows Cloudbeds (the OTA price master) down as well.
    links, state = applied(run([stay()]))
    assert _one(run([stay(total="1000000")], links=links, state=state), "update")


def test_a_desk_check_in_stands_while_cloudbeds_still_says_confirmed():
    links, state = applied(run([stay()]))
    state = with_values(state, 500, status="checked_in")
    assert run([stay()], links=links, state=state) == []
    # Cloudbeds catches up: our echo, only the link moves.
    a = _one(run([stay(status="checked_in")], links=links, state=state), "refresh")
    assert a.link["synced"]["booking"]["status"] == "checked_in"


def test_guest_renamed_to_a_name_latin1_cannot_hold():
    the_desk = desk(latin1=True, enums=False)
    links, state = applied(run([stay()], the_desk=the_desk))
    state.guests[70] = AdfGuest(70, {"guest_name": "Siti Rahayu", "email": "siti@example.id"})
    a = _one(
        run([stay(first="Nguyễn Thị", last="Hoà")], links=links, state=state, the_desk=the_desk), "update"
    )
    assert a.guest == {"guest_name": "Nguyen Thi Hoa"} and a.guest_id == 70
    assert a.link["problem_kind"] == "adapted" and "Nguyen Thi Hoa" in a.link["problem"]
    a = _one(
        run(
            [stay(first="李", last="小龙", email="li.xiaolong@mail.cn")],
            links=links,
            state=state,
            the_desk=the_desk,
        )
    )
    assert a.guest["guest_name"] == "Li Xiaolong"


def test_a_known_guest_is_found_by_email_or_phone():
    state = DeskState(guests_by_email={"siti@example.id": AdfGuest(9, {"guest_name": "Siti"})})
    a = _one(run([stay()], state=state), "create")
    assert a.guest_id == 9 and a.guest == {}


def test_cancelled_or_past_stays_are_not_written():
    assert run([stay(status="canceled")]) == []
    assert run([stay("9011", room(start=TODAY - timedelta(days=10)))]) == []
    assert run([stay(deleted=True)]) == []


def test_a_booking_deleted_at_the_desk_is_not_written_again():
    links, state = applied(run([stay()]))
    del state.bookings[500]
    a = _one(run([stay()], links=links, state=state), "warn")
    assert a.link["state"] == "gone"


def test_production_variant_words_and_missing_columns():
    the_desk = desk(latin1=True, enums=False, ota_detail=False)
    a = _one(run([stay()], the_desk=the_desk), "create")
    assert "ota_source_detail" not in a.booking and a.booking["booking_source"] == "ota"


def test_rule_05_an_unknown_cloudbeds_status_is_written_in_adfs_words_and_warned():
    a = _one(run([stay(status="in_review")]), "create")
    assert a.booking["status"] == "confirmed"
    assert any("'in_review' is not one ADF knows" in w for w in a.warnings)


def test_rule_07_a_reservation_deleted_in_cloudbeds_cancels_its_booking_never_deletes_it():
    links, state = applied(run([stay()]))
    a = _one(run([stay(deleted=True)], links=links, state=state), "cancel")
    assert a.booking == {"status": "cancelled"} and a.booking_id == 500
    gone_room = stay("9001", room(deleted=True))
    assert _one(run([gone_room], links=links, state=state), "cancel").booking["status"] == "cancelled"


def test_rule_02_ids_stay_strings_in_codes_and_links():
    big = "52000000000000000001"  # beyond 64 bits
    (a,) = run([stay(big)])
    assert (
        a.reservation_id == big
        and a.booking["booking_code"].startswith("CB")
        and len(a.booking["booking_code"]) <= 20
    )
