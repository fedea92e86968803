"""The least MySQL privileges the sync needs, as GRANT statements (``python -m pms setup --grants``).

On a web host the hotel's ADF database holds more than the front desk, and the sync's MySQL user is
reachable from the internet (Remote MySQL), so it gets only what it uses:

- **our tables** (``cloudbed_*``, ``reservasi*``, ``guest``, ``app_*``, ``alembic_version``, and
  ``settings`` when it is ours): read and write rows, and create and adapt the tables themselves
  (``setup`` creates them, migrations add columns and indexes): SELECT, INSERT, UPDATE, DELETE,
  CREATE, ALTER, INDEX, REFERENCES. Never DROP.
- **ADF's front desk**: ``bookings`` and ``guests`` are read and written (rows inserted and
  updated, never deleted); ``rooms``, ``room_types`` and ``booking_payments`` are only read.
- **ADF's own ``settings``** (another shape, or latin1): read only, so ``setup`` sees it is the
  hotel's and keeps ours in ``cloudbed_settings``.

Grants are per table, so nothing else in the database (ADF's users, invoices ...) is visible to
the sync. The statements are printed for someone who may GRANT (the host's WHM/root, a VPS
owner); cPanel's own "MySQL Databases" page grants per database only (docs/operations.md).
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from pms.adf.introspect import FRONT_DESK_TABLES
from pms.db import schema
from pms.db.engine import is_mysql
from pms.errors import ConfigurationError

__all__ = ["ADF_READ_WRITE", "OURS", "grant_statements", "parse_account"]

OURS = "SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, REFERENCES"
ADF_READ_WRITE = ("bookings", "guests")  # rows inserted and updated; the others are read only
_ACCOUNT = re.compile(r"^'?([A-Za-z0-9_.$-]{1,80})'?@'?([A-Za-z0-9_.%:-]{1,255})'?$")


def parse_account(text: str) -> tuple[str, str]:
    """``user@host`` (quotes allowed, ``%`` wildcards in the host) as (user, host).

    Raises:
        ConfigurationError: not of that form.
    """
    m = _ACCOUNT.match((text or "").strip())
    if not m:
        raise ConfigurationError(
            f"{text!r} is not USER@HOST (for example pms@203.0.113.7, or 'hotelacct_pms'@'%')."
        )
    return m.group(1), m.group(2)


def _q(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def grant_statements(engine: sa.Engine, account: str) -> list[str]:
    """The GRANT statements for ``account`` on ``engine``'s database, as its tables stand now.

    Raises:
        ConfigurationError: not a MySQL/MariaDB database, or ``account`` is not USER@HOST.
    """
    from pms.db.settings_table import hotel_settings_reason

    user, host = parse_account(account)
    if not is_mysql(engine):
        raise ConfigurationError(
            "Grants are for MySQL/MariaDB; SQLite has no users (--db mysql+pymysql://...)."
        )
    with engine.connect() as conn:
        database = conn.exec_driver_sql("SELECT DATABASE()").scalar()
        if not database:
            raise ConfigurationError(
                "The database URL names no database (mysql+pymysql://user@host/DATABASE)."
            )
        present = set(sa.inspect(conn).get_table_names())
        hotels_settings = "settings" in present and hotel_settings_reason(conn) is not None
    who = f"'{user}'@'{host}'"
    db = _q(database)
    ours = sorted({*schema.metadata.tables, "alembic_version"} - ({"settings"} if hotels_settings else set()))
    lines = [f"GRANT {OURS} ON {db}.{_q(t)} TO {who};" for t in ours]
    for table in FRONT_DESK_TABLES:
        if table in present:
            privileges = "SELECT, INSERT, UPDATE" if table in ADF_READ_WRITE else "SELECT"
            lines.append(f"GRANT {privileges} ON {db}.{_q(table)} TO {who};")
    if hotels_settings:
        lines.append(f"GRANT SELECT ON {db}.{_q('settings')} TO {who};")
    return lines
