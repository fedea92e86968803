"""Our tables beside the hotel's front desk: booking links, room and source mappings, our settings.

The front desk itself (``bookings``, ``guests``, ``rooms`` ...) belongs to the hotel's ADF system and
is never declared here (``pms.adf.introspect`` reflects it at run time). What we need to keep the
two in step lives in tables of our own, created utf8mb4 next to ADF's:

- ``cloudbed_booking_link``: one row per Cloudbeds room booking (sub-reservation) the front desk
  knows or should know: the ADF booking it became (or was linked to), how, the values last synced
  (so a change made by staff, a change made in Cloudbeds and our own echo can be told apart), and
  the open problem a person must solve ("assign a room in Cloudbeds", "room 201 holds BK-0042").
- ``cloudbed_adf_mapping``: Cloudbeds rooms → ADF ``rooms.room_number`` and Cloudbeds sources → ADF
  ``booking_source`` (+ ``ota_source_detail``). Room types keep the seed's ``cloudbed_room_mapping``.
- ``cloudbed_payment_link``: one row per ADF ``booking_payments`` row the push looked at: the
  Cloudbeds payment it became (unique per ADF payment, so it is never sent twice), or why not.
- ``cloudbed_room_block``: Cloudbeds room blocks as we last read them (getRoomBlocks, roomblock/*
  webhooks), one row per block and room, and the blocks we made for ADF rooms out of order.
- ``cloudbed_settings``: our settings when the hotel's own ``settings`` table cannot hold them as it
  is (another shape, or a character set other than utf8mb4); it is never altered to make it fit.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, Index, Integer, String, Table, Text, UniqueConstraint

from pms.db.columns import MYSQL as _MYSQL
from pms.db.columns import metadata
from pms.db.columns import timestamps as _timestamps
from pms.db.types import CloudbedsId, Money, PropertyId, UTCDateTime

__all__ = [
    "cloudbed_adf_mapping",
    "cloudbed_booking_link",
    "cloudbed_payment_link",
    "cloudbed_room_block",
    "cloudbed_settings",
]

cloudbed_booking_link = Table(
    "cloudbed_booking_link",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("property_id", PropertyId(), nullable=False),
    Column("cloudbed_reservation_id", CloudbedsId(), nullable=False),
    Column("cloudbed_sub_reservation_id", CloudbedsId(), nullable=False),
    # ADF's ids are INT; no foreign key: the hotel's tables must never be constrained by ours.
    Column("adf_booking_id", Integer),
    Column("adf_guest_id", Integer),
    Column("cloudbed_guest_id", CloudbedsId()),  # the booker, so later stays find the same ADF guest
    Column("how", String(16)),  # linked (typed in ADF, found by rule 3) | created | pushed
    Column("state", String(16), nullable=False, default="open"),  # open | active | cancelled | gone
    Column("check_in", Date),
    Column("check_out", Date),
    Column("synced", Text),  # JSON: the booking's and guest's values as last written or seen
    Column("problem_kind", String(32)),  # unassigned | unmapped | conflict | cancel | price | adapted ...
    Column("problem", Text),
    Column("problem_at", UTCDateTime),
    *_timestamps(),
    UniqueConstraint("property_id", "cloudbed_sub_reservation_id", name="uq_booking_link_sub"),
    Index("ix_booking_link_adf", "adf_booking_id"),
    Index("ix_booking_link_reservation", "property_id", "cloudbed_reservation_id"),
    Index("ix_booking_link_problem", "property_id", "problem_kind", "check_out"),
    Index("ix_booking_link_guest", "property_id", "cloudbed_guest_id"),
    **_MYSQL,
)

cloudbed_adf_mapping = Table(
    "cloudbed_adf_mapping",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("property_id", PropertyId(), nullable=False),
    Column("kind", String(16), nullable=False),  # room | source
    Column("cloudbed_id", CloudbedsId(), nullable=False),
    Column("cloudbed_name", String(255)),
    Column("adf_value", String(100)),  # rooms.room_number | bookings.booking_source
    Column("adf_detail", String(50)),  # bookings.ota_source_detail (sources)
    *_timestamps(),
    UniqueConstraint("property_id", "kind", "cloudbed_id", name="uq_adf_mapping"),
    **_MYSQL,
)

cloudbed_settings = Table(
    "cloudbed_settings",
    metadata,
    Column("setting_key", String(100), primary_key=True),
    Column("setting_value", Text),
    Column("setting_description", String(255)),
    **_MYSQL,
)

cloudbed_payment_link = Table(
    "cloudbed_payment_link",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("property_id", PropertyId(), nullable=False),
    Column("adf_payment_id", Integer, nullable=False),  # booking_payments.id (no foreign key)
    Column("adf_booking_id", Integer),
    Column("cloudbed_reservation_id", CloudbedsId()),
    Column("cloudbed_sub_reservation_id", CloudbedsId()),
    Column("amount", Money()),
    Column("adf_method", String(32)),
    Column("cloudbed_method", String(32)),
    # waiting (booking not in Cloudbeds yet) | sending | sent | failed | skipped | expired
    Column("state", String(16), nullable=False),
    Column("paid_before", Money()),  # Cloudbeds' paid amount before sending: finds a lost answer
    Column("cloudbed_payment_id", CloudbedsId()),
    Column("cloudbed_transaction_id", CloudbedsId()),
    Column("attempts", Integer, nullable=False, default=0),
    Column("error", Text),
    *_timestamps(),
    UniqueConstraint("property_id", "adf_payment_id", name="uq_payment_link_adf"),
    Index("ix_payment_link_state", "property_id", "state"),
    **_MYSQL,
)

cloudbed_room_block = Table(
    "cloudbed_room_block",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("property_id", PropertyId(), nullable=False),
    Column("room_block_id", CloudbedsId()),  # NULL while one of ours is being created
    Column("cloudbed_room_id", CloudbedsId(), nullable=False),
    Column("cloudbed_room_type_id", CloudbedsId()),
    Column("block_type", String(32)),
    Column("reason", String(255)),
    Column("start_date", Date),
    Column("end_date", Date),  # the last blocked night
    Column("origin", String(16), nullable=False),  # cloudbeds | adf (made for an ADF room out of order)
    Column("adf_room_id", Integer),  # rooms.id, for blocks we made
    Column("adf_status", String(32)),  # the ADF room status that asked for it
    # active | removed | sending | failed | expired
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("error", Text),
    Column("seen_at", UTCDateTime),
    *_timestamps(),
    UniqueConstraint("property_id", "room_block_id", "cloudbed_room_id", name="uq_room_block"),
    Index("ix_room_block_dates", "property_id", "state", "start_date"),
    Index("ix_room_block_adf", "property_id", "adf_room_id"),
    **_MYSQL,
)
