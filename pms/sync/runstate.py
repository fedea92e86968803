"""The state of one run, shared by the entity modules: settings, lookups, plan and result.

A run is either a preview (``apply=False``: fetch and compare, write nothing) or an apply; both go
through the same code, so a preview shows exactly what an apply would decide at that moment. The
lookups loaded here are small and per property (room-type mapping, sources' payment collect,
guests with unsent edits); nothing here grows with the number of reservations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

import sqlalchemy as sa

from pms.db import schema
from pms.db.leases import Lease
from pms.db.settings import Settings
from pms.db.types import utcnow
from pms.i18n import Said
from pms.sync.plan import SyncPlan
from pms.sync.request import SyncContext, SyncRequest
from pms.sync.result import SyncResult

__all__ = ["RunSettings", "RunState", "load_settings", "property_zone", "zone_name"]

DEFAULT_ZONE = "Asia/Jakarta"


@dataclass(frozen=True)
class RunSettings:
    overlap_minutes: int = 120
    edit_expiry_minutes: int = 45
    rate_days: int = 90
    push_enabled: bool = False
    push_since: datetime | None = None
    front_desk_enabled: bool = False


FRONT_DESK_ENABLED = "adf_frontdesk_enabled"  # pms.adf.switch.ENABLED (read here with the rest)


def load_settings(engine: sa.Engine) -> RunSettings:
    """Every setting a run reads, in one query (a round trip to a remote database costs more)."""
    s = Settings(engine).get_many(
        [
            "cloudbed_sync_overlap_minutes",
            "cloudbed_edit_expiry_minutes",
            "cloudbed_rate_days",
            "cloudbed_push_enabled",
            "cloudbed_push_since",
            FRONT_DESK_ENABLED,
        ]
    )
    return RunSettings(
        overlap_minutes=s["cloudbed_sync_overlap_minutes"],
        edit_expiry_minutes=s["cloudbed_edit_expiry_minutes"],
        rate_days=s["cloudbed_rate_days"],
        push_enabled=bool(s["cloudbed_push_enabled"]),
        push_since=s["cloudbed_push_since"],
        front_desk_enabled=bool(s[FRONT_DESK_ENABLED]),
    )


def property_zone(
    engine: sa.Engine, client, property_id: str, *, save: bool = True, conn: sa.Connection | None = None
) -> tzinfo:
    """The property's time zone (domain rule 19): the client's, else the stored one, else one call.

    What is learnt is given to the client, which needs it to read property-local timestamps and
    to send date-time filters in property time; a zone asked from Cloudbeds is stored (``save``)
    so later runs need not ask again.
    """
    if client.property_timezone is not None:
        return client.property_timezone
    props = schema.cloudbed_properties
    q = sa.select(props.c.timezone).where(props.c.property_id == property_id)
    if conn is not None:  # the caller's read connection (one round trip less)
        name = conn.execute(q).scalar()
    else:
        with engine.connect() as own:
            name = own.execute(q).scalar()
    if name:
        try:
            client.property_timezone = name
            return client.property_timezone
        except Exception:  # an unknown stored zone: ask Cloudbeds again
            pass
    client.load_property_timezone()
    if client.property_timezone is None:
        client.property_timezone = DEFAULT_ZONE
    elif save:
        with engine.begin() as conn:
            zone = zone_name(client.property_timezone)
            done = conn.execute(
                sa.update(props).where(props.c.property_id == property_id).values(timezone=zone)
            ).rowcount
            if not done:
                conn.execute(sa.insert(props).values(property_id=property_id, timezone=zone))
    return client.property_timezone


@dataclass
class RunState:
    """Everything one run needs and produces."""

    ctx: SyncContext
    req: SyncRequest
    apply: bool
    settings: RunSettings
    zone: tzinfo = UTC
    started_at: datetime = field(default_factory=utcnow)
    result: SyncResult = field(default_factory=SyncResult)
    plan: SyncPlan = field(default_factory=SyncPlan)
    lease: Lease | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    collect: dict[str, str] = field(default_factory=dict)
    pending_guests: set[str] = field(default_factory=set)
    unmapped: dict[str, int] = field(default_factory=dict)
    newest_seen: dict[str, datetime] = field(default_factory=dict)
    refresh: bool = False  # re-reads by id apply only what is newer than the database (webhooks)
    force: bool = False  # retries re-evaluate rows even when Cloudbeds' time did not move
    done: int = 0
    known_seen: int = 0  # stored, not deleted bookings read again (a preview's vanished count)
    failed_ids: set[str] = field(default_factory=set)  # bookings that could not be stored this run
    at_start: dict[str, Any] = field(default_factory=dict)  # state rows read with the lookups
    # The hotel's front desk for this run (pms.adf.projection.Projection), opened on first use.
    front_desk: Any = None
    front_desk_opened: bool = False
    front_desk_enabled: bool = False

    @property
    def property_id(self) -> str:
        return self.ctx.property_id  # type: ignore[return-value]

    @property
    def engine(self) -> sa.Engine:
        return self.ctx.engine

    @property
    def client(self):
        return self.ctx.client

    @property
    def today(self) -> date:
        """Today in the property's time zone (Cloudbeds' notion of "today", rule 18)."""
        return datetime.now(self.zone).date()

    def action(self, kind: str, entity: str, key: str, summary: str = "") -> None:
        self.plan.add(kind, entity, key, summary)

    def warn(self, entity: str, key: str, message: str) -> None:
        self.plan.add("warn", entity, key, message)
        self.result.warn(
            Said("sync.warn_line", {"entity": entity, "ref": key, "message": message}) if key else message
        )

    def seen(self, entity: str, when: datetime | None) -> None:
        """Remember the newest modification time read, for the entity's next cursor."""
        if when is not None and (entity not in self.newest_seen or when > self.newest_seen[entity]):
            self.newest_seen[entity] = when

    def progress(self, expected: int | None, label: str) -> None:
        if self.ctx.progress is None:
            return
        try:
            self.ctx.progress(self.done, expected, label)
        except Exception:  # a progress bar must never break a sync
            pass

    def load_lookups(self, conn: sa.Connection) -> None:
        """Room-type mapping, sources' payment collect, guests with edits not yet pushed."""
        pid = self.property_id
        m = schema.cloudbed_room_mapping
        self.mapping = {}
        for row in conn.execute(
            sa.select(m.c.cloudbed_room_type_id, m.c.adf_room_type)
            .where(m.c.property_id == pid, m.c.is_active.is_(True), m.c.cloudbed_room_type_id.is_not(None))
            .order_by(m.c.id)
        ):
            self.mapping.setdefault(row.cloudbed_room_type_id, row.adf_room_type)
        s = schema.cloudbed_sources
        self.collect = {
            r.source_id: r.payment_collect
            for r in conn.execute(sa.select(s.c.source_id, s.c.payment_collect).where(s.c.property_id == pid))
            if r.payment_collect
        }
        # Unsent guest edits win over the pull until they expire (domain rule 17).
        g = schema.guest
        fresh = utcnow() - timedelta(minutes=self.settings.edit_expiry_minutes)
        self.pending_guests = {
            r.cloudbed_guest_id
            for r in conn.execute(
                sa.select(g.c.cloudbed_guest_id, g.c.local_modified_at, g.c.last_sync_at).where(
                    g.c.property_id == pid,
                    g.c.sync_status.in_(("pending", "error")),
                    g.c.cloudbed_guest_id.is_not(None),
                    g.c.local_modified_at > fresh,
                )
            )
            if r.last_sync_at is None or r.local_modified_at > r.last_sync_at
        }


def zone_name(zone: tzinfo) -> str:
    """The IANA name of a zone (``Asia/Jakarta``), for storing."""
    return getattr(zone, "key", None) or str(zone)
