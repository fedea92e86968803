"""The write-path figure with the sync engine's own writer (``pms.sync.reservations.process_page``).

One child process: read every reservation page from the sandbox into memory first (not timed:
this figure is about the database), then on fresh empty databases
- time the sync's writer, page by page, one transaction each, exactly as a full sync applies them;
- read back the guest, reservation and room rows it wrote, and time the database's own bulk
  insert of exactly those rows (ids included) into another empty database;
- time the writer again on the same pages (nothing changed: nothing must be rewritten).
"""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa

from bench import writes
from bench.databases import fresh_database

__all__ = ["run"]


def _client(args: dict[str, Any]):
    from pms.cloudbeds import ApiKeyAuth, CloudbedsClient

    return CloudbedsClient(
        args["base_url"], ApiKeyAuth(args["api_key"]), property_id=args["property_id"], rate_limit=1e6
    )


def _new_run(engine: sa.Engine, client):
    from pms.sync import SyncContext, SyncRequest
    from pms.sync.catalog import pull_catalog
    from pms.sync.run import new_run
    from pms.sync.runstate import property_zone

    ctx = SyncContext(engine, client)
    run = new_run(ctx, SyncRequest(mode="full", trigger="cli"), apply=True)
    run.zone = property_zone(engine, client, run.property_id)
    pull_catalog(run)
    with engine.connect() as conn:
        run.load_lookups(conn)
    return run


def _apply_pages(engine: sa.Engine, run, pages: list[list]) -> float:
    from pms.sync.reservations import process_page

    start = time.perf_counter()
    for items in pages:
        with engine.begin() as conn:
            process_page(conn, run, items, with_guests=True, full=True)
    return time.perf_counter() - start


def _kind(statement: str) -> str:
    """``INSERT reservasi``, ``SELECT guest``, ``UPDATE reservasi`` ... for a statement's text."""
    words = statement.split()
    verb = words[0].upper() if words else "?"
    table = "?"
    for marker in ("INTO", "FROM", "UPDATE"):
        if marker in (w.upper() for w in words):
            idx = [w.upper() for w in words].index(marker)
            if idx + 1 < len(words):
                table = words[idx + 1].strip('`"(').split("(")[0]
                break
    if (verb == "INSERT" and "ON CONFLICT" in statement.upper()) or "ON DUPLICATE" in statement.upper():
        verb = "UPSERT"
    return f"{verb} {table}"


def statement_profile(engine: sa.Engine, run, pages: list[list]) -> dict[str, Any]:
    """Where the writer's time goes: database time per statement kind (cursor execute to return),
    commits, and the rest (Python: records → rows, comparing, building statements)."""
    stats: dict[str, list[float]] = {}
    started: list[float] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        started.append(time.perf_counter())

    def after(conn, cursor, statement, parameters, context, executemany):
        spent = time.perf_counter() - started.pop()
        entry = stats.setdefault(_kind(statement), [0, 0.0, 0])
        entry[0] += 1
        entry[1] += spent
        entry[2] += len(parameters) if executemany and isinstance(parameters, (list, tuple)) else 1

    commits = [0, 0.0]

    def on_commit(conn):
        commits[0] += 1

    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    sa.event.listen(engine, "commit", on_commit)
    try:
        total = _apply_pages(engine, run, pages)
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)
        sa.event.remove(engine, "commit", on_commit)
    db = sum(v[1] for v in stats.values())
    return {
        "total_s": total,
        "statements_s": db,
        "other_s": total - db,
        "commits": commits[0],
        "by_statement": {
            k: {"count": v[0], "seconds": round(v[1], 3), "rows": v[2]}
            for k, v in sorted(stats.items(), key=lambda kv: -kv[1][1])
        },
    }


def _read_back(engine: sa.Engine) -> tuple[list[dict], list[dict], list[dict]]:
    from pms.db.schema import guest, reservasi, reservasi_room

    with engine.connect() as conn:
        return tuple(
            [dict(r) for r in conn.execute(sa.select(t).order_by(t.c.id)).mappings()]
            for t in (guest, reservasi, reservasi_room)
        )


def run(args: dict[str, Any]) -> dict[str, Any]:
    kind, mysql_url, repeats = args["kind"], args["mysql_url"], args.get("repeats", 1)
    client = _client(args)
    from pms.sync import sources

    pages = [list(p.items) for p in sources.full_pages(client)]
    out: dict[str, Any] = {
        "pages": len(pages),
        "reservations": sum(len(p) for p in pages),
        "sync_s": [],
        "bare_s": [],
        "again_s": [],
    }
    rows = None
    for i in range(repeats):
        with fresh_database(kind, mysql_url, tag=f"s{i}") as url:
            engine = writes.prepare(url)
            run_state = _new_run(engine, client)
            out["sync_s"].append(_apply_pages(engine, run_state, pages))
            out["counts"] = {k: v.as_dict() for k, v in run_state.result.counts.items()}
            again = _new_run(engine, client)
            out["again_s"].append(_apply_pages(engine, again, pages))
            out["again_counts"] = {k: v.as_dict() for k, v in again.result.counts.items()}
            if rows is None:
                rows = _read_back(engine)
            engine.dispose()
    out["rows"] = {"guests": len(rows[0]), "reservations": len(rows[1]), "rooms": len(rows[2])}
    with fresh_database(kind, mysql_url, tag="p") as url:  # diagnostics, not part of the figure
        engine = writes.prepare(url)
        out["profile"] = statement_profile(engine, _new_run(engine, client), pages)
        engine.dispose()
    for i in range(repeats):
        with fresh_database(kind, mysql_url, tag=f"b{i}") as url:
            engine = writes.prepare(url)
            out["bare_s"].append(writes.write_bare(engine, *rows)["seconds"])
            engine.dispose()
    client.close()
    return out


def writer_only(args: dict[str, Any]) -> dict[str, Any]:
    """Only the sync's writer over the pages, once (run under py-spy for the profile)."""
    kind, mysql_url = args["kind"], args["mysql_url"]
    client = _client(args)
    from pms.sync import sources

    pages = [list(p.items) for p in sources.full_pages(client)]
    with fresh_database(kind, mysql_url, tag="spy") as url:
        engine = writes.prepare(url)
        seconds = _apply_pages(engine, _new_run(engine, client), pages)
        engine.dispose()
    client.close()
    return {"seconds": seconds}
