"""ADF payments deleted at the desk after they were sent to Cloudbeds: a person's task.

Staff delete a ``booking_payments`` row when it was typed by mistake. Its Cloudbeds payment is then
still there, but voiding it moves money, so it is never done automatically (as a paid booking is
never cancelled automatically, rule 6): the run warns once, naming the Cloudbeds payment, and the
link is marked ``deleted``.
"""

from __future__ import annotations

import sqlalchemy as sa

from pms.db import schema
from pms.db.types import utcnow
from pms.sync.runstate import RunState

__all__ = ["deleted_after_sending"]

LINK = schema.cloudbed_payment_link
_BATCH = 500


def deleted_after_sending(run: RunState, pay: sa.Table) -> None:
    """A payment deleted at the desk after it was sent is a person's task (a void moves money):
    warned once, its link marked ``deleted``."""
    with run.engine.connect() as conn:
        gone = (
            conn.execute(
                sa.select(LINK)
                .where(
                    LINK.c.property_id == run.property_id,
                    LINK.c.state == "sent",
                    ~sa.exists().where(pay.c.id == LINK.c.adf_payment_id),
                )
                .limit(_BATCH)
            )
            .mappings()
            .all()
        )
    for link in gone:
        payment = link["cloudbed_payment_id"] or "?"
        text = (
            f"deleted at the desk after it was sent to Cloudbeds (payment {payment} on reservation "
            f"{link['cloudbed_reservation_id']}): void it in Cloudbeds by hand if it was a mistake"
        )
        run.warn("payments", f"ADF payment #{link['adf_payment_id']}", text)
        if run.apply:
            with run.engine.begin() as conn:
                conn.execute(
                    sa.update(LINK)
                    .where(LINK.c.id == link["id"])
                    .values(state="deleted", error=text, updated_at=utcnow())
                )
