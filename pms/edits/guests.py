"""A guest's contact data corrected at the hotel, marked for the push to Cloudbeds."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from pms.db import schema
from pms.db.types import utcnow
from pms.edits import fields
from pms.edits.fields import GUEST_FIELDS

__all__ = ["update_guest"]


def update_guest(
    engine: sa.Engine, property_id: str, guest_id: int, changes: dict, now: datetime | None = None
) -> bool:
    """Change a guest's contact data and mark it for the push. Returns False when nothing changed.

    Raises:
        EditError: unknown guest or field, or an invalid value; nothing was stored.
    """
    unknown = set(changes) - set(GUEST_FIELDS)
    if unknown:
        raise fields.refused("not_editable", fields=", ".join(sorted(unknown)))
    clean = {}
    for name, value in changes.items():
        if name == "email":
            clean[name] = fields.email(value)
        elif name in ("phone", "cell_phone"):
            clean[name] = fields.phone(value, name)
        elif name == "country":
            clean[name] = fields.country(value)
        else:
            clean[name] = fields.text(
                value, name, GUEST_FIELDS[name], required=name in ("first_name", "last_name")
            )
    g = schema.guest
    now = now or utcnow()
    with engine.begin() as conn:
        row = conn.execute(
            sa.select(*[g.c[n] for n in GUEST_FIELDS]).where(
                g.c.property_id == property_id, g.c.id == int(guest_id)
            )
        ).first()
        if row is None:
            raise fields.refused("no_guest", "guest")
        current = dict(row._mapping)
        diff = {k: v for k, v in clean.items() if (current.get(k) or None) != v}
        if not diff:
            return False
        conn.execute(
            sa.update(g)
            .where(g.c.id == int(guest_id))
            .values(
                **diff,
                sync_status="pending",
                sync_error=None,
                sync_attempts=0,
                local_modified_at=now,
                updated_at=now,
            )
        )
    return True
