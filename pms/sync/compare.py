"""Compare incoming rows with stored ones the way the database sees them, and write them.

``write`` is the one place the sync writes rows: ``pms.db.upsert.upsert_rows`` in apply mode. In a
preview it only classifies, with one read per batch, so a plan's counts are the counts the apply
would report. Equality follows the columns' types: Decimal by value, datetimes as UTC to the
second, booleans as truth values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from pms.db.upsert import UpsertResult, upsert_rows

__all__ = ["same", "differs", "existing_rows", "classify", "write"]


def same(old: Any, new: Any) -> bool:
    if old is None or new is None:
        return old is None and new is None
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        try:
            return Decimal(str(old)) == Decimal(str(new))
        except ArithmeticError:
            return False
    if isinstance(old, datetime) and isinstance(new, datetime):
        if old.tzinfo is None:
            old = old.replace(tzinfo=timezone.utc)
        if new.tzinfo is None:
            new = new.replace(tzinfo=timezone.utc)
        return old.replace(microsecond=0) == new.replace(microsecond=0)
    if isinstance(old, bool) or isinstance(new, bool):
        return bool(old) == bool(new)
    return old == new


def differs(old: Mapping[str, Any], new: Mapping[str, Any], columns: Sequence[str]) -> list[str]:
    """The columns (among ``columns``) whose values differ."""
    return [c for c in columns if c in new and not same(old.get(c), new[c])]


def existing_rows(conn: sa.Connection, table: sa.Table, key: Sequence[str], keys: list[tuple],
                  columns: Sequence[str] | None = None) -> dict[tuple, Mapping[str, Any]]:
    """Stored rows for ``keys`` (one query; the leading key columns are shared by the batch)."""
    if not keys:
        return {}
    cols = [table.c[c] for c in columns] if columns else list(table.c)
    for k in key:
        if table.c[k] not in cols:
            cols.append(table.c[k])
    fixed = all(len({k[i] for k in keys}) == 1 for i in range(len(key) - 1))
    if fixed:
        where = sa.and_(*[table.c[key[i]] == keys[0][i] for i in range(len(key) - 1)],
                        table.c[key[-1]].in_([k[-1] for k in keys]))
    else:
        where = sa.tuple_(*[table.c[k] for k in key]).in_(keys)
    out = {}
    for row in conn.execute(sa.select(*cols).where(where)).mappings():
        out[tuple(row[k] for k in key)] = row
    return out


def classify(conn: sa.Connection, table: sa.Table, rows: list[dict], *, key: Sequence[str],
             compare: Sequence[str]) -> UpsertResult:
    """What ``write`` would do with ``rows``, without writing."""
    result = UpsertResult()
    deduped = {tuple(r[k] for k in key): r for r in rows}
    found = existing_rows(conn, table, key, list(deduped), [c for c in compare if c in table.c])
    for k, row in deduped.items():
        old = found.get(k)
        if old is None:
            result.created += 1
        elif differs(old, row, compare):
            result.updated += 1
        else:
            result.unchanged += 1
            continue
        result.changed_keys.append(k)
    return result


def write(conn: sa.Connection, table: sa.Table, rows: list[dict], *, key: Sequence[str],
          compare: Sequence[str], apply: bool, return_ids: bool = False) -> UpsertResult:
    """Upsert ``rows`` (apply) or classify them (preview); either way the truthful counts."""
    if not rows:
        return UpsertResult()
    if not apply:
        return classify(conn, table, rows, key=key, compare=compare)
    return upsert_rows(conn, table, rows, key=key, compare=compare, return_ids=return_ids)
