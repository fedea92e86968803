"""Every table of the integration, in SQLAlchemy Core, for SQLite and MySQL/MariaDB alike.

The seed's table names are kept (``reservasi``, ``guest``, ``cloudbed_*``, ``settings``) because the
hotel's PHP tools read them. Conventions:

- Every Cloudbeds-derived row carries ``property_id``; natural keys are (property, Cloudbeds id) and
  are unique, which is what the bulk upserts conflict on.
- Timestamps are UTC (``UTCDateTime``); money is DECIMAL; Cloudbeds ids are strings.
- ``origin`` says who created a row (``cloudbeds`` or ``local``); ``sync_status`` is
  ``pending`` / ``synced`` / ``error`` / ``expired`` (a local edit abandoned by DOMAIN rule 17).
- Rows are never deleted because they vanished from Cloudbeds: ``is_deleted`` marks them.
- On MySQL every table is InnoDB with utf8mb4 (guest names are Indonesian, Chinese, Arabic ...).

Changing this file after the first release needs an Alembic migration (see ``pms/db/migrations``).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from pms.db.types import CloudbedsId, Money, PropertyId, UTCDateTime, utcnow

__all__ = [
    "metadata",
    "SCHEMA_VERSION",
    "reservasi",
    "reservasi_room",
    "guest",
    "cloudbed_properties",
    "cloudbed_room_mapping",
    "cloudbed_room_types",
    "cloudbed_rooms",
    "cloudbed_sources",
    "cloudbed_rate_sync",
    "cloudbed_availability",
    "cloudbed_api_log",
    "cloudbed_sync_log",
    "cloudbed_sync_state",
    "cloudbed_webhook_events",
    "cloudbed_outbound_log",
    "cloudbed_alerts",
    "settings",
    "app_user",
    "ADOPTABLE_TABLES",
]

# Bumped together with a new Alembic revision; shown on the Setup page.
SCHEMA_VERSION = "0002"

metadata = MetaData()

_MYSQL = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"}


def _bool(name: str, default: bool = False, **kw) -> Column:
    return Column(name, Boolean(create_constraint=False), nullable=False, default=default, **kw)


def _timestamps() -> list[Column]:
    return [
        Column("created_at", UTCDateTime, nullable=False, default=utcnow),
        Column("updated_at", UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow),
    ]


def _sync_columns() -> list[Column]:
    """Columns that track a row's journey between the two systems."""
    return [
        Column("origin", String(16), nullable=False, default="cloudbeds"),
        Column("sync_status", String(16), nullable=False, default="synced"),
        Column("sync_error", Text),
        Column("sync_attempts", Integer, nullable=False, default=0),
        Column("last_sync_at", UTCDateTime),
        # When the hotel side last changed the row; push only sends rows changed after push was
        # switched on (DOMAIN rule 14) and drops edits that kept failing (rule 17).
        Column("local_modified_at", UTCDateTime),
    ]


# --- reservations and guests -------------------------------------------------------------------

reservasi = Table(
    "reservasi",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("property_id", PropertyId(), nullable=False),
    Column("cloudbed_reservation_id", CloudbedsId()),
    # Our own key for a reservation typed into the hotel system; sent as thirdPartyIdentifier so a
    # timed-out create can be found again instead of being created twice.
    Column("local_ref", String(64)),
    Column("status", String(32), nullable=False, default="confirmed"),
    Column("check_in", Date, nullable=False),
    Column("check_out", Date, nullable=False),
    Column("adults", Integer, nullable=False, default=1),
    Column("children", Integer, nullable=False, default=0),
    Column("guest_id", BigInteger().with_variant(Integer, "sqlite"), ForeignKey("guest.id")),
    Column("cloudbed_guest_id", CloudbedsId()),
    Column("guest_name", String(255)),
    Column("source_id", CloudbedsId()),
    Column("source_name", String(255)),
    Column("source_category", String(64)),
    Column("payment_collect", String(16)),  # hotel | channel (DOMAIN rule 12)
    Column("currency", String(3)),
    Column("total", Money()),  # grand total incl. taxes and fees (rule 9)
    Column("sub_total", Money()),
    Column("taxes_fees", Money()),
    Column("paid", Money()),
    Column("balance", Money()),
    # Last total read from Cloudbeds: the baseline that tells a price changed in Cloudbeds (rule 10).
    Column("cloudbed_total", Money()),
    Column("third_party_id", String(128)),
    Column("booking_origin", String(64)),  # Cloudbeds' own "origin" field (booking.com, walk-in ...)
    Column("estimated_arrival", String(8)),
    _bool("is_deleted"),
    Column("cancelled_at", UTCDateTime),
    Column("cloudbed_created_at", UTCDateTime),
    Column("cloudbed_updated_at", UTCDateTime),
    *_sync_columns(),
    *_timestamps(),
    UniqueConstraint("property_id", "cloudbed_reservation_id", name="uq_reservasi_cloudbed_id"),
    UniqueConstraint("local_ref", name="uq_reservasi_local_ref"),
    Index("ix_reservasi_check_in", "property_id", "check_in"),
    Index("ix_reservasi_check_out", "property_id", "check_out"),
    Index("ix_reservasi_sync_status", "property_id", "sync_status"),
    Index("ix_reservasi_updated", "property_id", "cloudbed_updated_at"),
    Index("ix_reservasi_status", "property_id", "status"),
    # Covers the dashboard's counts and pagers (live bookings by sync state and stay), which
    # otherwise visit every row of a property: 400 ms → 20 ms at 100,000 bookings (revision 0002).
    Index("ix_reservasi_live", "property_id", "is_deleted", "sync_status", "check_in"),
    **_MYSQL,
)

