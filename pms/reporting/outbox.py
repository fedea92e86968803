"""The outbox: hotel-side writes to Cloudbeds still waiting to go, and the ones refused, with why.

Read from ``cloudbed_outbound_log`` (every write the guard let out or refused, of every kind:
bookings, guests, payments, room blocks ...), keeping the latest entry of each record and write:
one that failed is waiting for the next sync (until rule 17 drops it), one refused says why. ADF
payments that cannot be sent yet (their booking is not in Cloudbeds) have no log entry and are
read from ``cloudbed_payment_link``. Values from outside (reasons, errors) are plain text for the
page to show as text.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from pms.db import schema
from pms.db.engine import reader

__all__ = ["COLUMNS", "outbox"]

COLUMNS = ["log_id", "when", "state", "operation", "record", "cloudbeds", "reason"]
_LOG = schema.cloudbed_outbound_log
_PAY = schema.cloudbed_payment_link
_SCAN = 2000  # the newest log entries looked at


def outbox(engine: sa.Engine, property_id: str, limit: int = 200) -> pd.DataFrame:
    """``COLUMNS``: ``state`` is ``waiting`` (not sent yet, or failed and tried again) or
    ``refused``; newest first. ``log_id`` is what a retry names (None for a waiting payment)."""
    with reader(engine).connect() as conn:
        logged = conn.execute(
            sa.select(_LOG).where(_LOG.c.property_id == property_id).order_by(_LOG.c.id.desc()).limit(_SCAN)
        ).mappings()
        latest: dict[tuple, dict] = {}
        for row in logged:
            latest.setdefault((row["operation"], row["local_table"], row["local_id"]), dict(row))
        waiting = conn.execute(
            sa.select(_PAY)
            .where(_PAY.c.property_id == property_id, _PAY.c.state == "waiting")
            .order_by(_PAY.c.id.desc())
            .limit(limit)
        ).mappings()
        out = [
            {
                "log_id": None,
                "when": p["updated_at"],
                "state": "waiting",
                "operation": "postPayment",
                "record": f"booking_payments #{p['adf_payment_id']}",
                "cloudbeds": p["cloudbed_reservation_id"] or "",
                "reason": p["error"] or "",
            }
            for p in waiting
        ]
    for row in latest.values():
        if row["decision"] == "sent" and row["success"]:
            continue
        refused = row["decision"] == "refused"
        out.append(
            {
                "log_id": int(row["id"]),
                "when": row["created_at"],
                "state": "refused" if refused else "waiting",
                "operation": row["operation"],
                "record": f"{row['local_table'] or ''} #{row['local_id']}"
                if row["local_id"] is not None
                else "",
                "cloudbeds": row["cloudbed_id"] or "",
                "reason": (row["reason"] if refused else row["error"]) or "",
            }
        )
    out.sort(key=lambda r: r["when"], reverse=True)
    return pd.DataFrame(out[:limit], columns=COLUMNS)
