"""Which table holds our settings: the ``settings`` table, or ``cloudbed_settings`` beside the hotel's.

The seed kept its settings in a ``settings`` table (``setting_key``, ``setting_value``,
``setting_description``), and a database set up by this project, or by the PHP module before it,
still does. The hotel's ADF system has a ``settings`` table of its own, though: another shape
(``setting_type``, ``description``) and, in production, latin1. Altering it (a column, an index,
a character-set conversion) is not ours to do, so when ``settings`` is not a utf8mb4 table of the
seed's shape our settings live in ``cloudbed_settings`` instead, and ADF's table is left as it is.
Once ``cloudbed_settings`` holds anything it stays the choice.
"""

from __future__ import annotations

import weakref

import sqlalchemy as sa

from pms.db import schema
from pms.db.engine import is_mysql, reader

__all__ = ["hotel_settings_reason", "settings_table"]

_SEED_COLUMNS = {"setting_key", "setting_value", "setting_description"}
_chosen: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


_MYSQL_TABLES = sa.text(
    "SELECT t.TABLE_NAME, t.TABLE_COLLATION, GROUP_CONCAT(c.COLUMN_NAME) "
    "FROM information_schema.TABLES t LEFT JOIN information_schema.COLUMNS c "
    "ON c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME "
    "WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_NAME IN ('settings', 'cloudbed_settings') "
    "GROUP BY t.TABLE_NAME, t.TABLE_COLLATION"
)


def _mysql_tables(conn: sa.Connection) -> dict[str, tuple[str, set[str]]]:
    """Name -> (collation, columns) of ``settings`` and ``cloudbed_settings``, in one round trip
    (the inspector takes four to a server that may be a web host away)."""
    return {
        name: (str(collation or ""), set(str(columns or "").split(",")))
        for name, collation, columns in conn.execute(_MYSQL_TABLES)
    }


def hotel_settings_reason(conn: sa.Connection) -> str | None:
    """Why ``settings`` is the hotel's own and must not hold ours (None: it is ours, or absent)."""
    if is_mysql(conn):
        return _mysql_reason(conn)
    insp = sa.inspect(conn)
    names = set(insp.get_table_names())
    if "cloudbed_settings" in names:
        has_rows = conn.execute(
            sa.select(sa.literal(1)).select_from(schema.cloudbed_settings).limit(1)
        ).first()
        if has_rows:
            return "our settings are already kept in cloudbed_settings"
    if "settings" not in names:
        return None
    columns = {c["name"] for c in insp.get_columns("settings")}
    if not columns >= _SEED_COLUMNS:
        return "its shape is the hotel's own (no setting_description)"
    if is_mysql(conn):
        collation = conn.exec_driver_sql(
            "SELECT TABLE_COLLATION FROM information_schema.TABLES "
            "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'settings'"
        ).scalar()
        if collation and not str(collation).startswith("utf8mb4"):
            return f"it uses {str(collation).split('_')[0]}, not utf8mb4"
    return None


def _mysql_reason(conn: sa.Connection) -> str | None:
    tables = _mysql_tables(conn)
    if "cloudbed_settings" in tables:
        has_rows = conn.execute(
            sa.select(sa.literal(1)).select_from(schema.cloudbed_settings).limit(1)
        ).first()
        if has_rows:
            return "our settings are already kept in cloudbed_settings"
    if "settings" not in tables:
        return None
    collation, columns = tables["settings"]
    if not columns >= _SEED_COLUMNS:
        return "its shape is the hotel's own (no setting_description)"
    if collation and not collation.startswith("utf8mb4"):
        return f"it uses {collation.split('_')[0]}, not utf8mb4"
    return None


def settings_table(bind: sa.Engine | sa.Connection) -> sa.Table:
    """The table our settings are read from and written to in ``bind``'s database (decided once per
    engine: the shape of a hotel's table does not change under a running process). Given a
    connection, it looks through that connection (a writer's transaction must not wait for itself)."""
    engine = bind.engine
    table = _chosen.get(engine)
    if table is None:
        if isinstance(bind, sa.Connection):
            reason = hotel_settings_reason(bind)
        else:
            with reader(engine).connect() as conn:
                reason = hotel_settings_reason(conn)
        table = schema.cloudbed_settings if reason else schema.settings
        _chosen[engine] = table
    return table
