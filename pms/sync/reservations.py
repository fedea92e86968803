"""One page of Cloudbeds reservations → ``reservasi``, ``reservasi_room`` and ``guest``, in one transaction.

``process_page`` is the heart of the pull. For a page (≤ 100 bookings) it reads what the database
holds for them in one round trip (``pageread``: the bookings by Cloudbeds id with their rooms, the
hotel's own un-linked bookings with the same arrival dates for domain rule 3, the guests), decides
per booking with the rules in ``rules``, and then writes with a handful of bulk statements: guests,
reservations and rooms (new ids come back with the insert), the stamp of the rows read but not
written. No query runs per booking, and no row is read twice: a page of 100 costs at most six
round trips with its commit (docs/architecture.md, round-trip budgets).

The caller owns the transaction, so a page is all or nothing, and in a preview (``run.apply``
false) the same decisions are made and counted but nothing is written.

Decisions, per booking:
- unknown here → ``create`` (or ``link`` to the same stay typed into the hotel system, rule 3);
- older than what we hold → left alone (a webhook re-read got there first);
- a hotel edit not yet pushed → the hotel's version stands until it expires (rule 17), unless
  Cloudbeds changed the booking after it;
- cancelled in Cloudbeds → cancelled: a row that came from Cloudbeds is its copy and says what
  Cloudbeds says; the hotel's own reservations (``origin = local``) only if not checked in and
  unpaid (rule 6);
- deleted in Cloudbeds → marked deleted, never removed (rule 7);
- totals by rules 9-11 (``rules.choose_total``; rule 11 guards the hotel's own rows only).

The rooms of the page are written by ``rooms``; the page's stays are then projected into the
hotel's ADF front desk in the same transaction (``frontdesk``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from pms.cloudbeds.models import Reservation
from pms.db import schema
from pms.i18n import Said
from pms.sync import frontdesk as front_desk
from pms.sync.compare import differs, write
from pms.sync.pageread import PageRead, read_page
from pms.sync.records import (
    GUEST_COMPARE,
    RES_COMPARE,
    RecordError,
    guest_row,
    reservation_row,
)
from pms.sync.rooms import preview_rooms, warn_unmapped, write_rooms
from pms.sync.rules import (
    cancel_block,
    choose_total,
    edit_expired,
    has_local_edit,
    is_cancellation,
    is_hotel_record,
    names_match,
)
from pms.sync.runstate import RunState

__all__ = ["mark_vanished", "process_page", "warn_unmapped"]  # warn_unmapped: from rooms, for callers

R = schema.reservasi
ROOM = schema.reservasi_room
G = schema.guest
_RES_KEY = ("property_id", "cloudbed_reservation_id")
_GUEST_KEY = ("property_id", "cloudbed_guest_id")


def _dedupe(records: Iterable[Reservation]) -> list[Reservation]:
    by_id: dict[str, Reservation] = {}
    for r in records:
        by_id[r.reservation_id] = r
    return list(by_id.values())


def _record_names(r: Reservation, row: Mapping[str, Any]) -> list[str | None]:
    names: list[str | None] = [row.get("guest_name"), r.guest_name]
    for g in r.guests:
        names += [g.first_name, g.last_name, g.name]
    return names


def _find_link(
    r: Reservation, row: Mapping[str, Any], candidates: list[Mapping[str, Any]], taken: set[int]
) -> Mapping[str, Any] | None:
    """Rule 3: the same stay (dates) with a guest name sharing a word of three letters or more."""
    names = _record_names(r, row)
    for cand in candidates:
        if (
            cand["id"] in taken
            or cand["check_in"] != row["check_in"]
            or cand["check_out"] != row["check_out"]
        ):
            continue
        if names_match(names, [cand["guest_name"], cand["g_first"], cand["g_last"]]):
            return cand
    return None


def _summary(old: Mapping[str, Any], row: Mapping[str, Any], changed: list[str]) -> str:
    parts = [
        f"{c} {old.get(c)} → {row.get(c)}"
        for c in changed
        if c not in ("cloudbed_updated_at", "sync_status", "sync_error", "cloudbed_total")
    ][:4]
    return "; ".join(parts) or "timestamps"


class _Page:
    """The decisions for one page, and the rows they produce."""

    def __init__(self) -> None:
        self.write_rows: list[dict] = []  # reservasi rows to upsert (new or changed)
        self.all_rows: dict[str, dict] = {}  # every accepted row by Cloudbeds id (for rooms)
        self.existing_ids: dict[str, int] = {}  # Cloudbeds id -> reservasi.id for known rows
        self.old: dict[str, Mapping[str, Any]] = {}
        self.links: list[dict] = []  # {"id", "cid"}
        self.flags: list[dict] = []  # conflict marks {"id", "err"}
        self.rooms_for: list[Reservation] = []  # bookings whose rooms are written
        self.stamp: list[str] = []  # every Cloudbeds id read (full reconcile)


def _decide(
    run: RunState, page: _Page, r: Reservation, row: dict, old: Mapping[str, Any] | None, linked: bool
) -> None:
    rid = r.reservation_id
    counts = run.result.entity("reservations")
    if old is None:
        page.write_rows.append(row)
        page.all_rows[rid] = row
        page.rooms_for.append(r)
        counts.created += 1
        run.action(
            "create",
            "reservations",
            rid,
            f"{row['status']} {row['check_in']}..{row['check_out']} {row.get('guest_name') or ''}".rstrip(),
        )
        return
    page.existing_ids[rid] = old["id"]
    page.old[rid] = old
    if not linked and not old.get("is_deleted"):
        run.known_seen += 1
    modified, held = r.modified_at, old.get("cloudbed_updated_at")
    # Equal times are re-read: Cloudbeds' times have whole seconds, so a second change within the
    # same second looks the same; the compare then finds "unchanged" if nothing moved.
    if not linked and not run.force and modified is not None and held is not None and modified < held:
        counts.unchanged += 1  # we already hold this version or a newer one
        return
    if (
        not linked
        and has_local_edit(old)
        and not edit_expired(old, run.started_at, run.settings.edit_expiry_minutes)
    ):
        if modified is None or old["local_modified_at"] >= modified:
            counts.unchanged += 1
            run.warn("reservations", rid, Said("sync.warn.kept_local"))
            return
        run.warn("reservations", rid, Said("sync.warn.replaced_local"))

    total, baseline, folio = choose_total(
        old, row["total"], check_in=row["check_in"], check_out=row["check_out"]
    )
    row["total"], row["cloudbed_total"] = total, baseline
    kind = "link" if linked else "update"
    if is_cancellation(row["status"]) and not is_cancellation(old.get("status")):
        block = cancel_block(old) if is_hotel_record(old) else None  # the mirror follows Cloudbeds
        if block:
            message = f"canceled in Cloudbeds ({row['status']}), but {block}"
            run.warn("reservations", rid, message)
            counts.failed += 1
            run.result.error_for("reservations", f"reservation {rid}: {message}")
            if (old.get("status") or "").lower() not in ("checked_in", "checked_out") and (
                old.get("sync_status"),
                old.get("sync_error"),
            ) != ("error", message):
                page.flags.append({"b_id": old["id"], "b_err": message[:2000]})
            if linked:
                page.links.append({"b_id": old["id"], "b_cid": rid})
                run.result.linked += 1
            page.stamp.append(rid)
            return
        kind = "cancel"
    if folio:
        row["sync_status"], row["sync_error"] = "error", folio
        run.warn("reservations", rid, folio)
    if linked:
        page.links.append({"b_id": old["id"], "b_cid": rid})
        run.result.linked += 1
        run.action(
            "link",
            "reservations",
            rid,
            f"linked to hotel booking #{old['id']} ({old.get('guest_name') or ''})",
        )
    page.all_rows[rid] = row
    page.rooms_for.append(r)
    changed = differs(old, row, RES_COMPARE)
    if folio:
        run.result.error_for("reservations", f"reservation {rid}: {folio}")
    if not changed and not linked:
        if folio:
            counts.failed += 1
        else:
            counts.unchanged += 1
        return
    page.write_rows.append(row)
    if folio:
        counts.failed += 1
    elif row["is_deleted"] and not old.get("is_deleted"):
        counts.deleted += 1
        run.action("update", "reservations", rid, "deleted in Cloudbeds: marked deleted, kept")
    else:
        counts.updated += 1
        if not linked:
            run.action(kind, "reservations", rid, _summary(old, row, changed))


def _guest_rows(run: RunState, records: list[Reservation]) -> list[dict]:
    rows: dict[str, dict] = {}
    for r in records:
        for g in r.guests:
            if not g.guest_id or g.guest_id in run.pending_guests:
                continue
            rows[g.guest_id] = guest_row(g, r, run.property_id, run.started_at)
    return list(rows.values())


def process_page(
    conn: sa.Connection,
    run: RunState,
    records: Iterable[Reservation],
    *,
    with_guests: bool = True,
    full: bool = False,
) -> None:
    """Decide and (when applying) write one page of bookings inside the caller's transaction."""
    pid = run.property_id
    page = _Page()
    good: list[tuple[Reservation, dict]] = []
    for r in _dedupe(records):
        run.seen("reservations", r.modified_at)
        warned: list[str] = []
        try:
            row = reservation_row(r, pid, collect=run.collect, now=run.started_at, warnings=warned)
        except RecordError as exc:
            run.result.fail_record("reservations", str(exc))
            if r.reservation_id and len(run.failed_ids) < 1000:
                run.failed_ids.add(r.reservation_id)
            run.action("warn", "reservations", r.reservation_id or "?", str(exc))
            continue
        for message in warned:
            run.warn("reservations", r.reservation_id, message.split(": ", 1)[-1])
        good.append((r, row))
    run.done += len(good)
    if not good:
        return

    ids = [r.reservation_id for r, _ in good]
    guest_rows = _guest_rows(run, [r for r, _ in good]) if with_guests else []
    stored = read_page(
        conn,
        pid,
        ids,
        {row["check_in"] for _, row in good},
        [g["cloudbed_guest_id"] for g in guest_rows] if with_guests else None,
    )
    candidates = stored.candidates
    taken: set[int] = set()
    for r, row in good:
        old = stored.known.get(r.reservation_id)
        linked = False
        if old is None and candidates:
            old = _find_link(r, row, candidates, taken)
            if old is not None:
                taken.add(old["id"])
                linked = True
        _decide(run, page, r, row, old, linked)
    page.stamp.extend(ids)

    guest_ids: dict[str, int] = {}
    if with_guests:
        res = write(
            conn,
            G,
            guest_rows,
            key=_GUEST_KEY,
            compare=GUEST_COMPARE,
            apply=run.apply,
            return_ids=True,
            existing=stored.guests,
        )
        _count(run, "guests", res)
        guest_ids = {k[1]: v for k, v in res.ids.items()}
    if run.apply:
        _apply(conn, run, page, guest_ids, with_guests, full, stored)
    else:
        preview_rooms(conn, run, page.rooms_for, page.existing_ids, stored.rooms)
    front_desk.project_page(conn, run, ids, page.all_rows, page.rooms_for, page.existing_ids, guest_rows)


