"""The webhook burst: N reservation events POSTed at once to a running ``pms serve``.

Set-up (not timed): a sandbox at 5 req/s, a fresh SQLite database with stored credentials and a full
sync, ``python -m pms serve`` (embedded worker) on a free loopback port, its first reconcile
finished and the API quiet. Then N bookings are changed in the sandbox (``/_sandbox/mutate``; no
subscriptions, so the sandbox itself delivers nothing) and one event per changed booking is POSTed
to ``/webhooks/cloudbeds/<token>`` from 8 threads at once (the size of the sandbox's delivery pool),
the way Cloudbeds' delivery pool sends a burst. Measured: each POST's time to its 2xx (client side),
the time until every changed booking in ``reservasi`` matches the sandbox's truth, and the API calls
the sandbox counted meanwhile.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
import sqlalchemy as sa

from bench.databases import DEFAULT_MYSQL_URL, fresh_database
from bench.procs import ROOT, SandboxProcess
from bench.syncrun import store_credentials, sync_once

__all__ = ["run_burst"]

# Concurrent senders: the sandbox's delivery pool size (its model of Cloudbeds' delivery workers).
THREADS = 8


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, timeout: float, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


def _quiet(sb: SandboxProcess, seconds: float = 3.0, timeout: float = 120.0) -> int:
    """Wait until the sandbox has counted no request for ``seconds``; return the count."""
    last, since = sb.state()["requests"], time.monotonic()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = sb.state()["requests"]
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= seconds:
            return now
    return last


def _pending(engine: sa.Engine, root: str, ids: list[str]) -> list[str]:
    """Ids whose row does not (yet) match the sandbox's truth (status and stay dates)."""
    from pms.db import schema
    from pms.db.engine import reader

    truth: dict[str, dict] = {}
    for start in range(0, len(ids), 100):
        chunk = ids[start : start + 100]
        body = requests.get(
            f"{root}/_sandbox/reservations",
            params={"reservationID": ",".join(chunk), "limit": 1000},
            timeout=30,
        ).json()
        truth.update({r["reservationID"]: r for r in body["data"]})
    r = schema.reservasi
    with reader(engine).connect() as conn:
        have = {
            row.cloudbed_reservation_id: row
            for row in conn.execute(
                sa.select(
                    r.c.cloudbed_reservation_id,
                    r.c.status,
                    r.c.check_in,
                    r.c.check_out,
                    r.c.is_deleted,
                    r.c.sync_status,
                    r.c.sync_error,
                ).where(r.c.cloudbed_reservation_id.in_(ids))
            )
        }
    out = []
    for rid in ids:
        t, h = truth.get(rid), have.get(rid)
        if t is None:
            continue
        if h is None:
            if not t["isDeleted"]:
                out.append(rid)
            continue
        if bool(h.is_deleted) != bool(t["isDeleted"]):
            out.append(rid)
        elif (
            t["status"] in ("canceled", "no_show")
            and h.sync_status == "error"
            and "canceled in Cloudbeds" in (h.sync_error or "")
        ):
            continue  # domain rule 6: a paid booking cancelled in Cloudbeds is flagged, not cancelled
        elif not t["isDeleted"] and (h.status, h.check_in.isoformat(), h.check_out.isoformat()) != (
            t["status"],
            t["startDate"],
            t["endDate"],
        ):
            out.append(rid)
    return out


def _event(prop: str, rid: str, n: int) -> dict[str, Any]:
    return {
        "version": "1.0",
        "event": "reservation/status_changed",
        "timestamp": time.time() + n * 1e-6,
        "propertyID": int(prop),
        "propertyID_str": prop,
        "reservationID": rid,
    }


