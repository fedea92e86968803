"""Hotel-side edits of rows Cloudbeds already knows: guest edits sent as putGuest, and the expiry of
edits that keep failing (rule 17), so an old edit never overwrites a later change in Cloudbeds.

``mark_failed`` is how every push of our own tables (reservations here and in ``pms.sync.push``)
records a failure on its row.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from pms.db import schema
from pms.db.types import utcnow
from pms.errors import CloudbedsError, PushRefusedError
from pms.i18n import Said
from pms.sync.guard import OutboundGuard
from pms.sync.rules import edit_expired, has_local_edit
from pms.sync.runstate import RunState

__all__ = ["expire_edits", "mark_failed", "push_guests"]

R = schema.reservasi
G = schema.guest


def mark_failed(run: RunState, table: sa.Table, row_id: int, message: str, *, attempts: int) -> None:
    """A local row whose push failed: ``error``, with the reason and the attempts so far."""
    with run.engine.begin() as conn:
        conn.execute(
            sa.update(table)
            .where(table.c.id == row_id)
            .values(sync_status="error", sync_error=message[:4000], sync_attempts=attempts)
        )


def expire_edits(run: RunState) -> int:
    """Rule 17: local edits of linked rows that kept failing past the expiry are dropped."""
    if not run.apply:
        return 0
    limit = run.started_at - timedelta(minutes=run.settings.edit_expiry_minutes)
    done = 0
    with run.engine.begin() as conn:
        for table, entity in ((R, "reservations"), (G, "guests")):
            key = table.c.cloudbed_reservation_id if table is R else table.c.cloudbed_guest_id
            rows = conn.execute(
                sa.select(table.c.id, key.label("cid")).where(
                    table.c.property_id == run.property_id,
                    table.c.sync_status == "error",
                    key.is_not(None),
                    table.c.sync_attempts > 0,
                    table.c.local_modified_at < limit,
                )
            ).all()
            if rows:
                conn.execute(
                    sa.update(table)
                    .where(table.c.id.in_([r.id for r in rows]))
                    .values(
                        sync_status="expired",
                        sync_error=(
                            f"not sent: kept failing for {run.settings.edit_expiry_minutes} minutes, "
                            "so it was dropped before it could overwrite a later change in Cloudbeds"
                        ),
                    )
                )
                for r in rows[:20]:
                    run.warn(entity, r.cid, Said("sync.warn.edit_expired"))
                done += len(rows)
    return done


_GUEST_PUSH_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "cell_phone",
    "gender",
    "country",
    "address1",
    "address2",
    "city",
    "state",
    "zip",
    "birth_date",
)


def push_guests(run: RunState, guard: OutboundGuard) -> None:
    """Send guest edits of guests known to Cloudbeds (putGuest)."""
    since = run.settings.push_since
    with run.engine.connect() as conn:
        q = sa.select(G).where(
            G.c.property_id == run.property_id,
            G.c.sync_status.in_(("pending", "error")),
            G.c.cloudbed_guest_id.is_not(None),
            G.c.local_modified_at.is_not(None),
        )
        if since is not None:
            q = q.where(G.c.local_modified_at >= since)
        rows = [
            r
            for r in conn.execute(q.order_by(G.c.id).limit(500)).mappings()
            if has_local_edit(r) and not edit_expired(r, run.started_at, run.settings.edit_expiry_minutes)
        ]
    counts = run.result.entity("push")
    for g in rows:
        gid = g["cloudbed_guest_id"]
        fields = {k: g[k] for k in _GUEST_PUSH_FIELDS if g.get(k) not in (None, "")}
        if not run.apply:
            policy = guard.policy(g["local_modified_at"])
            if policy:
                run.warn("push", gid, Said("sync.warn.guest_not_sent", {"why": policy}))
            else:
                run.action("push_update", "guests", gid, ", ".join(sorted(fields)))
            continue
        if not fields:
            continue
        try:
            guard.send(
                "putGuest",
                lambda gid=gid, fields=fields: run.client.put_guest(gid, **fields),
                local_table="guest",
                local_id=g["id"],
                cloudbed_id=gid,
                changed_at=g["local_modified_at"],
                payload=fields,
            )
        except (PushRefusedError, CloudbedsError) as exc:
            counts.failed += 1
            run.result.error_for("push", f"guest {gid}: {exc}")
            mark_failed(run, G, g["id"], str(exc), attempts=(g.get("sync_attempts") or 0) + 1)
            continue
        with run.engine.begin() as conn:
            conn.execute(
                sa.update(G)
                .where(G.c.id == g["id"])
                .values(sync_status="synced", sync_error=None, sync_attempts=0, last_sync_at=utcnow())
            )
        counts.updated += 1
        run.action("push_update", "guests", gid, ", ".join(sorted(fields)))
