"""The Cloudbeds catalogue cached for editors and reports, the room-type mapping, rates and availability."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
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
from pms.db.types import CloudbedsId, Money, PropertyId, UTCDateTime, utcnow

__all__ = [
    "cloudbed_availability",
    "cloudbed_properties",
    "cloudbed_rate_sync",
    "cloudbed_room_mapping",
    "cloudbed_room_types",
    "cloudbed_rooms",
    "cloudbed_sources",
]

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
    # synced | pending (edit waiting to be pushed) | queued (job sent) | correcting (sent again:
    # the read-back found the night unchanged) | completed (read back) | error | expired
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