def _count(run: RunState, entity: str, res) -> None:
    counts = run.result.entity(entity)
    counts.created += res.created
    counts.updated += res.updated
    counts.unchanged += res.unchanged


def _apply(
    conn: sa.Connection,
    run: RunState,
    page: _Page,
    guest_ids: Mapping[str, int],
    with_guests: bool,
    full: bool,
    stored: PageRead,
) -> None:
    pid = run.property_id
    if page.links:
        conn.execute(
            sa.update(R)
            .where(R.c.id == sa.bindparam("b_id"))
            .values(cloudbed_reservation_id=sa.bindparam("b_cid")),
            page.links,
        )
    if page.flags:
        conn.execute(
            sa.update(R)
            .where(R.c.id == sa.bindparam("b_id"))
            .values(sync_status="error", sync_error=sa.bindparam("b_err"), updated_at=R.c.updated_at),
            page.flags,
        )
    compare = RES_COMPARE
    if with_guests:
        compare = (*RES_COMPARE, "guest_id")
        writing = {id(row) for row in page.write_rows}
        for rid, row in page.all_rows.items():
            row["guest_id"] = guest_ids.get(row.get("cloudbed_guest_id") or "")
            old = page.old.get(rid)
            if (
                id(row) not in writing
                and old is not None
                and old.get("guest_id") != row["guest_id"]
                and row["guest_id"] is not None
            ):
                page.write_rows.append(row)
        for row in page.write_rows:
            row.setdefault("guest_id", guest_ids.get(row.get("cloudbed_guest_id") or ""))
    # The stored rows as the upsert must see them: linked ones now carry their Cloudbeds id.
    existing = {(pid, rid): {**old, "cloudbed_reservation_id": rid} for rid, old in page.old.items()}
    res = write(
        conn,
        R,
        page.write_rows,
        key=_RES_KEY,
        compare=compare,
        apply=True,
        return_ids=True,
        existing=existing,
    )
    ids: dict[str, int | None] = dict(page.existing_ids)
    ids.update({k[1]: v for k, v in res.ids.items()})

    links = [link["b_id"] for link in page.links]
    write_rooms(conn, run, page.rooms_for, ids, links, stored.rooms, stored.live_rooms)
    # Rows just written carry ``last_sync_at`` = the run's start already (``reservation_row``).
    written = {k[1] for k in res.changed_keys}
    stamp = [rid for rid in page.stamp if rid not in written]
    if full and stamp:
        conn.execute(
            sa.update(R)
            .where(R.c.property_id == pid, R.c.cloudbed_reservation_id.in_(stamp), ~_unsent_edit())
            .values(last_sync_at=run.started_at, updated_at=R.c.updated_at)
        )


