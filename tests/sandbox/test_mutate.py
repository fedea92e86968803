"""Front-desk simulation: each kind changes what it says, moves dateModified, replays the same."""

from __future__ import annotations

import requests

from .helpers import Api


def _truth(api: Api) -> dict[str, dict]:
    return {r["reservationID"]: r for r in api.admin("reservations")["data"]}


def test_each_kind_changes_what_it_says(api):
    before = _truth(api)
    result = api.admin(
        "mutate", {"count": 6, "kinds": ["create", "modify", "cancel", "dates", "guest", "delete"]}
    )
    after = _truth(api)
    by_kind = {m["kind"]: m["reservationID"] for m in result["mutations"]}
    assert set(by_kind) == {"create", "modify", "cancel", "dates", "guest", "delete"}
    assert by_kind["create"] not in before and after[by_kind["create"]]["status"] == "confirmed"
    cancelled = after[by_kind["cancel"]]
    assert cancelled["status"] == "canceled" and cancelled["dateCancelledUTC"]
    assert after[by_kind["dates"]]["endDate"] > before[by_kind["dates"]]["endDate"]
    old_guest, new_guest = before[by_kind["guest"]]["guests"][0], after[by_kind["guest"]]["guests"][0]
    assert old_guest["phone"] != new_guest["phone"]
    assert after[by_kind["delete"]]["isDeleted"] is True
    modified = after[by_kind["modify"]]
    assert modified["paid"] > before[by_kind["modify"]]["paid"] or modified["rooms"][0]["roomID"]
    for rid in result["changed"]:
        if rid in before:
            assert after[rid]["dateModifiedUTC"] >= before[rid]["dateModifiedUTC"]
    assert sorted(result["changed"]) == sorted(set(by_kind.values()))


def test_changes_show_up_in_an_incremental_pull(api, box):
    since = box.backend.clock.now()
    result = api.admin("mutate", {"count": 8})
    local = since.astimezone(box.backend.clock.tz).strftime("%Y-%m-%d %H:%M:%S")
    pulled = api.all_pages("getReservationsWithRateDetails", modifiedFrom=local, includeDeleted="true")
    assert set(result["changed"]) <= {r["reservationID"] for r in pulled}


def test_deleted_reservations_leave_the_lists(api):
    rid = api.admin("mutate", {"count": 1, "kinds": ["delete"]})["changed"][0]
    assert rid not in {r["reservationID"] for r in api.all_pages("getReservations")}
    api.refused(api.get("getReservation", reservationID=rid), "not_found")
    assert api.ok("getReservationsWithRateDetails", reservationID=rid)["total"] == 0
    deleted = api.ok("getReservationsWithRateDetails", reservationID=rid, includeDeleted="true")["data"]
    assert deleted[0]["isDeleted"] is True
    assert api.admin("state")["reservations_deleted"] == 1


def test_mutations_replay_identically(sandbox_factory):
    runs = []
    for _ in range(2):
        box = sandbox_factory(rate_limit=None, today=None)
        api = Api(box)
        result = api.admin("mutate", {"count": 10, "kinds": ["create", "cancel", "dates", "guest"]})
        runs.append([(m["kind"], m["reservationID"]) for m in result["mutations"]])
    assert runs[0] == runs[1]


def test_bad_mutate_requests(box):
    for body in (
        {"count": 1, "kinds": ["explode"]},
        {"count": -1},
        {"count": 1, "kinds": []},
        {"count": "many"},
    ):
        assert requests.post(f"{box.root_url}/_sandbox/mutate", json=body, timeout=10).status_code == 400
    assert requests.post(f"{box.root_url}/_sandbox/mutate", data=b"nope", timeout=10).status_code == 400
