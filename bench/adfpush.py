"""``python -m bench.adfpush DB_URL SANDBOX_BASE API_KEY PID WALKINS SAMPLES POLL``: the desk → Cloudbeds
push measured in its own process (its own ``PMS_DATA_DIR``), printing one JSON line.

The real worker runs (``pms.worker.Worker``: the front-desk poll every ``POLL`` seconds, scheduled
syncs off so they do not mix in); bookings are typed into ADF's ``bookings`` with plain SQL as the
desk's PHP screens do, and their arrival is watched in the sandbox's own truth (its admin API):

- idle: ``front_desk_waiting`` looks with nothing typed: Cloudbeds calls (counted by the sandbox)
  and milliseconds per look;
- burst: ``WALKINS`` walk-ins typed at once: seconds until all are in Cloudbeds, the API calls and
  429 answers that took (the bound is calls ÷ the rate limit);
- latency: ``SAMPLES`` single walk-ins typed at random moments: seconds from the INSERT until the
  reservation exists in Cloudbeds.
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import date, timedelta

import requests
import sqlalchemy as sa


def _truth_codes(root: str) -> set[str]:
    data = requests.get(f"{root}/_sandbox/reservations", params={"limit": 100000}, timeout=60).json()["data"]
    return {r["thirdPartyIdentifier"] for r in data if r.get("thirdPartyIdentifier")}


def _state(root: str) -> dict:
    return requests.get(f"{root}/_sandbox/state", timeout=30).json()


def _type(engine: sa.Engine, rows: list[dict]) -> None:
    with engine.begin() as conn:
        for row in rows:
            gid = conn.execute(
                sa.text(
                    "INSERT INTO guests (guest_name, id_card_type, id_card_number, phone) "
                    "VALUES (:n, 'ktp', :card, '0812000000')"
                ),
                {"n": row["name"], "card": row["code"] + "-ID"},
            ).lastrowid
            conn.execute(
                sa.text(
                    "INSERT INTO bookings (booking_code, guest_id, room_id, check_in_date, check_out_date, "
                    "adults, children, room_price, total_nights, total_price, discount, final_price, status, "
                    "payment_status, paid_amount, booking_source) VALUES (:code, :g, :r, :ci, :co, 2, 0, "
                    "500000, 1, 500000, 0, 500000, 'confirmed', 'unpaid', 0, 'walk_in')"
                ),
                {"code": row["code"], "g": gid, "r": row["room"], "ci": row["in"], "co": row["out"]},
            )


def _wait_for(root: str, codes: set[str], timeout: float, step: float) -> float | None:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        if codes <= _truth_codes(root):
            return time.perf_counter()
        time.sleep(step)
    return None


def main(argv: list[str]) -> int:
    url, base, key, pid = argv[:4]
    walkins, samples, poll = int(argv[4]), int(argv[5]), float(argv[6])
    root = base.split("/api/")[0]
    from pms.adf.demo import seed_demo_front_desk
    from pms.connection import build_client
    from pms.db.credentials import CredentialStore
    from pms.db.engine import make_engine
    from pms.db.settings import Settings
    from pms.db.setup import ensure_schema
    from pms.sync import SyncContext, SyncRequest, run_sync
    from pms.sync.adfpush import front_desk_waiting
    from pms.worker import Worker
    from pms.worker.loop import WorkerConfig

    engine = make_engine(url)
    ensure_schema(engine)
    CredentialStore(engine).save_api_key(key, property_id=pid, api_base=base, purge_demo=False)
    seed_demo_front_desk(engine, pid)
    Settings(engine).set_many(
        {"cloudbed_active": True, "cloudbed_auto_sync": False, "adf_push_poll_seconds": int(poll)}
    )
    client = build_client(engine)
    result = run_sync(SyncContext(engine, client, pid), SyncRequest(mode="full"))
    client.close()
    assert result.status == "completed", result.error
    Settings(engine).set_push_enabled(True)
    with engine.connect() as conn:
        rooms = [r[0] for r in conn.exec_driver_sql("SELECT id FROM rooms ORDER BY id")]
    out: dict = {}
    # Idle looks.
    calls0 = _state(root)["requests"]
    t0 = time.perf_counter()
    looks = 20
    for _ in range(looks):
        assert front_desk_waiting(engine, pid) is False
    out["idle"] = {
        "calls": _state(root)["requests"] - calls0,
        "ms": (time.perf_counter() - t0) * 1000 / looks,
    }
    worker = Worker(engine, config=WorkerConfig(schedule_every=0.5)).start()
    try:
        # The burst: WALKINS bookings typed at once, one per room and night, after every stay the
        # sandbox holds (so no room is taken already).
        data = requests.get(f"{root}/_sandbox/reservations", params={"limit": 100000}, timeout=60).json()
        last = max([date.fromisoformat(r["endDate"]) for r in data["data"]] + [date.today()])
        start = last + timedelta(days=1)
        rows = [
            {
                "code": f"B{i:04d}",
                "name": f"Tamu Nomor {i}",
                "room": rooms[i % len(rooms)],
                "in": start + timedelta(days=i // len(rooms)),
                "out": start + timedelta(days=i // len(rooms) + 1),
            }
            for i in range(walkins)
        ]
        before = _state(root)
        t0 = time.perf_counter()
        _type(engine, rows)
        done = _wait_for(root, {r["code"] for r in rows}, timeout=max(120.0, walkins * 2.5), step=1.0)
        after = _state(root)
        out["burst"] = {
            "n": walkins,
            "seconds": (done - t0) if done else None,
            "calls": after["requests"] - before["requests"],
            "rate_limited": after["rate_limited"] - before["rate_limited"],
            "endpoints": {
                k: v - before["endpoints"].get(k, 0)
                for k, v in after["endpoints"].items()
                if v != before["endpoints"].get(k, 0)
            },
        }
        # Latency: one walk-in at a time, typed at a random moment of the poll cycle.
        rng = random.Random(7)
        lat = []
        for i in range(samples):
            time.sleep(rng.uniform(0, poll))
            day = start + timedelta(days=40 + i)
            row = {
                "code": f"L{i:03d}",
                "name": f"Tamu Latensi {i}",
                "room": rooms[i % len(rooms)],
                "in": day,
                "out": day + timedelta(days=1),
            }
            t0 = time.perf_counter()
            _type(engine, [row])
            done = _wait_for(root, {row["code"]}, timeout=poll * 6 + 60, step=0.25)
            lat.append((done - t0) if done else None)
        out["latency"] = lat
    finally:
        worker.stop()
        engine.dispose()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