def _unsent_edit():
    """SQL for ``rules.has_local_edit``: such rows are neither stamped (their edit would look sent)
    nor taken for vanished by a full reconcile."""
    return sa.and_(
        R.c.sync_status.in_(("pending", "error")),
        R.c.local_modified_at.is_not(None),
        sa.or_(R.c.last_sync_at.is_(None), R.c.local_modified_at > R.c.last_sync_at),
    )


def mark_vanished(conn: sa.Connection, run: RunState) -> int:
    """Full reconcile: bookings Cloudbeds no longer lists at all are marked deleted (rule 7).

    Every booking read in this run was stamped with the run's start time; the rest vanished.
    In a preview the count comes from comparing the number of stored bookings with those read.
    """
    pid = run.property_id
    cond = sa.and_(
        R.c.property_id == pid,
        R.c.cloudbed_reservation_id.is_not(None),
        R.c.is_deleted.is_(False),
        sa.or_(R.c.last_sync_at.is_(None), R.c.last_sync_at < run.started_at),
        ~_unsent_edit(),
    )
    if not run.apply:
        stored = conn.execute(
            sa.select(sa.func.count())
            .select_from(R)
            .where(
                R.c.property_id == pid,
                R.c.cloudbed_reservation_id.is_not(None),
                R.c.is_deleted.is_(False),
                ~_unsent_edit(),
            )
        ).scalar()
        vanished = max(0, int(stored or 0) - run.known_seen)
        run.result.entity("reservations").deleted += vanished
        if vanished:
            run.action(
                "update",
                "reservations",
                f"{vanished} booking(s)",
                "no longer in Cloudbeds: would be marked deleted",
            )
        return vanished
    ids = [row.id for row in conn.execute(sa.select(R.c.id).where(cond))]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        conn.execute(
            sa.update(R)
            .where(R.c.id.in_(chunk))
            .values(
                is_deleted=True, sync_status="synced", sync_error="no longer in Cloudbeds (full reconcile)"
            )
        )
        conn.execute(sa.update(ROOM).where(ROOM.c.reservasi_id.in_(chunk)).values(is_deleted=True))
    run.result.entity("reservations").deleted += len(ids)
    if ids:
        run.action(
            "update", "reservations", f"{len(ids)} booking(s)", "no longer in Cloudbeds: marked deleted"
        )
    return len(ids)
