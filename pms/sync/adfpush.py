"""The hotel's front desk (ADF) → Cloudbeds: what staff type at the desk reaches Cloudbeds.

``push_front_desk(run, guard)`` is the one entry point, a plain sequence of steps (``STEPS``); a
step is a function of the run's ``DeskPush`` and is added in one line. It looks at the front desk
once (``pms.adf.pushscan``: cursors on ``updated_at`` and new ids, no triggers), then:

1. ``push_new_bookings``: bookings typed after push was switched on (rule 14), not linked, not a
   stay Cloudbeds already has (rule 3) and not arriving through a channel become postReservation
   (``pms.sync.adfcreate``); a group typed as several bookings (one guest, same dates) becomes one
   reservation with several rooms;
2. ``push_booking_changes``: status, dates, guests per room and room moves of linked bookings
   (``pms.sync.adfchanges``);
3. ``push_guest_changes``: name, phone, e-mail, address and ID card of linked guests (putGuest).

Every write goes through the run's ``OutboundGuard`` (rule 15); a preview (``apply=False``) lists
what would be sent and sends nothing. What could not be sent waits in ``cloudbed_sync_state``
(``adfpush:q:<booking id>``): a refusal by Cloudbeds becomes a warning and is not retried, a
failure is retried and expires (rule 17; a create backs off and is kept for a person instead).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from pms.adf.introspect import FrontDesk
from pms.adf.model import AdfBooking, Catalog
from pms.adf.pushscan import QUEUE_PREFIX, Scan, desk_tables, scan, write_cursors
from pms.adf.state import _bookings, load_catalog, load_mappings
from pms.db import schema, tables_adf
from pms.db.types import utcnow
from pms.errors import APIError, CloudbedsError, NotFoundError, PermissionDeniedError, ValidationError
from pms.sync.guard import OutboundGuard
from pms.sync.runstate import RunState

__all__ = ["STEPS", "DeskPush", "front_desk_waiting", "open_desk_push", "push_front_desk"]

LINK = tables_adf.cloudbed_booking_link
_STATE = schema.cloudbed_sync_state
CREATE_BACKOFF_CAP = timedelta(minutes=30)


@dataclass
class DeskPush:
    """One run's look at the front desk and what it needs to send what changed."""

    run: RunState
    guard: OutboundGuard
    desk: FrontDesk
    tables: dict[str, sa.Table]
    found: Scan
    catalog: Catalog = field(default_factory=Catalog)
    type_to_cloud: dict[int, str] = field(default_factory=dict)  # ADF room_types.id → Cloudbeds type
    room_to_cloud: dict[int, str] = field(default_factory=dict)  # ADF rooms.id → Cloudbeds room
    bookings: dict[int, AdfBooking] = field(default_factory=dict)
    guests: dict[int, dict[str, Any]] = field(default_factory=dict)
    links: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # ADF booking id → links
    sent_guests: set[int] = field(default_factory=set)

    @property
    def now(self) -> datetime:
        return self.run.started_at

    def load(self, conn: sa.Connection, booking_ids: Iterable[int]) -> None:
        """The bookings, their links and their guests (three queries)."""
        ids = sorted(set(booking_ids) - set(self.bookings))
        if not ids:
            return
        b = self.tables["bookings"]
        for chunk in _chunks(ids):
            for x in _bookings(conn, self.tables, b.c.id.in_(chunk), payments=False):
                self.bookings[x.id] = x
            for row in conn.execute(
                sa.select(LINK).where(
                    LINK.c.property_id == self.run.property_id, LINK.c.adf_booking_id.in_(chunk)
                )
            ).mappings():
                self.links.setdefault(row["adf_booking_id"], []).append(dict(row))
        self.load_guests(conn, [x.values.get("guest_id") for x in self.bookings.values()])

    def load_guests(self, conn: sa.Connection, guest_ids: Iterable[Any]) -> None:
        ids = sorted({int(i) for i in guest_ids if i is not None} - set(self.guests))
        g = self.tables["guests"]
        for chunk in _chunks(ids):
            for row in conn.execute(sa.select(g).where(g.c.id.in_(chunk))).mappings():
                self.guests[row["id"]] = dict(row)

    # --- the waiting queue ------------------------------------------------------------------

    def queue(self, booking_id: int, kind: str, state: str, reason: str) -> None:
        """Remember why a booking's push waits (``waiting``) or stopped (``refused``/``expired``)."""
        if not self.run.apply:
            return
        old = self.found.queued.get(booking_id) or {}
        attempts = int(old.get("attempts") or 0) + (1 if state == "waiting" else 0)
        since = old.get("since") or self.now
        wait = min(CREATE_BACKOFF_CAP, timedelta(seconds=15 * 2 ** min(attempts, 10)))
        entry = {
            "state": state,
            "kind": kind,
            "attempts": attempts,
            "reason": reason[:500],
            "code": self.code(booking_id),
            "next_at": (self.now + wait).isoformat() if state == "waiting" else None,
        }
        self.found.queued[booking_id] = {**entry, "since": since}
        with self.run.engine.begin() as conn:
            _put_state(conn, self.run.property_id, f"{QUEUE_PREFIX}{booking_id}", since, entry)

    def done(self, booking_id: int) -> None:
        if not self.run.apply or booking_id not in self.found.queued:
            return
        self.found.queued.pop(booking_id, None)
        with self.run.engine.begin() as conn:
            conn.execute(
                sa.delete(_STATE).where(
                    _STATE.c.property_id == self.run.property_id,
                    _STATE.c.name == f"{QUEUE_PREFIX}{booking_id}",
                )
            )

    def due(self, booking_id: int) -> bool:
        """Whether a waiting booking may be tried now (creates back off between attempts)."""
        entry = self.found.queued.get(booking_id)
        if entry is None:
            return True
        if entry.get("state") != "waiting":
            return False
        at = entry.get("next_at")
        try:
            return at is None or datetime.fromisoformat(at) <= self.now
        except ValueError:
            return True

    def code(self, booking_id: int) -> str:
        x = self.bookings.get(booking_id)
        return x.code if x is not None else f"#{booking_id}"

    # --- the link's baselines ----------------------------------------------------------------

    def save_synced(self, link: dict[str, Any], synced: Mapping[str, Any]) -> None:
        """Store a link's baselines (apply only); the in-memory copy follows either way."""
        link["synced"] = json.dumps(synced, sort_keys=True, ensure_ascii=False, default=str)
        if not self.run.apply:
            return
        with self.run.engine.begin() as conn:
            conn.execute(sa.update(LINK).where(LINK.c.id == link["id"]).values(synced=link["synced"]))


