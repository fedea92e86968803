"""Bookings: reservations, their rooms and guests (see ``pms.db.schema`` for the conventions)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from pms.db.columns import MYSQL as _MYSQL
from pms.db.columns import bool_column as _bool
from pms.db.columns import metadata
from pms.db.columns import sync_columns as _sync_columns
from pms.db.columns import timestamps as _timestamps
from pms.db.types import CloudbedsId, Money, PropertyId, UTCDateTime

__all__ = [
    "guest",
    "reservasi",
    "reservasi_room",
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
    Column("payment_collect", String(16)),  # hotel | channel (domain rule 12)
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
