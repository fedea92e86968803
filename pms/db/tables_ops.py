"""Operations (API, sync and outbound logs, cursors, leases, webhook events, alerts), settings, accounts."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from pms.db.columns import MYSQL as _MYSQL
from pms.db.columns import bool_column as _bool
from pms.db.columns import metadata
from pms.db.columns import timestamps as _timestamps
from pms.db.types import CloudbedsId, PropertyId, UTCDateTime, utcnow

__all__ = [
    "app_session",
    "app_user",
    "cloudbed_alerts",
    "cloudbed_api_log",
    "cloudbed_outbound_log",
    "cloudbed_sync_log",
    "cloudbed_sync_state",
    "cloudbed_webhook_events",
    "settings",
]

# --- operations: logs, state, events ------------------------------------------------------------

cloudbed_api_log = Table(
    "cloudbed_api_log",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("property_id", PropertyId()),
    Column("endpoint", String(64), nullable=False),
    Column("method", String(8), nullable=False),
    Column("http_status", Integer),
    Column("duration_ms", Integer),
    Column("request_id", String(64)),
    Column("attempt", Integer, nullable=False, default=1),
    Column("params", Text),  # redacted, JSON
    Column("response_summary", String(500)),
    Column("error", String(500)),
    Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    Index("ix_api_log_created", "created_at"),
    Index("ix_api_log_property", "property_id", "created_at"),
    **_MYSQL,
)

cloudbed_sync_log = Table(
    "cloudbed_sync_log",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("property_id", PropertyId()),
    Column("sync_type", String(128), nullable=False),  # entities, e.g. "reservations,guests"
    Column("direction", String(8), nullable=False, default="pull"),  # pull | push | both
    Column("trigger", String(16), nullable=False, default="manual"),  # manual | auto | webhook | cli
    Column("mode", String(16), nullable=False, default="incremental"),  # window | incremental | full
    Column("range_from", Date),
    Column("range_to", Date),
    Column("status", String(16), nullable=False, default="running"),  # running|completed|failed|partial
    Column("started_at", UTCDateTime, nullable=False, default=utcnow),
    Column("finished_at", UTCDateTime),
    Column("duration_ms", Integer),
    Column("processed", Integer, nullable=False, default=0),
    Column("successful", Integer, nullable=False, default=0),
    Column("failed", Integer, nullable=False, default=0),
    Column("api_calls", Integer, nullable=False, default=0),
    Column("rate_limited", Integer, nullable=False, default=0),
    Column("warnings", Integer, nullable=False, default=0),
    Column("error_details", Text),
    Column("stats", Text),  # JSON: per-entity created/updated/unchanged/deleted/failed
    Index("ix_sync_log_started", "property_id", "started_at"),
    Index("ix_sync_log_status", "status"),
    **_MYSQL,
)

cloudbed_sync_state = Table(
    "cloudbed_sync_state",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("property_id", PropertyId(), nullable=False),
    # "cursor:reservations", "cursor:guests", "lease:sync", "last_full:reservations" ...
    Column("name", String(64), nullable=False),
    Column("cursor_at", UTCDateTime),
    Column("cursor_value", Text),
    Column("lease_owner", String(128)),
    Column("lease_expires_at", UTCDateTime),
    Column("updated_at", UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow),
    UniqueConstraint("property_id", "name", name="uq_sync_state"),
    **_MYSQL,
)

cloudbed_webhook_events = Table(
    "cloudbed_webhook_events",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("property_id", PropertyId()),
    Column("event", String(64), nullable=False),
    Column("entity_id", CloudbedsId()),  # reservation, guest or rate-job id
    Column("dedupe_key", String(64), nullable=False),  # sha256 of (event, ids, property, timestamp)
    Column("payload", Text, nullable=False),
    Column("event_time", UTCDateTime),
    Column("received_at", UTCDateTime, nullable=False, default=utcnow),
    # pending | processing | processed | failed | ignored
    Column("status", String(16), nullable=False, default="pending"),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime),
    Column("processed_at", UTCDateTime),
    Column("error", Text),
    UniqueConstraint("dedupe_key", name="uq_webhook_dedupe"),
    Index("ix_webhook_status", "status", "next_attempt_at"),
    Index("ix_webhook_received", "received_at"),
    **_MYSQL,
)

cloudbed_outbound_log = Table(
    "cloudbed_outbound_log",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("property_id", PropertyId()),
    Column("operation", String(32), nullable=False),  # postReservation, putReservation, putGuest ...
    Column("local_table", String(32)),
    Column("local_id", BigInteger().with_variant(Integer, "sqlite")),
    Column("cloudbed_id", CloudbedsId()),
    Column("decision", String(16), nullable=False),  # sent | refused
    Column("reason", String(255)),
    Column("payload", Text),  # redacted, JSON
    Column("http_status", Integer),
    Column("success", Boolean(create_constraint=False)),
    Column("error", Text),
    Column("request_id", String(64)),
    Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    Index("ix_outbound_created", "property_id", "created_at"),
    **_MYSQL,
)

cloudbed_alerts = Table(
    "cloudbed_alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("property_id", PropertyId()),
    Column("alert_key", String(64), nullable=False),  # sync_failed, auth_revoked, stale_sync ...
    Column("severity", String(16), nullable=False, default="error"),
    Column("message", Text, nullable=False),
    Column("status", String(16), nullable=False, default="active"),  # active | resolved
    Column("occurrences", Integer, nullable=False, default=1),
    Column("first_seen_at", UTCDateTime, nullable=False, default=utcnow),
    Column("last_seen_at", UTCDateTime, nullable=False, default=utcnow),
    Column("resolved_at", UTCDateTime),
    Column("notified_at", UTCDateTime),
    Column("recovery_notified_at", UTCDateTime),
    Index("ix_alerts_status", "status", "property_id"),
    **_MYSQL,
)

# --- configuration and accounts ------------------------------------------------------------------

settings = Table(
    "settings",
    metadata,
    # The seed's shape, so a hotel's existing settings table is reused rather than duplicated.
    Column("setting_key", String(100), primary_key=True),
    Column("setting_value", Text),
    Column("setting_description", String(255)),
    **_MYSQL,
)

app_user = Table(
    "app_user",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(16), nullable=False),  # manager | staff
    Column("language", String(5), nullable=False, default="en"),  # en | id
    _bool("is_active", default=True),
    Column("failed_attempts", Integer, nullable=False, default=0),
    Column("locked_until", UTCDateTime),
    Column("last_login_at", UTCDateTime),
    # Bumped by a password or role change and by switching the account off: every open session
    # of the account carries the version it started with and ends when they differ.
    Column("session_version", Integer, nullable=False, default=1),
    *_timestamps(),
    UniqueConstraint("username", name="uq_app_user_username"),
    # Ids are never reused (SQLite would hand a deleted account's id to the next one otherwise),
    # so nothing that remembers an id can ever point at another person's account.
    sqlite_autoincrement=True,
    **_MYSQL,
)

# Logged-in dashboard sessions (pms.accounts.sessions): the browser holds a signed cookie whose
# token hashes to ``token_hash``; the one-time ``ticket`` lets the server's own route set that
# cookie after a login in the dashboard.
app_session = Table(
    "app_session",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False),
    Column("session_version", Integer, nullable=False),
    Column("token_hash", String(64)),
    Column("ticket_hash", String(64)),
    Column("ticket_expires_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    Column("last_seen_at", UTCDateTime, nullable=False, default=utcnow),
    Index("ix_app_session_token", "token_hash", unique=True),
    Index("ix_app_session_ticket", "ticket_hash", unique=True),
    Index("ix_app_session_user", "user_id"),
    **_MYSQL,
)