def synced_of(link: Mapping[str, Any]) -> dict[str, Any]:
    try:
        value = json.loads(link.get("synced") or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _chunks(ids: list[int], size: int = 500):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _put_state(conn: sa.Connection, pid: str, name: str, at: datetime, data: Mapping[str, Any]) -> None:
    values = {"cursor_at": at, "cursor_value": json.dumps(data, default=str), "updated_at": utcnow()}
    done = conn.execute(
        sa.update(_STATE).where(_STATE.c.property_id == pid, _STATE.c.name == name).values(**values)
    ).rowcount
    if not done:
        conn.execute(sa.insert(_STATE).values(property_id=pid, name=name, **values))


def refused_by_cloudbeds(exc: Exception) -> bool:
    """A well-formed write Cloudbeds declines (not a timeout or an outage): sending it again will
    not help, so it becomes a warning for a person instead of a retry."""
    if isinstance(exc, (ValidationError, NotFoundError, PermissionDeniedError)):
        return True
    return isinstance(exc, APIError) and getattr(exc, "status", None) == 200


def _reverse_maps(dp: DeskPush, conn: sa.Connection) -> None:
    dp.catalog = load_catalog(conn, dp.tables)
    mappings = load_mappings(conn, dp.run.property_id, dp.catalog)
    for cloud, adf in sorted(mappings.room_types.items()):
        dp.type_to_cloud.setdefault(adf, cloud)
    for cloud, adf in sorted(mappings.rooms.items()):
        dp.room_to_cloud.setdefault(adf, cloud)


def open_desk_push(run: RunState, guard: OutboundGuard) -> DeskPush | None:
    """The run's look at the front desk, or None: no front desk, push off, or nothing to do."""
    since = run.settings.push_since
    if since is None or not run.settings.push_enabled:
        return None
    found_desk = desk_tables(run.engine)
    if found_desk is None:
        return None
    desk, tables = found_desk
    with run.engine.connect() as conn:
        found = scan(conn, tables, run.property_id, since, run.today)
        dp = DeskPush(run, guard, desk, tables, found)
        if found.empty:
            return dp
        _reverse_maps(dp, conn)
        dp.load(conn, found.booking_ids | set(found.waiting))
        linked_guests = found.guest_ids
        if linked_guests:
            ids = conn.execute(
                sa.select(LINK.c.adf_booking_id).where(
                    LINK.c.property_id == run.property_id,
                    LINK.c.adf_guest_id.in_(sorted(linked_guests)),
                    LINK.c.state == "active",
                    LINK.c.adf_booking_id.is_not(None),
                )
            ).scalars()
            dp.load(conn, ids)
    return dp


def push_new_bookings(dp: DeskPush) -> None:
    from pms.sync.adfcreate import create_new_bookings

    create_new_bookings(dp)


def push_booking_changes(dp: DeskPush) -> None:
    from pms.sync.adfchanges import send_booking_changes

    send_booking_changes(dp)


def push_guest_changes(dp: DeskPush) -> None:
    from pms.sync.adfchanges import send_guest_changes

    send_guest_changes(dp)


# The ADF push, in order. A new step (payments, room blocks ...) is one more function here.
STEPS: list[Callable[[DeskPush], None]] = [push_new_bookings, push_booking_changes, push_guest_changes]


def push_front_desk(run: RunState, guard: OutboundGuard) -> DeskPush | None:
    """Send what staff changed at the front desk since the last look (see the module's docstring)."""
    dp = open_desk_push(run, guard)
    if dp is None:
        return None
    if not dp.found.empty:
        for step in STEPS:
            step(dp)
    if run.apply:
        with run.engine.begin() as conn:
            write_cursors(conn, run.property_id, dp.found)
    return dp


def front_desk_waiting(engine: sa.Engine, property_id: str, now: datetime | None = None) -> bool:
    """Cheap: does the front desk hold anything the push should look at now? (the worker's poll).

    A few small queries and no Cloudbeds call; False without a front desk or with push off.
    """
    from pms.db.settings import Settings

    s = Settings(engine).get_many(["cloudbed_push_enabled", "cloudbed_push_since"])
    since = s["cloudbed_push_since"]
    if not s["cloudbed_push_enabled"] or since is None:
        return False
    found_desk = desk_tables(engine)
    if found_desk is None:
        return False
    _, tables = found_desk
    now = now or datetime.now(UTC)
    with engine.connect() as conn:
        found = scan(conn, tables, property_id, since, now.date())
        if _needs_push(conn, tables, property_id, found, since):
            return True
    for entry in found.queued.values():
        if entry.get("state") != "waiting":
            continue
        try:
            if entry.get("next_at") is None or datetime.fromisoformat(entry["next_at"]) <= now:
                return True
        except ValueError:
            return True
    if found.booking_ids or found.guest_ids:  # only echoes and rows already sent: look past them
        with engine.begin() as conn:
            write_cursors(conn, property_id, found)
    return False


def _needs_push(
    conn: sa.Connection, tables: dict[str, sa.Table], pid: str, found: Scan, since: datetime
) -> bool:
    """Whether a changed row holds something to send (not only our pull's echo): a few queries."""
    from pms.adf.pushdiff import booking_diff, guest_diff, not_new

    b, g = tables["bookings"], tables["guests"]
    links: dict[int, dict] = {}
    ids = sorted(found.booking_ids)
    for chunk in _chunks(ids):
        for row in conn.execute(
            sa.select(LINK.c.adf_booking_id, LINK.c.synced).where(
                LINK.c.property_id == pid, LINK.c.adf_booking_id.in_(chunk), LINK.c.state == "active"
            )
        ).mappings():
            links.setdefault(row["adf_booking_id"], dict(row))
        for x in _bookings(conn, tables, b.c.id.in_(chunk), payments=False):
            link = links.get(x.id)
            if x.id in found.queued:  # waiting (its turn is checked below) or settled
                continue
            if link is None:
                if x.id in found.new_ids and not_new(x.id, x.values, since, found.floor_id) is None:
                    unlinked = conn.execute(
                        sa.select(LINK.c.id).where(LINK.c.property_id == pid, LINK.c.adf_booking_id == x.id)
                    ).first()
                    if unlinked is None:
                        return True
            elif booking_diff(x.values, synced_of(link)).changed:
                return True
    gids = sorted(found.guest_ids)
    for chunk in _chunks(gids):
        glinks = {
            r["adf_guest_id"]: dict(r)
            for r in conn.execute(
                sa.select(LINK.c.adf_guest_id, LINK.c.synced).where(
                    LINK.c.property_id == pid,
                    LINK.c.adf_guest_id.in_(chunk),
                    LINK.c.state == "active",
                    LINK.c.cloudbed_guest_id.is_not(None),
                )
            ).mappings()
        }
        if not glinks:
            continue
        for row in conn.execute(sa.select(g).where(g.c.id.in_(sorted(glinks)))).mappings():
            if guest_diff(dict(row), synced_of(glinks[row["id"]])).changed:
                return True
    return False


def cloudbeds_failure(dp: DeskPush, booking_id: int, kind: str, exc: CloudbedsError, what: str) -> None:
    """A failed send: Cloudbeds' refusal is a warning (not retried), anything else waits and
    expires (rule 17) or, for a create, backs off."""
    run = dp.run
    code = dp.code(booking_id)
    if refused_by_cloudbeds(exc):
        run.warn("front_desk_push", code, f"Cloudbeds refused {what}: {exc}")
        dp.queue(booking_id, kind, "refused", f"Cloudbeds refused {what}: {exc}")
        return
    run.result.entity("push").failed += 1
    run.result.errors.append(f"front desk {code}: {what}: {exc}")
    entry = dp.found.queued.get(booking_id) or {}
    first = entry.get("since")
    expired = (
        kind != "create"
        and isinstance(first, datetime)
        and dp.now - first > timedelta(minutes=run.settings.edit_expiry_minutes)
    )
    if expired:
        run.warn(
            "front_desk_push",
            code,
            f"{what} kept failing for {run.settings.edit_expiry_minutes} minutes and was dropped",
        )
        dp.queue(booking_id, kind, "expired", f"{what}: {exc}")
    else:
        dp.queue(booking_id, kind, "waiting", f"{what}: {exc}")
