"""Guest reads and writes: map-shaped lists, per-room rows, renamed fields, partial updates."""

from __future__ import annotations

from datetime import timedelta


def _future_reservation(api, box) -> dict:
    today = box.backend.clock.today().isoformat()
    return next(
        r for r in api.admin("reservations")["data"] if r["status"] == "confirmed" and r["startDate"] > today
    )


def test_guest_list_is_a_map_keyed_by_guest_id(api):
    body = api.ok("getGuestList", pageSize=10, includeGuestInfo="true")
    assert isinstance(body["data"], dict) and body["count"] == 10 and body["total"] >= 120
    guest_id, entry = next(iter(body["data"].items()))
    assert entry["guestID"] == guest_id and "guestAddress1" in entry and "guestBirthDate" in entry
    plain = api.ok("getGuestList", pageSize=1)["data"]
    assert "guestFirstName" not in next(iter(plain.values()))
    ids = []
    page = 1
    while True:
        body = api.ok("getGuestList", pageSize=50, pageNumber=page)
        ids += list(body["data"])
        if (page - 1) * 50 + body["count"] >= body["total"]:
            break
        page += 1
    assert len(ids) == len(set(ids)) == body["total"]


def test_guest_list_filters(api):
    main_only = api.ok("getGuestList", excludeSecondaryGuests="true", pageSize=100)
    assert all(g["isMainGuest"] for g in main_only["data"].values())
    checked_out = api.ok("getGuestList", status="checked_out", pageSize=100)["data"]
    assert checked_out and all(g["status"] == "checked_out" for g in checked_out.values())
    some = next(iter(checked_out.values()))
    by_name = api.ok("getGuestList", guestLastName=some["guestName"].split()[-1], pageSize=100)["data"]
    assert some["guestID"] in by_name


def test_guests_modified_defaults_to_today_and_takes_windows(api, box):
    assert api.ok("getGuestsModified")["total"] == 0  # seeded changes are all before today
    res = _future_reservation(api, box)
    guest_id = res["guests"][0]["guestID"]
    api.ok("putGuest", "PUT", data={"guestID": guest_id, "guestCity": "Sleman"})
    today_rows = api.ok("getGuestsModified")["data"]
    assert [r["guestID"] for r in today_rows] == [guest_id]
    assert today_rows[0]["guestCity"] == "Sleman" and today_rows[0]["startDate"].endswith(" 00:00:00")
    since = (box.backend.clock.today() - timedelta(days=30)).isoformat()
    window = api.ok("getGuestsModified", resultsFrom=f"{since} 00:00:00", pageSize=100)
    assert window["total"] > 1


def test_get_guest_by_id_or_reservation(api, box):
    res = _future_reservation(api, box)
    main = res["guests"][0]
    by_id = api.ok("getGuest", guestID=main["guestID"])["data"]
    by_res = api.ok("getGuest", reservationID=res["reservationID"])["data"]
    assert by_id == by_res and by_id["firstName"] == main["firstName"] and "guestID" not in by_id
    assert api.get("getGuest").status_code == 400
    api.refused(api.get("getGuest", guestID="42"), "not_found")


def test_post_and_put_guest(api, box):
    res = _future_reservation(api, box)
    resp = api.ok(
        "postGuest",
        "POST",
        data={
            "reservationID": res["reservationID"],
            "guestFirstName": "فاطمة",
            "guestLastName": "الحربي",
            "guestEmail": "f@example.com",
            "guestCountry": "sa",
            "guestDocumentType": "passport",
            "customFields[0][customFieldName]": "diet",
            "customFields[0][customFieldValue]": "halal",
        },
    )
    guest_id = resp["guestID"]
    detail = api.ok("getReservation", reservationID=res["reservationID"])["data"]
    assert guest_id in detail["guestList"] and detail["guestList"][guest_id]["isMainGuest"] is False
    assert detail["guestList"][guest_id]["guestCountry"] == "SA"
    # putGuest spells the document type "driver_licence" and takes guestCustomFields.
    assert (
        api.put("putGuest", {"guestID": guest_id, "guestDocumentType": "driver_license"}).status_code == 400
    )
    api.ok(
        "putGuest",
        "PUT",
        data={
            "guestID": guest_id,
            "guestDocumentType": "driver_licence",
            "guestCustomFields[0][customFieldName]": "diet",
            "guestCustomFields[0][customFieldValue]": "vegetarian",
        },
    )
    guest = api.ok("getGuest", guestID=guest_id)["data"]
    assert guest["documentType"] == "driver_licence"
    assert guest["customFields"] == [{"customFieldName": "diet", "customFieldValue": "vegetarian"}]
    assert api.put("putGuest", {"guestID": guest_id}).status_code == 400
    api.refused(api.put("putGuest", {"guestID": "1", "guestCity": "X"}), "not_found")
    assert (
        api.post("postGuest", {"reservationID": res["reservationID"], "guestFirstName": "A"}).status_code
        == 400
    )
    changed = api.ok("getReservations", modifiedFrom=f"{box.backend.clock.today().isoformat()} 00:00:00")[
        "data"
    ]
    assert res["reservationID"] in [r["reservationID"] for r in changed]


def test_guests_modified_pages_rows_not_guests(api, box):
    since = f"{(box.backend.clock.today() - timedelta(days=60)).isoformat()} 00:00:00"

    def rows(size: int) -> list[tuple[str, str]]:
        out, page = [], 1
        while True:
            body = api.ok("getGuestsModified", resultsFrom=since, pageSize=size, pageNumber=page)
            out += [(r["guestID"], r["roomTypeID"] + r["roomID"] + r["startDate"]) for r in body["data"]]
            if body["count"] == 0 or (page - 1) * size + body["count"] >= body["total"]:
                return out
            page += 1

    small, large = rows(7), rows(100)
    assert small == large and len(small) > 7
