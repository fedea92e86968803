"""The front desk: booking links, room and source mappings, and our own settings table.

``cloudbed_booking_link`` remembers, per Cloudbeds room booking, the ADF booking it became (or
was linked to), how, the values last synced and the open problem; ``cloudbed_adf_mapping`` maps
Cloudbeds rooms and sources onto the hotel's; ``cloudbed_settings`` holds our settings where the
hotel's own ``settings`` table cannot hold them unaltered. All three are ours, utf8mb4, created
beside ADF's tables; none of ADF's tables is touched.

The tables are written out here as they were at this revision (not imported from ``pms.db``), so
the migration keeps its meaning when the tables change later.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-10
"""

import sqlalchemy as sa
from alembic import op

from pms.db.types import CloudbedsId, PropertyId, UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_MYSQL = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"}


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    ]


def _missing(name: str) -> bool:
    return not sa.inspect(op.get_bind()).has_table(name)


def upgrade() -> None:
    if _missing("cloudbed_booking_link"):
        op.create_table(
            "cloudbed_booking_link",
            sa.Column(
                "id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True
            ),
            sa.Column("property_id", PropertyId(), nullable=False),
            sa.Column("cloudbed_reservation_id", CloudbedsId(), nullable=False),
            sa.Column("cloudbed_sub_reservation_id", CloudbedsId(), nullable=False),
            sa.Column("adf_booking_id", sa.Integer),
            sa.Column("adf_guest_id", sa.Integer),
            sa.Column("cloudbed_guest_id", CloudbedsId()),
            sa.Column("how", sa.String(16)),
            sa.Column("state", sa.String(16), nullable=False),
            sa.Column("check_in", sa.Date),
            sa.Column("check_out", sa.Date),
            sa.Column("synced", sa.Text),
            sa.Column("problem_kind", sa.String(32)),
            sa.Column("problem", sa.Text),
            sa.Column("problem_at", UTCDateTime),
            *_stamps(),
            sa.UniqueConstraint("property_id", "cloudbed_sub_reservation_id", name="uq_booking_link_sub"),
            **_MYSQL,
        )
        op.create_index("ix_booking_link_adf", "cloudbed_booking_link", ["adf_booking_id"])
        op.create_index(
            "ix_booking_link_reservation", "cloudbed_booking_link", ["property_id", "cloudbed_reservation_id"]
        )
        op.create_index(
            "ix_booking_link_problem", "cloudbed_booking_link", ["property_id", "problem_kind", "check_out"]
        )
        op.create_index(
            "ix_booking_link_guest", "cloudbed_booking_link", ["property_id", "cloudbed_guest_id"]
        )
    if _missing("cloudbed_adf_mapping"):
        op.create_table(
            "cloudbed_adf_mapping",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("property_id", PropertyId(), nullable=False),
            sa.Column("kind", sa.String(16), nullable=False),
            sa.Column("cloudbed_id", CloudbedsId(), nullable=False),
            sa.Column("cloudbed_name", sa.String(255)),
            sa.Column("adf_value", sa.String(100)),
            sa.Column("adf_detail", sa.String(50)),
            *_stamps(),
            sa.UniqueConstraint("property_id", "kind", "cloudbed_id", name="uq_adf_mapping"),
            **_MYSQL,
        )
    if _missing("cloudbed_settings"):
        op.create_table(
            "cloudbed_settings",
            sa.Column("setting_key", sa.String(100), primary_key=True),
            sa.Column("setting_value", sa.Text),
            sa.Column("setting_description", sa.String(255)),
            **_MYSQL,
        )


def downgrade() -> None:
    op.drop_table("cloudbed_settings")
    op.drop_table("cloudbed_adf_mapping")
    op.drop_table("cloudbed_booking_link")
