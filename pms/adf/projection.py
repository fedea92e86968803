"""The front desk during one run: described once, then projected page by page.

A sync page that wrote the mirror calls ``Projection.page`` with the same connection, so the ADF
rows, guests and links of those stays are decided from the mirror as just written and written in
the very same transaction. The ADF part runs inside a savepoint: should the hotel's database refuse
a statement the fitting did not foresee, the mirror page is still kept, the stays are remembered
and projected again by the next run, and the run reports a warning instead of stopping.

``reconcile`` projects the whole mirror in scope (stays not cancelled that end today or later, and
every linked booking) without calling Cloudbeds: it is what switching the front desk on, a preview
of it, and retries of open problems use.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from pms.adf.introspect import FrontDesk, describe, reflect_tables
from pms.adf.model import ACTION_KINDS, Action, MirrorStay, Occupant, status_key
from pms.adf.project import Inputs, project
from pms.adf.state import load_catalog, load_desk_state, load_links, load_mappings, load_stays
from pms.adf.write import write_actions
from pms.db import schema, tables_adf
from pms.db.engine import reader
from pms.db.types import utcnow

__all__ = ["RETRY_KINDS", "Projection", "Tally", "retry_ids", "scope_ids"]

log = logging.getLogger("pms.adf")

LINK = tables_adf.cloudbed_booking_link
R = schema.reservasi
# Problems another run may solve by itself (a room assigned, a mapping saved, a room freed …).
RETRY_KINDS = ("unassigned", "unmapped", "conflict", "refused", "cancel", "price", "status", "failed")
SAMPLES = 10


@dataclass
class Tally:
    """What the projection did (or would do) in a run: actions per kind, adaptations per rule."""

    counts: Counter = field(default_factory=Counter)
    samples: dict[str, list[str]] = field(default_factory=dict)
    adaptations: Counter = field(default_factory=Counter)
    adaptation_samples: dict[tuple[str, str], str] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)

    def add(self, actions: Iterable[Action]) -> None:
        for a in actions:
            self.counts[a.kind] += 1
            if a.kind != "refresh" and len(self.samples.setdefault(a.kind, [])) < SAMPLES:
                self.samples[a.kind].append(f"{a.reservation_id}/{a.sub_id}: {a.summary}")
            for ad in a.adaptations:
                key = (f"{ad.table}.{ad.column}", ad.rule)
                self.adaptations[key] += 1
                self.adaptation_samples.setdefault(key, ad.describe())

    def as_dict(self) -> dict[str, int]:
        out = {k: int(self.counts.get(k, 0)) for k in ACTION_KINDS if k != "refresh"}
        out["adapted"] = int(sum(self.adaptations.values()))
        return out

    def adaptation_lines(self) -> list[str]:
        """One warning per column and rule: "guests.guest_name: 3 value(s) adapted (charset), e.g. …"."""
        return [
            f"{column}: {n} value(s) adapted ({rule}), e.g. {self.adaptation_samples[(column, rule)]}"
            for (column, rule), n in sorted(self.adaptations.items())
        ]


class Projection:
    """The front desk of one database, for one run and one property.

    Args:
        desk: the description (``describe``); ``tables`` the reflected tables.
        write: carry the actions out (else only decide and count them: a preview).
        today: the property's today (stays ending before it are history).
        on_action: called for every action decided (the sync's plan and warnings).
    """

    def __init__(
        self,
        desk: FrontDesk,
        tables: dict[str, sa.Table],
        property_id: str,
        *,
        write: bool,
        today: date,
        on_action: Callable[[Action], None] | None = None,
    ) -> None:
        self.desk, self.tables, self.property_id = desk, tables, property_id
        self.write, self.today, self.on_action = write, today, on_action
        self.tally = Tally()
        self.done: set[str] = set()  # reservations projected in this run
        self._catalog = None
        self._mappings = None
        self._planned: list[Occupant] = []  # a preview's creates, so later pages see those rooms taken

    @classmethod
    def open(cls, conn: sa.Connection, property_id: str, **kw: Any) -> Projection | None:
        """The projection for the front desk in ``conn``'s database, or None when it has none."""
        desk = describe(conn)
        if not desk.found:
            return None
        return cls(desk, reflect_tables(conn, desk), property_id, **kw)

    def _lookups(self, conn: sa.Connection):
        if self._catalog is None:
            self._catalog = load_catalog(conn, self.tables)
            self._mappings = load_mappings(conn, self.property_id, self._catalog)
        return self._catalog, self._mappings

    def _concerns(self, stay: MirrorStay, links: dict) -> bool:
        if any(r.sub_id in links for r in stay.rooms):
            return True
        live = not stay.is_deleted and status_key(stay.status) != "cancelled"
        return live and any(not r.is_deleted and r.check_out >= self.today for r in stay.rooms)

    def page(
        self,
        conn: sa.Connection,
        reservation_ids: Iterable[str] = (),
        *,
        stays: list[MirrorStay] | None = None,
        now: datetime | None = None,
    ) -> list[Action]:
        """Project (and, when writing, write) the stays of one page inside ``conn``'s transaction."""
        if stays is None:
            stays = load_stays(conn, self.property_id, reservation_ids)
        if not stays:
            return []
        self.done.update(s.reservation_id for s in stays)
        catalog, mappings = self._lookups(conn)
        links = load_links(conn, self.property_id, [s.reservation_id for s in stays])
        # Stays the projector would pass over (history, cancellations never written) need no look
        # at the desk: most of a full reconcile's pages are history.
        stays = [s for s in stays if self._concerns(s, links)]
        if not stays:
            return []
        state = load_desk_state(conn, self.tables, self.desk, self.property_id, stays, links, mappings)
        if not self.write:
            state.occupants.extend(self._planned)
        inp = Inputs(self.desk, catalog, mappings, links, state, self.today)
        actions = project(stays, inp)
        if not self.write:
            for a in actions:
                if a.kind == "create":
                    b = a.booking
                    self._planned.append(
                        Occupant(
                            None, b["room_id"], b["check_in_date"], b["check_out_date"], b["booking_code"]
                        )
                    )
        if self.write and actions:
            actions = self._write(conn, actions, now or utcnow())
        self.tally.add(actions)
        if self.on_action is not None:
            for action in actions:
                self.on_action(action)
        return actions

    def _write(self, conn: sa.Connection, actions: list[Action], now: datetime) -> list[Action]:
        try:
            with conn.begin_nested():
                write_actions(conn, self.tables, self.property_id, actions, now=now)
            return actions
        except sa.exc.SQLAlchemyError as exc:  # the hotel's database refused something fitting missed
            reason = str(getattr(exc, "orig", exc)).splitlines()[0][:300]
            log.warning("front desk write failed, kept for the next run: %s", reason)
            failed = []
            for a in actions:
                text = f"writing to ADF failed ({reason}); the next sync tries again"
                failed.append(Action("warn", a.reservation_id, a.sub_id, summary=text, warnings=[text]))
            marks = [
                {"property_id": self.property_id, "cloudbed_reservation_id": a.reservation_id,
                 "cloudbed_sub_reservation_id": a.sub_id, "problem_kind": "failed", "problem": text}
                for a in failed
            ]  # fmt: skip
            from pms.db.upsert import upsert_rows

            upsert_rows(conn, LINK, marks, key=("property_id", "cloudbed_sub_reservation_id"))
            self.tally.failed.append(reason)
            return failed


def scope_ids(
    conn: sa.Connection, property_id: str, today: date, *, after: int = 0, limit: int = 500
) -> list[tuple]:
    """Mirror stays the front desk should hold, by ``reservasi.id`` (pages of ``limit`` after ``after``):
    live stays ending today or later, and every stay with a linked ADF booking."""
    linked = sa.select(LINK.c.cloudbed_reservation_id).where(
        LINK.c.property_id == property_id, LINK.c.adf_booking_id.is_not(None), LINK.c.state == "active"
    )
    live = sa.and_(
        R.c.is_deleted.is_(False),
        R.c.check_out >= today,
        R.c.status.not_in(("canceled", "cancelled", "no_show")),
    )
    q = (
        sa.select(R.c.id, R.c.cloudbed_reservation_id)
        .where(R.c.property_id == property_id, R.c.cloudbed_reservation_id.is_not(None), R.c.id > after)
        .where(sa.or_(live, R.c.cloudbed_reservation_id.in_(linked)))
        .order_by(R.c.id)
        .limit(limit)
    )
    return [tuple(r) for r in conn.execute(q)]


def retry_ids(conn: sa.Connection, property_id: str, today: date, limit: int = 1000) -> list[str]:
    """Stays with a problem another run may solve (bounded, so a backlog never slows a sync down)."""
    q = (
        sa.select(LINK.c.cloudbed_reservation_id)
        .where(LINK.c.property_id == property_id, LINK.c.problem_kind.in_(RETRY_KINDS))
        .where(sa.or_(LINK.c.check_out >= today, LINK.c.adf_booking_id.is_not(None)))
        .distinct()
        .limit(limit)
    )
    return [r[0] for r in conn.execute(q)]


def reconcile(
    engine: sa.Engine,
    property_id: str,
    *,
    today: date,
    write: bool = True,
    batch: int = 200,
    on_action: Callable[[Action], None] | None = None,
) -> Tally | None:
    """Project every stay in scope from the mirror alone (no Cloudbeds call), ``batch`` stays per
    transaction; None when the database has no front desk. With ``write`` off it is the preview."""
    with reader(engine).connect() as conn:
        proj = Projection.open(conn, property_id, write=write, today=today, on_action=on_action)
    if proj is None:
        return None
    after = 0
    while True:
        with engine.begin() if write else reader(engine).connect() as conn:
            rows = scope_ids(conn, property_id, today, after=after, limit=batch)
            if not rows:
                break
            proj.page(conn, [r[1] for r in rows])
            after = rows[-1][0]
            if not write:
                conn.rollback()
    return proj.tally
