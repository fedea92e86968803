"""Compare incoming rows with stored ones the way the database sees them, and write them.

``write`` is the one place the sync writes rows: ``pms.db.upsert.upsert_rows``, which in a preview
runs as a dry run (one read per batch, no writes), so a plan's counts are the counts the apply
would report. Equality is the upsert's own (``same``): Decimal by value, datetimes as UTC to the
second, booleans as truth values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from pms.db.upsert import UpsertResult, same, upsert_rows

__all__ = ["differs", "same", "write"]


def differs(old: Mapping[str, Any], new: Mapping[str, Any], columns: Sequence[str]) -> list[str]:
    """The columns (among ``columns``) whose values differ."""
    return [c for c in columns if c in new and not same(old.get(c), new[c])]


def write(
    conn: sa.Connection,
    table: sa.Table,
    rows: list[dict],
    *,
    key: Sequence[str],
    compare: Sequence[str],
    apply: bool,
    return_ids: bool = False,
    existing: Mapping[tuple, Mapping[str, Any]] | None = None,
) -> UpsertResult:
    """Upsert ``rows`` (apply) or classify them (preview); either way the truthful counts.

    ``existing``: the stored rows by key, when the caller has read them already (not read again).
    """
    if not rows:
        return UpsertResult()
    return upsert_rows(
        conn,
        table,
        rows,
        key=key,
        compare=compare,
        return_ids=return_ids and apply,
        dry_run=not apply,
        existing=existing,
    )
