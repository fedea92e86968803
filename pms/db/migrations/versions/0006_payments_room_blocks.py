"""Payment and room-block push: ``cloudbed_payment_link`` and ``cloudbed_room_block``.

``cloudbed_payment_link`` keeps, per ADF ``booking_payments`` row the push looked at, the
Cloudbeds payment it became (unique per ADF payment) or why it was not sent;
``cloudbed_room_block`` mirrors Cloudbeds' room blocks and holds the blocks made for ADF rooms out
of order. Both are ours; none of ADF's tables is touched.

The tables are written out as they are at this revision (not imported from ``pms.db``), so the
migration keeps its meaning when the tables change later.

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from pms.db.types import CloudbedsId, Money, PropertyId, UTCDateTime

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None

_MYSQL = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"}


def _id() -> sa.Column:
    return sa.Column(
        "id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True
    )


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    ]


def _missing(name: str) -> bool:
    return not sa.inspect(op.get_bind()).has_table(name)


def upgrade() -> None:
    if _missing("cloudbed_payment_link"):
        op.create_table(
            "cloudbed_payment_link",
            _id(),
            sa.Column("property_id", PropertyId(), nullable=False),
            sa.Column("adf_payment_id", sa.Integer, nullable=False),
            sa.Column("adf_booking_id", sa.Integer),
            sa.Column("cloudbed_reservation_id", CloudbedsId()),
            sa.Column("cloudbed_sub_reservation_id", CloudbedsId()),
            sa.Column("amount", Money()),
            sa.Column("adf_method", sa.String(32)),
            sa.Column("cloudbed_method", sa.String(32)),
            sa.Column("state", sa.String(16), nullable=False),
            sa.Column("paid_before", Money()),
            sa.Column("cloudbed_payment_id", CloudbedsId()),
            sa.Column("cloudbed_transaction_id", CloudbedsId()),
            sa.Column("attempts", sa.Integer, nullable=False),
            sa.Column("error", sa.Text),
            *_stamps(),
            sa.UniqueConstraint("property_id", "adf_payment_id", name="uq_payment_link_adf"),
            **_MYSQL,
        )
        op.create_index("ix_payment_link_state", "cloudbed_payment_link", ["property_id", "state"])
    if _missing("cloudbed_room_block"):
        op.create_table(
            "cloudbed_room_block",
            _id(),
            sa.Column("property_id", PropertyId(), nullable=False),
            sa.Column("room_block_id", CloudbedsId()),
            sa.Column("cloudbed_room_id", CloudbedsId(), nullable=False),
            sa.Column("cloudbed_room_type_id", CloudbedsId()),
            sa.Column("block_type", sa.String(32)),
            sa.Column("reason", sa.String(255)),
            sa.Column("start_date", sa.Date),
            sa.Column("end_date", sa.Date),
            sa.Column("origin", sa.String(16), nullable=False),
            sa.Column("adf_room_id", sa.Integer),
            sa.Column("adf_status", sa.String(32)),
            sa.Column("state", sa.String(16), nullable=False),
            sa.Column("attempts", sa.Integer, nullable=False),
            sa.Column("error", sa.Text),
            sa.Column("seen_at", UTCDateTime),
            *_stamps(),
            sa.UniqueConstraint("property_id", "room_block_id", "cloudbed_room_id", name="uq_room_block"),
            **_MYSQL,
        )
        op.create_index("ix_room_block_dates", "cloudbed_room_block", ["property_id", "state", "start_date"])
        op.create_index("ix_room_block_adf", "cloudbed_room_block", ["property_id", "adf_room_id"])


def downgrade() -> None:
    op.drop_table("cloudbed_room_block")
    op.drop_table("cloudbed_payment_link")