def run_burst(
    events: int,
    reservations: int,
    rate: float = 5.0,
    profile: str | None = None,
    kind: str = "sqlite",
    mysql_url: str = DEFAULT_MYSQL_URL,
    db_one_way_ms: float | None = None,
) -> dict[str, Any]:
    """Run the burst; with ``profile`` a path, py-spy samples the server during it (collapsed stacks).

    ``db_one_way_ms`` (MariaDB over TCP): the server reaches its database through
    ``bench.delayproxy`` with that one-way delay, as a hotel's web host would be.
    """
    from cryptography.fernet import Fernet

    key = Fernet.generate_key().decode()
    data_dir = tempfile.mkdtemp(prefix="pms_bench_wh_")
    out: dict[str, Any] = {"events": events}
    with SandboxProcess(reservations, rate) as sb, fresh_database(kind, mysql_url, tag="wh") as url:
        env = {
            "PMS_DATA_DIR": data_dir,
            "PMS_SECRET_KEY": key,
            "PMS_DATABASE_URL": url,
            "PYTHONUNBUFFERED": "1",
        }
        store_credentials(url, sb, env)
        full = sync_once(url, sb, env, full=True)
        out["full_sync_calls"] = full.calls
        old_key = os.environ.get("PMS_SECRET_KEY")
        os.environ["PMS_SECRET_KEY"] = key
        from pms.db.engine import make_engine
        from pms.db.settings import Settings
        from pms.webhooks.tokens import ensure_token

        engine = make_engine(url)
        token = ensure_token(Settings(engine))
        port = _free_port()
        proxy = None
        serve_url = url
        if db_one_way_ms is not None and kind == "mysql":
            from bench.delayproxy import DelayProxy

            target = sa.make_url(url)
            proxy = DelayProxy(target.host or "127.0.0.1", target.port or 3306, db_one_way_ms).start()
            serve_url = target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
            out["db_one_way_ms"] = db_one_way_ms
        log = open(os.path.join(data_dir, "serve.log"), "wb")  # noqa: SIM115 (the server writes to it until the end)
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pms",
                "serve",
                "--db",
                serve_url,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=ROOT,
            env={**os.environ, **env, "PMS_DATABASE_URL": serve_url},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            if not _wait(lambda: _healthy(base), 90):
                raise RuntimeError("pms serve did not answer /healthz within 90 s")
            _quiet(sb)  # the worker's start-up reconcile, if any, is over
            # Baseline: sequential acknowledgements on the idle server (one event, then its duplicates).
            idle_url = f"{base}/webhooks/cloudbeds/{token}"
            with requests.Session() as s:
                first = _first_id(engine)
                idle = []
                for _ in range(50):
                    t = time.perf_counter()
                    s.post(idle_url, json=_event(sb.property_id, first, 0), timeout=30)
                    idle.append((time.perf_counter() - t) * 1000)
            idle.sort()
            out["idle_ack_ms"] = {"p50": statistics.median(idle), "p95": idle[int(0.95 * (len(idle) - 1))]}
            _quiet(sb)
            ids: list[str] = []
            for _ in range(40):  # mutate picks bookings at random: collect N distinct changed ones,
                # 100 at a time (one big mutate holds the sandbox's store lock for minutes)
                got = sb.mutate(min(100, events - len(ids)), ["modify", "cancel", "dates"])["changed"]
                ids = list(dict.fromkeys(ids + got))
                if len(ids) >= events:
                    break
            ids = ids[:events]
            out["distinct_reservations"] = len(ids)
            out["pending_before"] = len(_pending(engine, sb.root_url, ids))
            before = sb.state()
            url_hook = f"{base}/webhooks/cloudbeds/{token}"
            payloads = [_event(sb.property_id, ids[i % len(ids)], i) for i in range(events)]
            session_pool = [requests.Session() for _ in range(THREADS)]

            def post(i: int) -> tuple[int, float]:
                s = session_pool[i % THREADS]
                t = time.perf_counter()
                r = s.post(url_hook, json=payloads[i], timeout=30)
                return r.status_code, time.perf_counter() - t

            spy = None
            if profile:
                spy = subprocess.Popen(
                    [
                        os.path.join(os.path.dirname(sys.executable), "py-spy"),
                        "record",
                        "--pid",
                        str(server.pid),
                        "--format",
                        "raw",
                        "--rate",
                        "250",
                        "--output",
                        profile,
                        "--duration",
                        "20",
                        "--nonblocking",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                time.sleep(1.0)
            t0 = time.perf_counter()
            with ThreadPoolExecutor(THREADS) as pool:
                answers = list(pool.map(post, range(events)))
            out["burst_sent_s"] = time.perf_counter() - t0
            done = _wait(lambda: not _pending(engine, sb.root_url, ids), timeout=300, interval=0.5)
            out["applied_s"] = time.perf_counter() - t0 if done else None
            out["not_applied"] = 0 if done else len(_pending(engine, sb.root_url, ids))
            _quiet(sb, seconds=2.0, timeout=30)
            if spy is not None:
                spy.wait(timeout=60)
            after = sb.state()
            out["api_calls"] = after["requests"] - before["requests"]
            out["rate_limited"] = after["rate_limited"] - before["rate_limited"]
            out["endpoints"] = {
                k: v - before["endpoints"].get(k, 0)
                for k, v in after["endpoints"].items()
                if v - before["endpoints"].get(k, 0)
            }
            lat = sorted(a[1] * 1000 for a in answers)
            out["statuses"] = {str(c): sum(1 for a in answers if a[0] == c) for c in {a[0] for a in answers}}
            out["ack_ms"] = {
                "p50": statistics.median(lat),
                "p95": lat[int(0.95 * (len(lat) - 1))],
                "p99": lat[int(0.99 * (len(lat) - 1))],
                "max": lat[-1],
            }
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.close()
            engine.dispose()
            if proxy is not None:
                out["db_round_trips"] = proxy.stats()
                proxy.stop()
            if old_key is None:
                os.environ.pop("PMS_SECRET_KEY", None)
            else:
                os.environ["PMS_SECRET_KEY"] = old_key
    shutil.rmtree(data_dir, ignore_errors=True)
    return out


def _first_id(engine: sa.Engine) -> str:
    from pms.db import schema

    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.min(schema.reservasi.c.cloudbed_reservation_id))).scalar()


def _healthy(base: str) -> bool:
    try:
        return requests.get(f"{base}/healthz", timeout=2).status_code in (200, 503)
    except requests.RequestException:
        return False
