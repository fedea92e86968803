"""One page of a long list, and the helpers every listing query shares.

The Reservations page of a hotel with 100,000 bookings must cost what a hotel with 1,000 costs,
so lists never leave the database whole: a query returns ``page_size`` rows plus the total, and
text filters are bounded and escaped (``%`` and ``_`` typed by a user are literal characters).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

__all__ = ["MAX_PAGE_SIZE", "MAX_SEARCH", "Page", "clean_text", "fetch_page", "frame"]

MAX_PAGE_SIZE = 500
MAX_SEARCH = 200


@dataclass(frozen=True)
class Page:
    """``rows`` of page ``number`` (1-based) out of ``total`` rows matching the filters."""

    rows: pd.DataFrame
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first_row(self) -> int:
        return 0 if self.total == 0 else (self.number - 1) * self.size + 1

    @property
    def last_row(self) -> int:
        return min(self.total, self.number * self.size)


def clean_text(text: str | None) -> str | None:
    """A search term as the user meant it: trimmed, at most ``MAX_SEARCH`` characters, None if empty."""
    if text is None:
        return None
    text = " ".join(str(text).split())[:MAX_SEARCH]
    return text or None


def frame(result: sa.CursorResult, columns: list[str] | None = None) -> pd.DataFrame:
    rows = result.fetchall()
    return pd.DataFrame([tuple(r) for r in rows], columns=columns or list(result.keys()))


def fetch_page(conn: sa.Connection, query: sa.Select, order_by: list, page: int, page_size: int) -> Page:
    """Run ``query`` for one page and count every matching row with the same filters."""
    size = max(1, min(int(page_size or 50), MAX_PAGE_SIZE))
    total = int(
        conn.execute(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    )
    pages = max(1, -(-total // size))
    number = max(1, min(int(page or 1), pages))
    result = conn.execute(query.order_by(*order_by).limit(size).offset((number - 1) * size))
    return Page(rows=frame(result), total=total, number=number, size=size)
