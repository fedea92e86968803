"""Figure: the database write path vs the database's own bulk insert (and where its time goes).

Each timing is a fresh child process on a fresh, empty database with the product's schema. The
bare insert and the upsert are the best of ``repeats`` runs (the machine is shared; the minimum is
the least disturbed run). A separate pass of the sync's writer runs under py-spy; its top entries
(own time, and the product's functions inclusive) go into the figure's note.
"""

from __future__ import annotations

from bench.config import BenchConfig
from bench.databases import fresh_database, mysql_available
from bench.figures import Figure, not_measured
from bench.procs import SandboxProcess, run_child
from bench.spyprofile import profile_child
from bench.syncrun import missing_sync

__all__ = ["run"]


def _run_with_sync(cfg: BenchConfig) -> list[Figure]:
    figures: list[Figure] = []
    kinds = []
    for kind in cfg.databases:
        reason = mysql_available(cfg.mysql_url) if kind == "mysql" else None
        if reason:
            figures.append(not_measured(f"write path vs bare insert ({_LABEL[kind]})", "—", "", reason))
        else:
            kinds.append(kind)
    with SandboxProcess(cfg.write_n, None) as sb:
        for kind in kinds:
            figures.extend(_sync_writer(kind, cfg, sb))
    return figures


_LABEL = {"sqlite": "SQLite", "mysql": "MariaDB"}


def _time(kind: str, cfg: BenchConfig, how: str, **extra) -> dict:
    with fresh_database(kind, cfg.mysql_url, tag=how) as url:
        return run_child("write", {"url": url, "n": cfg.write_n, "how": how, **extra}).data


def _one_database(kind: str, cfg: BenchConfig) -> list[Figure]:
    label = _LABEL[kind]
    repeats = 1 if cfg.quick else 3
    bare = [_time(kind, cfg, "bare") for _ in range(repeats)]
    ups = [_time(kind, cfg, "upsert", again=True) for _ in range(repeats)]
    bare_s = min(b["seconds"] for b in bare)
    up_s = min(u["seconds"] for u in ups)
    again_s = min(u["again"]["seconds"] for u in ups)
    rows = ups[0]["rows"]
    shape = f"{rows['reservations']:,} reservations + {rows['rooms']:,} rooms + {rows['guests']:,} guests"
    ratio = up_s / bare_s
    raw = {
        "bare_s": [b["seconds"] for b in bare],
        "upsert_s": [u["seconds"] for u in ups],
        "upsert_again_s": [u["again"]["seconds"] for u in ups],
        "rows": rows,
        "upsert_counts": {k: ups[0][k] for k in ("created", "updated", "unchanged")},
        "again_counts": {k: ups[0]["again"][k] for k in ("created", "updated", "unchanged")},
    }
    writer = (
        "pms.db.upsert.upsert_rows, guests → reservations → rooms, ids read back, "
        "one transaction per page of 100"
    )
    f1 = Figure(
        name=f"write path vs bare insert ({label})",
        how=f"{shape} into empty tables: {writer}; baseline one executemany INSERT per table "
        f"(best of {repeats})",
        value=f"{up_s:.2f} s",
        baseline=f"{bare_s:.2f} s",
        ratio=f"{ratio:.2f} ×",
        goal="≤ 2.0 × the bare insert",
        met=ratio <= 2.0,
        raw=raw,
    )
    if ratio > 2.0:
        f1.note = (
            f"upsert {up_s:.2f} s vs bare {bare_s:.2f} s: see the profile notes in the report; "
            "the upsert reads each batch's keys back before writing."
        )
    f3 = Figure(
        name=f"write path, unchanged re-run ({label})",
        how="the same rows upserted again (a sync that finds nothing new): nothing rewritten",
        value=f"{again_s:.2f} s",
        baseline=f"{bare_s:.2f} s (bare insert)",
        ratio=f"{again_s / bare_s:.2f} ×",
        goal="(no goal; counts must be all unchanged)",
        met=raw["again_counts"]["created"] == 0 and raw["again_counts"]["updated"] == 0,
        raw={},
    )
    return [f1, f3]


