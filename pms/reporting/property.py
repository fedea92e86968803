"""Which property the dashboard shows, and whether it is the demo.

Demo mode is on exactly when no Cloudbeds credentials are stored (docs/architecture.md); then the
active property is the in-process demo sandbox's. With credentials it is the configured property
id, or the one real property the catalogue sync found. Its name, zone and currency come from the
catalogue cache (``cloudbed_properties``) and fall back to the settings until the first sync.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from pms.db import schema
from pms.db.credentials import CREDENTIAL_KEYS, consented_properties, has_credentials
from pms.db.engine import reader
from pms.db.settings import Settings

__all__ = ["PropertyInfo", "active_property"]

_KEYS = (
    *CREDENTIAL_KEYS,
    "cloudbed_property_id",
    "pms_demo_property_id",
    "cloudbed_timezone",
    "cloudbed_token_resources",
)


@dataclass(frozen=True)
class PropertyInfo:
    """The property every dashboard query is scoped to (``property_id`` None: nothing known yet)."""

    property_id: str | None
    name: str | None
    timezone: str
    currency: str
    is_demo: bool

    @property
    def label(self) -> str:
        return self.name or (f"#{self.property_id}" if self.property_id else "–")


def active_property(engine: sa.Engine, demo_property_id: str | None = None) -> PropertyInfo:
    """The active property.

    Args:
        demo_property_id: the running demo sandbox's property (``pms.connection.demo.current()``), if any;
            without it the last demo property recorded in the settings is used.
    """
    values = Settings(engine).get_many(_KEYS)
    is_demo = not has_credentials(engine, values)
    props = schema.cloudbed_properties
    with reader(engine).connect() as conn:
        if is_demo:
            pid = demo_property_id or values["pms_demo_property_id"]
            if pid is None:
                pid = conn.execute(
                    sa.select(props.c.property_id)
                    .where(props.c.is_demo.is_(True))
                    .order_by(props.c.updated_at.desc())
                    .limit(1)
                ).scalar()
        else:
            consented = consented_properties(values["cloudbed_token_resources"])
            pid = values["cloudbed_property_id"] or (consented[0] if consented else None)
            if pid is None:
                pid = conn.execute(
                    sa.select(props.c.property_id)
                    .where(props.c.is_demo.is_(False))
                    .order_by(props.c.id)
                    .limit(1)
                ).scalar()
        row = None
        if pid is not None:
            row = conn.execute(
                sa.select(props.c.name, props.c.timezone, props.c.currency_code).where(
                    props.c.property_id == str(pid)
                )
            ).first()
    return PropertyInfo(
        property_id=str(pid) if pid is not None else None,
        name=row.name if row else None,
        timezone=(row.timezone if row and row.timezone else values["cloudbed_timezone"]) or "Asia/Jakarta",
        currency=(row.currency_code if row and row.currency_code else "IDR"),
        is_demo=is_demo,
    )