reservasi_room = Table(
    "reservasi_room",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column(
        "reservasi_id",
        BigInteger().with_variant(Integer, "sqlite"),
        ForeignKey("reservasi.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("property_id", PropertyId(), nullable=False),
    Column("cloudbed_reservation_id", CloudbedsId()),
    Column("sub_reservation_id", CloudbedsId()),
    Column("cloudbed_room_type_id", CloudbedsId()),
    Column("room_type_name", String(255)),
    Column("adf_room_type", String(100)),  # from cloudbed_room_mapping; NULL = unmapped (warned)
    Column("room_id", CloudbedsId()),
    Column("room_name", String(100)),
    Column("check_in", Date),
    Column("check_out", Date),
    Column("adults", Integer, nullable=False, default=1),
    Column("children", Integer, nullable=False, default=0),
    Column("room_total", Money()),
    Column("rate_id", CloudbedsId()),
    Column("rate_name", String(255)),
    Column("room_status", String(32)),
    _bool("is_deleted"),
    *_timestamps(),
    UniqueConstraint("property_id", "sub_reservation_id", name="uq_reservasi_room_sub"),
    Index("ix_reservasi_room_parent", "reservasi_id"),
    Index("ix_reservasi_room_type", "property_id", "cloudbed_room_type_id"),
    **_MYSQL,
)

guest = Table(
    "guest",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("property_id", PropertyId(), nullable=False),
    Column("cloudbed_guest_id", CloudbedsId()),
    Column("cloudbed_reservation_id", CloudbedsId()),  # the latest reservation seen for the guest
    Column("first_name", String(255)),
    Column("last_name", String(255)),
    Column("email", String(255)),
    Column("phone", String(64)),
    Column("cell_phone", String(64)),
    Column("gender", String(8)),
    Column("country", String(64)),
    Column("address1", String(255)),
    Column("address2", String(255)),
    Column("city", String(128)),
    Column("state", String(128)),
    Column("zip", String(32)),
    Column("birth_date", Date),
    Column("document_type", String(32)),
    Column("document_number", String(64)),
    _bool("is_anonymized"),
    Column("cloudbed_updated_at", UTCDateTime),
    *_sync_columns(),
    *_timestamps(),
    UniqueConstraint("property_id", "cloudbed_guest_id", name="uq_guest_cloudbed_id"),
    Index("ix_guest_email", "email"),
    Index("ix_guest_sync_status", "property_id", "sync_status"),
    Index("ix_guest_live", "property_id", "is_anonymized", "sync_status"),  # revision 0002
    **_MYSQL,
)

# --- Cloudbeds catalogue (cache for editors and reports) ---------------------------------------

cloudbed_properties = Table(
    "cloudbed_properties",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("property_id", PropertyId(), nullable=False),
    Column("name", String(255)),
    Column("timezone", String(64)),
    Column("currency_code", String(3)),
    Column("currency_symbol", String(8)),
    Column("country", String(64)),
    _bool("is_demo"),  # the sandbox's demo property: shown with a banner, purged on go-live
    Column("updated_at", UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow),
    UniqueConstraint("property_id", name="uq_cloudbed_properties"),
    **_MYSQL,
)

cloudbed_room_mapping = Table(
    "cloudbed_room_mapping",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("property_id", PropertyId(), nullable=False),
    Column("adf_room_type", String(100), nullable=False),
    Column("cloudbed_room_type_id", CloudbedsId()),
    Column("cloudbed_room_type_name", String(255)),
    _bool("is_active", default=True),
    Column("notes", String(255)),
    *_timestamps(),
    UniqueConstraint("property_id", "adf_room_type", name="uq_room_mapping_adf"),
    Index("ix_room_mapping_cloudbeds", "property_id", "cloudbed_room_type_id"),
    **_MYSQL,
)

cloudbed_room_types = Table(
    "cloudbed_room_types",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("property_id", PropertyId(), nullable=False),
    Column("room_type_id", CloudbedsId(), nullable=False),
    Column("name", String(255)),
    Column("short_name", String(64)),
    Column("description", Text),
    Column("max_guests", Integer),
    Column("adults_included", Integer),
    Column("children_included", Integer),
    _bool("is_private", default=True),
    Column("units", Integer),  # number of physical rooms of this type (from getRooms)
    Column("updated_at", UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow),
    UniqueConstraint("property_id", "room_type_id", name="uq_cloudbed_room_types"),
    **_MYSQL,
)

cloudbed_rooms = Table(
    "cloudbed_rooms",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("property_id", PropertyId(), nullable=False),
    Column("room_id", CloudbedsId(), nullable=False),
    Column("room_name", String(100)),
    Column("room_number", String(16)),  # digits of the name: "Room 201" = "D201" = "201" (rule 4)
    Column("room_type_id", CloudbedsId()),
    Column("room_type_name", String(255)),
    Column("max_guests", Integer),
    _bool("is_private", default=True),
    _bool("is_virtual"),
    Column("updated_at", UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow),
    UniqueConstraint("property_id", "room_id", name="uq_cloudbed_rooms"),
    **_MYSQL,
)

cloudbed_sources = Table(
    "cloudbed_sources",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("property_id", PropertyId(), nullable=False),
    Column("source_id", CloudbedsId(), nullable=False),
    Column("name", String(255)),
    Column("category", String(64)),
    _bool("is_third_party"),
    _bool("is_active", default=True),
    Column("commission", Money()),
    Column("payment_collect", String(16)),  # hotel | channel
    Column("updated_at", UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow),
    UniqueConstraint("property_id", "source_id", name="uq_cloudbed_sources"),
    **_MYSQL,
)

# --- rates and availability -------------------------------------------------------------------

cloudbed_rate_sync = Table(
    "cloudbed_rate_sync",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("property_id", PropertyId(), nullable=False),
    Column("rate_id", CloudbedsId(), nullable=False),
    Column("rate_date", Date, nullable=False),
    Column("room_type_id", CloudbedsId()),
    Column("rate_plan_name", String(255)),
    _bool("is_derived"),
    Column("cloudbed_rate", Money()),  # last rate read from Cloudbeds
    Column("adf_rate", Money()),  # the hotel's rate; pushed when direction is to_cloudbed
    Column("rooms_available", Integer),
    Column("min_los", Integer),
    Column("max_los", Integer),
    _bool("closed_to_arrival"),
    _bool("closed_to_departure"),
    _bool("blocked"),
    Column("direction", String(16), nullable=False, default="from_cloudbed"),  # or to_cloudbed
    # synced | pending (edit waiting to be pushed) | queued (job sent) | completed | error
    Column("status", String(16), nullable=False, default="synced"),
    Column("job_reference_id", String(64)),
    Column("error", Text),
    Column("local_modified_at", UTCDateTime),
    Column("pushed_at", UTCDateTime),
    *_timestamps(),
    UniqueConstraint("property_id", "rate_id", "rate_date", name="uq_rate_sync"),
    Index("ix_rate_sync_date", "property_id", "rate_date"),
    Index("ix_rate_sync_status", "property_id", "status"),
    **_MYSQL,
)

cloudbed_availability = Table(
    "cloudbed_availability",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("property_id", PropertyId(), nullable=False),
    Column("room_type_id", CloudbedsId(), nullable=False),
    Column("stay_date", Date, nullable=False),
    Column("rooms_available", Integer),
    Column("rooms_total", Integer),
    Column("rate", Money()),
    Column("updated_at", UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow),
    UniqueConstraint("property_id", "room_type_id", "stay_date", name="uq_availability"),
    Index("ix_availability_date", "property_id", "stay_date"),
    **_MYSQL,
)

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
    *_timestamps(),
    UniqueConstraint("username", name="uq_app_user_username"),
    **_MYSQL,
)

# Tables a hotel may already have from the ADF system; setup adds our columns instead of failing.
ADOPTABLE_TABLES = ("reservasi", "guest", "settings")