def _sync_writer(kind: str, cfg: BenchConfig, sb: SandboxProcess) -> list[Figure]:
    """The figure with the sync engine's own writer, on the sandbox's own bookings."""
    label = _LABEL[kind]
    repeats = 2 if cfg.quick else 3  # the first pass also warms SQLAlchemy's statement caches
    d = run_child(
        "sync_write",
        {
            "base_url": sb.base_url,
            "api_key": sb.api_key,
            "property_id": sb.property_id,
            "kind": kind,
            "mysql_url": cfg.mysql_url,
            "repeats": repeats,
        },
        timeout=1800,
    ).data
    rows = d["rows"]
    shape = f"{rows['reservations']:,} reservations + {rows['rooms']:,} rooms + {rows['guests']:,} guests"
    up_s, bare_s, again_s = min(d["sync_s"]), min(d["bare_s"]), min(d["again_s"])
    ratio = up_s / bare_s
    spy = profile_child(
        "writer_only",
        {
            "base_url": sb.base_url,
            "api_key": sb.api_key,
            "property_id": sb.property_id,
            "kind": kind,
            "mysql_url": cfg.mysql_url,
        },
    )
    raw = {
        k: d[k]
        for k in (
            "sync_s",
            "bare_s",
            "again_s",
            "rows",
            "counts",
            "again_counts",
            "pages",
            "profile",
        )
    }
    raw["py_spy"] = spy
    f1 = Figure(
        name=f"write path vs bare insert ({label})",
        how=f"{shape} (the sandbox's, pages read beforehand) into empty tables through the sync's own writer "
        f"(pms.sync.reservations.process_page: records → rows, compare, upsert guests → reservations → "
        f"rooms, one transaction per page of 100); baseline one executemany INSERT per table of exactly "
        f"the rows it wrote (best of {repeats} each)",
        value=f"{up_s:.2f} s",
        baseline=f"{bare_s:.2f} s",
        ratio=f"{ratio:.2f} ×",
        goal="≤ 1.5 × the bare insert",
        met=ratio <= 1.5,
        raw=raw,
    )
    f1.note = _write_note(label, up_s, bare_s, ratio, d["profile"], spy)
    ac = d["again_counts"]
    rewritten = sum(
        ac[e]["created"] + ac[e]["updated"] for e in ("reservations", "guests", "rooms") if e in ac
    )
    f3 = Figure(
        name=f"write path, unchanged re-run ({label})",
        how="the same pages through the writer again (nothing changed): nothing may be rewritten",
        value=f"{again_s:.2f} s, {rewritten} rows rewritten",
        baseline=f"{bare_s:.2f} s (bare insert)",
        ratio=f"{again_s / bare_s:.2f} ×",
        goal="(no goal; 0 rows rewritten)",
        met=rewritten == 0,
        raw={},
    )
    return [f1, f3]


def _write_note(label: str, up_s: float, bare_s: float, ratio: float, prof: dict, spy: dict) -> str:
    by = prof["by_statement"]
    total = prof["total_s"]
    parts = ", ".join(f"{k} ×{v['count']} {v['seconds']:.2f} s" for k, v in by.items())
    upsert_s = sum(v["seconds"] for k, v in by.items() if k.startswith("UPSERT"))
    if "error" in spy:
        where = f"no CPU profile ({spy['error']})"
    else:
        own = "; ".join(f"{f} {p} %" for f, p in spy["own"][:8])
        ours = "; ".join(f"{f} {p} %" for f, p in spy["inclusive_ours"][:6])
        where = (
            f"py-spy ({spy['samples']} samples of one writer pass), own time: {own}. "
            f"The product's functions, inclusive: {ours}"
        )
    return (
        f"the sync's writer takes {up_s:.2f} s against {bare_s:.2f} s for the bare insert ({ratio:.2f} ×). "
        f"Per statement (a separate instrumented pass, {total:.2f} s, timed at the cursor): {parts}; "
        f"commits {prof['commits']}; Python around them {prof['other_s']:.2f} s; the upserts themselves "
        f"({upsert_s:.2f} s) are the bare insert's work. {where}."
    )


def run(cfg: BenchConfig) -> list[Figure]:
    if missing_sync() is None:
        return _run_with_sync(cfg)
    figures: list[Figure] = []
    for kind in cfg.databases:
        if kind == "mysql":
            reason = mysql_available(cfg.mysql_url)
            if reason:
                figures.append(not_measured("write path vs bare insert (MariaDB)", "—", "", reason))
                continue
        figures.extend(_one_database(kind, cfg))
    return figures
