"""Dialect-aware bulk upsert that tells the truth about what it did.

Why not just ``INSERT ... ON CONFLICT`` and read ``rowcount``: MySQL counts 1 per insert and 2 per
update (and 0 or 1 for an unchanged row depending on client flags), SQLite counts every row, so
neither says how many bookings were created, changed or left alone. And an upsert that rewrites
every row moves ``updated_at`` on rows nothing happened to, which makes "changed today" reports
and sync statuses meaningless.

So each batch first reads the existing rows by their natural key, classifies every incoming row
as new, changed or unchanged by comparing the columns that matter, and then sends only the new
and changed rows through one dialect-native upsert statement (``ON CONFLICT DO UPDATE`` on SQLite,
``ON DUPLICATE KEY UPDATE`` on MySQL/MariaDB), which also stays correct if another writer
inserted the same key in between. Counts come from the classification, never from ``rowcount``.

Round trips (the database may be a web host 20 ms away): a caller that has already read the rows
passes them as ``existing`` and the batch is not read again; the primary keys of new rows come
back with the upsert itself (``RETURNING``, on SQLite and MariaDB >= 10.5) instead of a second read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from pms.db.types import utcnow

__all__ = ["UpsertResult", "max_batch_rows", "upsert_rows"]

# SQLite's default host-parameter limit is 32766 (since 3.32); stay well inside it.
_MAX_PARAMS = 30000
_TIMESTAMP_COLUMNS = ("created_at", "updated_at")


@dataclass
class UpsertResult:
    """What an upsert did. ``ids`` maps each key tuple to the row's primary key (when asked)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ids: dict[tuple, Any] = field(default_factory=dict)
    changed_keys: list[tuple] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def add(self, other: UpsertResult) -> UpsertResult:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.ids.update(other.ids)
        self.changed_keys.extend(other.changed_keys)
        return self

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def max_batch_rows(n_columns: int, wanted: int = 500) -> int:
    """How many rows of ``n_columns`` fit one statement within the parameter limit."""
    return max(1, min(wanted, _MAX_PARAMS // max(1, n_columns)))


def same(old: Any, new: Any) -> bool:
    """Equality as the database sees it (Decimal scale, aware vs naive UTC, bool vs int)."""
    if old is None or new is None:
        return old is None and new is None
    if isinstance(new, Decimal) or isinstance(old, Decimal):
        try:
            return Decimal(str(old)) == Decimal(str(new))
        except ArithmeticError:
            return False
    if isinstance(new, datetime) and isinstance(old, datetime):
        if new.tzinfo is None:
            new = new.replace(tzinfo=UTC)
        if old.tzinfo is None:
            old = old.replace(tzinfo=UTC)
        return old.replace(microsecond=0) == new.replace(microsecond=0)
    if isinstance(new, bool) or isinstance(old, bool):
        return bool(old) == bool(new)
    return old == new


def _native_upsert(
    conn: sa.Connection,
    table: sa.Table,
    key: Sequence[str],
    update_cols: Sequence[str],
    returning: bool = False,
):
    """The dialect's INSERT ... ON CONFLICT/DUPLICATE KEY UPDATE setting ``update_cols`` (and
    ``RETURNING`` the primary key with the key columns)."""
    return _cached_upsert(conn.dialect.name, table, tuple(key), tuple(update_cols), returning)


def _can_return(conn: sa.Connection) -> bool:
    return bool(getattr(conn.dialect, "insert_returning", False))


@lru_cache(maxsize=256)
def _cached_upsert(
    name: str, table: sa.Table, key: tuple[str, ...], update_cols: tuple[str, ...], returning: bool = False
):
    stmt = _build_upsert(name, table, key, update_cols)
    if returning:
        pk = next(iter(table.primary_key.columns))
        stmt = stmt.returning(pk, *[table.c[k] for k in key])
    return stmt


def _build_upsert(name: str, table: sa.Table, key: tuple[str, ...], update_cols: tuple[str, ...]):
    # Built once per table and column set: a sync writes the same shape page after page, and
    # building the ``excluded`` alias for ~45 columns costs ~10 ms each time.
    update_cols = list(update_cols)
    if "updated_at" in table.c and "updated_at" not in update_cols:
        update_cols.append("updated_at")
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert

        stmt = insert(table)
        if not update_cols:
            return stmt.on_conflict_do_nothing(index_elements=list(key))
        return stmt.on_conflict_do_update(
            index_elements=list(key), set_={c: stmt.excluded[c] for c in update_cols}
        )
    if name in ("mysql", "mariadb"):
        from sqlalchemy.dialects.mysql import insert

        stmt = insert(table)
        if not update_cols:  # a no-op update keeps the statement an upsert
            return stmt.on_duplicate_key_update({key[0]: stmt.inserted[key[0]]})
        return stmt.on_duplicate_key_update({c: stmt.inserted[c] for c in update_cols})
    raise NotImplementedError(f"bulk upsert is not implemented for {name}")


def _existing(conn, table, key, compare, keys: list[tuple], want_id: bool) -> dict[tuple, Mapping]:
    cols = [table.c[k] for k in key] + [table.c[c] for c in compare if c not in key]
    pk = list(table.primary_key.columns)
    if want_id and pk and pk[0].name not in [c.name for c in cols]:
        cols.append(pk[0])
    # Rows of one batch nearly always share the leading key columns (the property): an equality on
    # those plus IN on the last one uses the unique index on every database; a row-value IN does
    # not on every MariaDB version.
    fixed = [i for i in range(len(key) - 1) if len({k[i] for k in keys}) == 1]
    if len(fixed) == len(key) - 1:
        where = sa.and_(
            *[table.c[key[i]] == keys[0][i] for i in fixed], table.c[key[-1]].in_([k[-1] for k in keys])
        )
    else:
        where = sa.tuple_(*[table.c[k] for k in key]).in_(keys)
    found = {}
    for row in conn.execute(sa.select(*cols).where(where)).mappings():
        found[tuple(row[k] for k in key)] = row
    return found


def _key_of(row: Mapping[str, Any], key: Sequence[str]) -> tuple:
    return tuple(row[k] for k in key)


def upsert_rows(
    conn: sa.Connection,
    table: sa.Table,
    rows: Iterable[Mapping[str, Any]],
    *,
    key: Sequence[str],
    compare: Sequence[str] | None = None,
    batch_size: int = 500,
    return_ids: bool = False,
    dry_run: bool = False,
    existing: Mapping[tuple, Mapping[str, Any]] | None = None,
) -> UpsertResult:
    """Insert new rows, update changed ones, leave unchanged ones untouched.

    Args:
        conn: a connection inside the caller's transaction (the caller commits).
        table: the target table; ``key`` must be covered by a unique index on it.
        rows: dicts with the same keys each; they must include every ``key`` column.
        key: the natural key, e.g. ``("property_id", "cloudbed_reservation_id")``.
        compare: the columns whose change makes a row "updated" (default: every column given
            except the key and the bookkeeping timestamps). Columns given but not compared are
            still written when a row is new or changed.
        batch_size: rows per statement (capped by the database's parameter limit).
        return_ids: fill ``result.ids`` with each key's primary key, for child rows.
        dry_run: classify only, writing nothing (a sync preview): the counts are the ones the
            same call would report when writing.
        existing: the stored rows by key tuple, already read by the caller (with the compared
            columns, and the primary key for ``return_ids``); a key absent from it is new. The
            rows are then not read again.

    Returns:
        The counts, the keys of created or updated rows, and (optionally) the ids.
    """
    result = UpsertResult()
    batch: list[dict] = []
    columns: list[str] | None = None
    for row in rows:
        if columns is None:
            columns = list(row.keys())
            missing = [k for k in key if k not in columns]
            if missing:
                raise ValueError(f"upsert into {table.name}: rows lack key column(s) {missing}")
            unknown = [c for c in columns if c not in table.c]
            if unknown:
                raise ValueError(f"upsert into {table.name}: unknown column(s) {unknown}")
            size = max_batch_rows(len(columns) + 1, batch_size)
        elif len(row) != len(columns) or any(c not in row for c in columns):
            raise ValueError(f"upsert into {table.name}: every row must have the same columns")
        batch.append(dict(row))
        if len(batch) >= size:
            result.add(
                _upsert_batch(conn, table, batch, key, columns, compare, (return_ids, dry_run, existing))
            )
            batch = []
    if batch and columns is not None:
        result.add(_upsert_batch(conn, table, batch, key, columns, compare, (return_ids, dry_run, existing)))
    return result


def _upsert_batch(conn, table, batch, key, columns, compare, how) -> UpsertResult:
    return_ids, dry_run, existing = how
    key = list(key)
    compare_cols = [
        c
        for c in (compare if compare is not None else columns)
        if c not in key and c not in _TIMESTAMP_COLUMNS
    ]
    # Within one batch the last row for a key wins (Cloudbeds lists can repeat a row across pages).
    deduped: dict[tuple, dict] = {}
    for row in batch:
        deduped[_key_of(row, key)] = row
    keys = list(deduped)
    if existing is None:
        found = _existing(conn, table, key, compare_cols, keys, return_ids)
    else:
        found = {k: existing[k] for k in keys if k in existing}
    result = UpsertResult()
    to_write: list[dict] = []
    now = utcnow()
    for k, row in deduped.items():
        old = found.get(k)
        if old is None:
            result.created += 1
        elif all(same(old[c], row[c]) for c in compare_cols if c in row):
            result.unchanged += 1
            continue
        else:
            result.updated += 1
        result.changed_keys.append(k)
        to_write.append({**row, "updated_at": now} if "updated_at" in table.c else row)
    if dry_run:
        return result
    returning = return_ids and _can_return(conn)
    pk = next(iter(table.primary_key.columns)).name
    if to_write:
        # Column defaults (created_at, sync_status ...) fill the insert branch; the update branch
        # sets only the columns the caller gave, so a default never overwrites a stored value.
        update_cols = [c for c in columns if c not in key and c != "created_at"]
        done = conn.execute(_native_upsert(conn, table, key, update_cols, returning), to_write)
        if returning:
            for row in done.mappings():
                result.ids[tuple(row[k] for k in key)] = row[pk]
    if return_ids:
        for k, old in found.items():
            result.ids.setdefault(k, old[pk])
        new_keys = [k for k in keys if k not in result.ids]
        if new_keys:
            for k, row in _existing(conn, table, key, [], new_keys, True).items():
                result.ids[k] = row[pk]
    return result
