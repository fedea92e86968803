"""The hotel's new nightly rates, stored for the push (``patchRate``) to send to Cloudbeds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from pms.db import schema
from pms.db.types import utcnow
from pms.edits.fields import refused

__all__ = ["RateEdit", "set_rates"]


@dataclass(frozen=True)
class RateEdit:
    rate_id: str
    rate_date: date
    rate: Decimal | float | int | str


def set_rates(
    engine: sa.Engine, property_id: str, edits: list[RateEdit], today: date, now: datetime | None = None
) -> int:
    """Store the hotel's new nightly rates for the push (``direction='to_cloudbed'``, ``pending``).

    Returns:
        How many nights changed (an edit equal to the current rate changes nothing).

    Raises:
        EditError: a rate is not a positive amount, a night is in the past, or the rate plan is
            unknown or derived (derived plans follow their parent in Cloudbeds); nothing stored.
    """
    now = now or utcnow()
    rs = schema.cloudbed_rate_sync
    parsed = []
    for edit in edits:
        try:
            amount = Decimal(str(edit.rate).strip().replace(" ", ""))
        except (InvalidOperation, ValueError):
            raise refused("not_amount", "rate", value=str(edit.rate)[:30]) from None
        if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e13"):
            raise refused("rate_positive", "rate")
        if edit.rate_date < today:
            raise refused("rate_past", "rate_date")
        if edit.rate_date > today + timedelta(days=730):
            raise refused("rate_far", "rate_date")
        parsed.append((str(edit.rate_id), edit.rate_date, amount.quantize(Decimal("0.01"))))
    changed = 0
    with engine.begin() as conn:
        for rate_id, night, amount in parsed:
            row = conn.execute(
                sa.select(rs.c.id, rs.c.is_derived, rs.c.cloudbed_rate, rs.c.adf_rate, rs.c.status).where(
                    rs.c.property_id == property_id, rs.c.rate_id == rate_id, rs.c.rate_date == night
                )
            ).first()
            if row is None:
                raise refused("rate_unknown", "rate")
            if row.is_derived:
                raise refused("rate_derived", "rate")
            current = (
                row.adf_rate
                if row.status in ("pending", "queued", "correcting") and row.adf_rate is not None
                else row.cloudbed_rate
            )
            if current is not None and Decimal(str(current)) == amount:
                continue
            conn.execute(
                sa.update(rs)
                .where(rs.c.id == row.id)
                .values(
                    adf_rate=amount,
                    direction="to_cloudbed",
                    status="pending",
                    error=None,
                    job_reference_id=None,
                    local_modified_at=now,
                    updated_at=now,
                )
            )
            changed += 1
    return changed
