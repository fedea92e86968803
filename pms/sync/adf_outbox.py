"""What the ADF-side pushes (payments, room blocks) share: the front desk, the switch, the expiry.

Both read the hotel's own tables (``booking_payments``, ``rooms``), which are reflected at run time
and never declared or altered by us, and both keep what they did in tables of ours. A push is
possible only when push is switched on with a start time (domain rule 14); every write then goes
through ``OutboundGuard`` (rule 15), and one that keeps failing expires after
``edit_expiry_minutes`` with a warning (rule 17).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

import sqlalchemy as sa

from pms.sync.runstate import RunState

__all__ = ["AdfDesk", "as_utc", "expired", "open_desk", "push_ready"]


@dataclass(frozen=True)
class AdfDesk:
    """The front desk's description and its reflected tables, for one step of one run."""

    desk: Any  # pms.adf.introspect.FrontDesk
    tables: dict[str, sa.Table]


def open_desk(run: RunState, *needed: str) -> AdfDesk | None:
    """The hotel's front desk when it has every table in ``needed``, else None (the reflection the
    bookings push keeps for a few minutes, so a pushing run reflects ADF's tables once)."""
    from pms.adf.pushscan import desk_tables  # pms.adf imports pms.sync: loaded on use

    found = desk_tables(run.engine)
    if found is None or any(t not in found[0].tables for t in needed):
        return None
    return AdfDesk(*found)


def push_ready(run: RunState) -> bool:
    """Push is switched on and has its start time (rule 14)."""
    return bool(run.settings.push_enabled and run.settings.push_since is not None)


def as_utc(value: Any, zone: tzinfo) -> datetime | None:
    """An ADF timestamp as aware UTC.

    Our connections read MySQL ``TIMESTAMP`` columns in UTC (``time_zone = '+00:00'``), and SQLite's
    ``CURRENT_TIMESTAMP`` is UTC; a naive value from a ``DATETIME`` column typed by staff is the
    property's local time (``zone``).
    """
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    return value.replace(tzinfo=zone).astimezone(UTC)


def expired(run: RunState, since: datetime | None) -> bool:
    """Rule 17: ``since`` (when the write was first wanted) lies beyond the expiry."""
    if since is None:
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return since < run.started_at - timedelta(minutes=run.settings.edit_expiry_minutes)
