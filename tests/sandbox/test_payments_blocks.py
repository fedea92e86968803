"""Payments and room blocks in the sandbox: what they change (paid, balance, availability) and
what they refuse, over raw HTTP."""

from __future__ import annotations

from datetime import timedelta

from .helpers import Api, wait_for


def _future_booking(api: Api, box) -> dict:
    today = box.backend.clock.today().isoformat()
    return next(
        r
        for r in api.admin("reservations")["data"]
        if r["status"] == "confirmed" and r["startDate"] > today and r["balance"] > 0
    )


def test_payment_adds_to_paid_and_a_void_takes_it_back(api, box):
    methods = api.ok("getPaymentMethods")["data"]["methods"]
    assert {"cash", "credit", "ebanking", "qris"} <= {m["method"] for m in methods}
    res = _future_booking(api, box)
    rid = res["reservationID"]
    before = api.ok("getReservation", reservationID=rid)["data"]
    made = api.ok(
        "postPayment",
        "POST",
        data={"reservationID": rid, "type": "qris", "amount": "150000", "description": "ADF payment #7"},
    )
    assert made["paymentID"] and made["transactionID"]
    after = api.ok("getReservation", reservationID=rid)["data"]
    assert float(after["balanceDetailed"]["paid"]) == float(before["balanceDetailed"]["paid"]) + 150000
    assert float(after["balance"]) == float(before["balance"]) - 150000
    assert after["dateModified"] >= before["dateModified"]
    api.ok("postVoidPayment", "POST", data={"reservationID": rid, "paymentID": made["paymentID"]})
    voided = api.ok("getReservation", reservationID=rid)["data"]
    assert float(voided["balanceDetailed"]["paid"]) == float(before["balanceDetailed"]["paid"])
    again = api.post("postVoidPayment", {"reservationID": rid, "paymentID": made["paymentID"]}).json()
    assert again["success"] is False


def test_bad_payments_are_refused_and_change_nothing(api, box):
    res = _future_booking(api, box)
    rid = res["reservationID"]
    paid = api.ok("getReservation", reservationID=rid)["data"]["balanceDetailed"]["paid"]
    bad_type = api.post("postPayment", {"reservationID": rid, "type": "bitcoin", "amount": "10"})
    assert bad_type.status_code == 200 and bad_type.json()["success"] is False
    for form in (
        {"reservationID": rid, "type": "cash"},  # no amount
        {"reservationID": rid, "type": "cash", "amount": "-5"},
        {"reservationID": rid, "type": "cash", "amount": "ten"},
        {"type": "cash", "amount": "10"},
        {"reservationID": rid, "subReservationID": "nope", "type": "cash", "amount": "10"},
    ):
        resp = api.post("postPayment", form)
        assert resp.status_code == 400 and resp.json()["success"] is False, form
    api.refused(api.post("postPayment", {"reservationID": "1", "type": "cash", "amount": "10"}), "not_found")
    assert api.ok("getReservation", reservationID=rid)["data"]["balanceDetailed"]["paid"] == paid


def _free_room(api: Api, start, end) -> dict:
    rooms = api.ok("getRooms", startDate=start.isoformat(), endDate=end.isoformat(), pageSize=100)
    return rooms["data"][0]["rooms"][0]


def _available(api: Api, room_type: str, start, end) -> int:
    body = api.ok(
        "getAvailableRoomTypes", startDate=start.isoformat(), endDate=end.isoformat(), rooms=1, adults=1
    )
    for prop in body["data"]:
        for rt in prop["propertyRooms"]:
            if rt["roomTypeID"] == room_type:
                return int(rt["roomsAvailable"])
    return 0


def test_a_blocked_room_is_not_available_until_the_block_is_removed(api, box, receiver):
    for action in ("created", "details_changed", "removed"):
        api.ok(
            "postWebhook",
            "POST",
            data={"object": "roomblock", "action": action, "endpointUrl": receiver.url},
        )
    start = box.backend.clock.today() + timedelta(days=40)
    end = start + timedelta(days=2)
    late = (end + timedelta(days=3), end + timedelta(days=4))
    room = _free_room(api, start, late[1])
    free_before = _available(api, room["roomTypeID"], start, end + timedelta(days=1))
    free_late = _available(api, room["roomTypeID"], *late)
    block = api.ok(
        "postRoomBlock",
        "POST",
        data={
            "roomBlockType": "out_of_service",
            "roomBlockReason": "AC repair",
            "startDate": start.isoformat(),
            "endDate": end.isoformat(),
            "rooms[0][roomID]": room["roomID"],
        },
    )
    bid = block["roomBlockID"]
    assert [r["roomID"] for r in block["rooms"]] == [room["roomID"]]
    assert _available(api, room["roomTypeID"], start, end + timedelta(days=1)) == free_before - 1
    free_ids = {
        r["roomID"]
        for r in api.ok("getRooms", startDate=start.isoformat(), endDate=end.isoformat(), pageSize=100)[
            "data"
        ][0]["rooms"]
    }
    assert room["roomID"] not in free_ids
    # The same room cannot be blocked twice on the same night.
    clash = api.post(
        "postRoomBlock",
        {
            "roomBlockType": "blocked_dates",
            "startDate": end.isoformat(),
            "endDate": end.isoformat(),
            "rooms[0][roomID]": room["roomID"],
        },
    ).json()
    assert clash["success"] is False
    listed = api.ok(
        "getRoomBlocks", startDate=start.isoformat(), endDate=end.isoformat(), roomID=room["roomID"]
    )
    assert [b["roomBlockID"] for b in listed["data"]["roomBlocks"]] == [bid]
    api.ok("putRoomBlock", "PUT", data={"roomBlockID": bid, "endDate": (end + timedelta(days=3)).isoformat()})
    assert _available(api, room["roomTypeID"], *late) == free_late - 1
    api.ok("deleteRoomBlock", "POST", data={"roomBlockID": bid})
    assert _available(api, room["roomTypeID"], start, end + timedelta(days=1)) == free_before
    assert api.ok("getRoomBlocks", roomBlockID=bid, startDate=start.isoformat())["data"]["roomBlocks"] == []
    events = wait_for(lambda: len(receiver.bodies) >= 3 and list(receiver.bodies))
    assert [e["event"] for e in events] == [
        "roomblock/created",
        "roomblock/details_changed",
        "roomblock/removed",
    ]
    assert {e["roomBlockID"] for e in events} == {bid}
    assert events[0]["rooms"] == [{"roomID": room["roomID"], "roomTypeID": room["roomTypeID"]}]


def test_room_block_refusals(api, box):
    today = box.backend.clock.today()
    window = (today + timedelta(days=1)).isoformat()
    for form in (
        {"roomBlockType": "nap", "startDate": window, "endDate": window, "rooms[0][roomID]": "x"},
        {"roomBlockType": "blocked_dates", "startDate": window, "endDate": window},
        {"roomBlockType": "blocked_dates", "startDate": window, "endDate": window, "rooms[0][roomID]": "x"},
        {
            "roomBlockType": "blocked_dates",
            "startDate": window,
            "endDate": today.isoformat(),
            "rooms[0][roomID]": "x",
        },
    ):
        assert api.post("postRoomBlock", form).status_code == 400, form
    too_long = api.get(
        "getRoomBlocks", startDate=today.isoformat(), endDate=(today + timedelta(days=36)).isoformat()
    )
    assert too_long.status_code == 400
    api.refused(api.post("deleteRoomBlock", {"roomBlockID": "404"}), "not_found")
