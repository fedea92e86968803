"""Every table of the integration, in SQLAlchemy Core, for SQLite and MySQL/MariaDB alike.

The seed's table names are kept (``reservasi``, ``guest``, ``cloudbed_*``, ``settings``) because the
hotel's PHP tools read them. Conventions:

- Every Cloudbeds-derived row carries ``property_id``; natural keys are (property, Cloudbeds id) and
  are unique, which is what the bulk upserts conflict on.
- Timestamps are UTC (``UTCDateTime``); money is DECIMAL; Cloudbeds ids are strings.
- ``origin`` says who created a row (``cloudbeds`` or ``local``); ``sync_status`` is
  ``pending`` / ``synced`` / ``error`` / ``expired`` (a local edit abandoned by domain rule 17).
- Rows are never deleted because they vanished from Cloudbeds: ``is_deleted`` marks them.
- On MySQL every table is InnoDB with utf8mb4 (guest names are Indonesian, Chinese, Arabic ...).

The tables are defined by concept in ``tables_bookings``, ``tables_catalog``, ``tables_ops`` and
``tables_adf`` (ours beside the hotel's front desk, whose own tables are never declared here; on the
shared ``columns.metadata``); this module is the one import point. Changing a table after the first
release needs an Alembic revision (``pms/db/migrations/versions``) and a new ``SCHEMA_VERSION``.
"""

from __future__ import annotations

from pms.db.columns import metadata
from pms.db.tables_adf import (
    cloudbed_adf_mapping,
    cloudbed_booking_link,
    cloudbed_payment_link,
    cloudbed_room_block,
    cloudbed_settings,
)
from pms.db.tables_bookings import guest, reservasi, reservasi_room
from pms.db.tables_catalog import (
    cloudbed_availability,
    cloudbed_properties,
    cloudbed_rate_sync,
    cloudbed_room_mapping,
    cloudbed_room_types,
    cloudbed_rooms,
    cloudbed_sources,
)
from pms.db.tables_ops import (
    app_session,
    app_user,
    cloudbed_alerts,
    cloudbed_api_log,
    cloudbed_outbound_log,
    cloudbed_sync_log,
    cloudbed_sync_state,
    cloudbed_webhook_events,
    settings,
)

__all__ = [
    "ADOPTABLE_TABLES",
    "SCHEMA_VERSION",
    "app_session",
    "app_user",
    "cloudbed_adf_mapping",
    "cloudbed_alerts",
    "cloudbed_api_log",
    "cloudbed_availability",
    "cloudbed_booking_link",
    "cloudbed_outbound_log",
    "cloudbed_payment_link",
    "cloudbed_properties",
    "cloudbed_rate_sync",
    "cloudbed_room_block",
    "cloudbed_room_mapping",
    "cloudbed_room_types",
    "cloudbed_rooms",
    "cloudbed_settings",
    "cloudbed_sources",
    "cloudbed_sync_log",
    "cloudbed_sync_state",
    "cloudbed_webhook_events",
    "guest",
    "metadata",
    "reservasi",
    "reservasi_room",
    "settings",
]


# Bumped together with a new Alembic revision; shown on the Setup page.
SCHEMA_VERSION = "0006"

# Tables a hotel may already have from the seed's PHP module; setup adds our columns instead of
# failing. A ``settings`` table of the hotel's own shape is never adopted (``settings_table``).
ADOPTABLE_TABLES = ("reservasi", "guest", "settings")
