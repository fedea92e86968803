"""ADF payments → Cloudbeds: each new ``booking_payments`` row becomes one postPayment, once.

Staff record money in ADF's ``booking_payments``. A payment recorded after push was switched on
(its ``created_at``, rule 14) on an ADF booking linked to a Cloudbeds reservation
(``cloudbed_booking_link``) is sent with postPayment, its ADF method mapped to one of the
property's payment methods (``payment_methods``). Never for a Channel Collect reservation: the OTA
holds that money (rule 12); never a zero or negative amount (a refund is made by hand, like a
reduction, rule 13).

New payments are found by id: a cursor in ``cloudbed_sync_state`` (``adf:payments``) remembers the
highest id looked at, so ADF's tables need no trigger or column. Every payment looked at gets a row
in ``cloudbed_payment_link`` (unique per ADF payment id): ``sent`` with Cloudbeds' ids, ``skipped``
with the reason, or ``waiting`` / ``failed`` to be tried again by the next run, until it expires
(rule 17); one deleted at the desk after it was sent is a person's task (``payments_deleted``).
Before a payment is sent again after an attempt whose outcome is unknown (a timeout, a killed
process), the reservation's paid amount is compared with the amount before the first
attempt: a payment that went through is never booked twice. The amounts before are read for a
whole batch at once (getReservationsWithRateDetails, 100 reservations a call) and kept current
through the run, so several payments on one reservation each get their own.

A payment made in Cloudbeds comes back only as the booking's paid amount and payment status
(``pms.adf``): the pull never writes ``booking_payments``, so a payment we sent cannot return as
a second ADF payment.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from pms.db import schema
from pms.db.types import utcnow
from pms.errors import CloudbedsError, PushRefusedError
from pms.sync.adf_outbox import AdfDesk, as_utc, expired, open_desk, push_ready
from pms.sync.guard import OutboundGuard
from pms.sync.payment_methods import MethodChooser
from pms.sync.payments_deleted import deleted_after_sending
from pms.sync.runstate import RunState
from pms.sync.state import read_ids, write_ids

__all__ = ["CURSOR", "push_payments"]

CURSOR = "adf:payments"
LINK = schema.cloudbed_payment_link
BOOKING_LINK = schema.cloudbed_booking_link
R = schema.reservasi
_BATCH = 500
_RETRY = ("waiting", "sending", "failed")


def _cursor(run: RunState) -> int:
    with run.engine.connect() as conn:
        ids = read_ids(conn, run.property_id, CURSOR)
    return int(ids[0]) if ids and ids[0].isdigit() else 0


def _payments(
    conn: sa.Connection, pay: sa.Table, *, after: int = 0, ids: list[int] | None = None
) -> list[dict]:
    q = sa.select(pay)
    q = q.where(pay.c.id.in_(ids)) if ids is not None else q.where(pay.c.id > after)
    return [dict(r) for r in conn.execute(q.order_by(pay.c.id).limit(_BATCH)).mappings()]


def _created(run: RunState, row: Mapping[str, Any]):
    """When staff recorded the payment (UTC): ``created_at``, else the typed ``payment_date``."""
    return as_utc(row.get("created_at"), UTC) or as_utc(row.get("payment_date"), run.zone)


def _targets(conn: sa.Connection, run: RunState, booking_ids: set[int]) -> dict[int, dict]:
    """ADF booking id → its Cloudbeds reservation, sub-reservation and who collects the money."""
    if not booking_ids:
        return {}
    rows = conn.execute(
        sa.select(
            BOOKING_LINK.c.adf_booking_id,
            BOOKING_LINK.c.cloudbed_reservation_id,
            BOOKING_LINK.c.cloudbed_sub_reservation_id,
            BOOKING_LINK.c.how,
            R.c.payment_collect,
            R.c.source_id,
        )
        .select_from(
            BOOKING_LINK.outerjoin(
                R,
                sa.and_(
                    R.c.property_id == BOOKING_LINK.c.property_id,
                    R.c.cloudbed_reservation_id == BOOKING_LINK.c.cloudbed_reservation_id,
                ),
            )
        )
        .where(
            BOOKING_LINK.c.property_id == run.property_id,
            BOOKING_LINK.c.adf_booking_id.in_(sorted(booking_ids)),
            BOOKING_LINK.c.state != "gone",
        )
        .order_by(BOOKING_LINK.c.id)
    ).mappings()
    out: dict[int, dict] = {}
    for r in rows:
        collect = r["payment_collect"] or run.collect.get(r["source_id"] or "")
        if collect is None and r["how"] == "pushed":  # typed at the desk, created by our push: the
            collect = "hotel"  # hotel's own booking, before the next pull has mirrored it
        out.setdefault(r["adf_booking_id"], {**r, "collect": collect})
    return out


def _save(run: RunState, existing: Mapping[str, Any] | None, payment_id: int, **values) -> None:
    values["updated_at"] = utcnow()
    with run.engine.begin() as conn:
        if existing is None:
            conn.execute(
                sa.insert(LINK).values(
                    property_id=run.property_id,
                    adf_payment_id=payment_id,
                    created_at=values["updated_at"],
                    **values,
                )
            )
        else:
            conn.execute(sa.update(LINK).where(LINK.c.id == existing["id"]).values(**values))


class _Step:
    """One run's payment push."""

    def __init__(self, run: RunState, guard: OutboundGuard, adf: AdfDesk) -> None:
        self.run, self.guard = run, guard
        self.pay = adf.tables["booking_payments"]
        self.methods = MethodChooser(run)
        self.counts = run.result.entity("payments")
        self.paid: dict[str, Decimal] = {}  # reservation → what Cloudbeds says is paid, kept current

    def _read_paid(self, rids: set[str]) -> None:
        """Cloudbeds' paid amounts of the batch's reservations, 100 per call (not one per payment)."""
        wanted = sorted(rids - set(self.paid))
        for start in range(0, len(wanted), 100):
            try:
                found = self.run.client.get_reservations_with_rate_details(
                    reservation_ids=wanted[start : start + 100]
                ).all()
            except CloudbedsError:
                return  # each payment then reads its own reservation
            for res in found:
                if res.paid is not None:
                    self.paid[res.reservation_id] = res.paid

    def _paid_now(self, rid: str) -> Decimal:
        if rid not in self.paid:
            self.paid[rid] = self.run.client.get_reservation(rid).paid or Decimal(0)
        return self.paid[rid]

    def handle(self, row: dict, target: dict | None, link: Mapping[str, Any] | None) -> None:
        run, pid = self.run, int(row["id"])
        key = f"ADF payment #{pid}"
        amount = Decimal(str(row.get("amount") or 0))
        since = link["created_at"] if link is not None else None
        base = {
            "adf_booking_id": row.get("booking_id"),
            "amount": amount,
            "adf_method": str(row.get("payment_method") or "")[:32] or None,
        }
        if amount <= 0:
            return self._skip(
                row, link, base, "a zero or negative amount is not sent: refunds are made by hand"
            )
        if target is None or not target.get("cloudbed_reservation_id"):
            return self._wait(row, link, base, since, "its booking is not in Cloudbeds yet")
        base |= {
            "cloudbed_reservation_id": target["cloudbed_reservation_id"],
            "cloudbed_sub_reservation_id": target["cloudbed_sub_reservation_id"],
        }
        if target["collect"] == "channel":
            return self._skip(row, link, base, "Channel Collect: the OTA collects this booking's money")
        if target["collect"] != "hotel":
            return self._wait(row, link, base, since, "who collects the money is not known yet (sources)")
        method, why = self.methods.choose(row.get("payment_method"))
        if why:
            return self._wait(row, link, base, since, why)
        base["cloudbed_method"] = method
        rid = target["cloudbed_reservation_id"]
        summary = f"{amount:,.2f} {method} → reservation {rid}"
        if not run.apply:
            run.action("push_create", "payments", key, summary)
            return None
        return self._send(row, link, base, rid, method, amount, summary)

    def _skip(self, row: dict, link, base: dict, reason: str) -> None:
        if not self.run.apply:
            self.run.warn("payments", f"ADF payment #{row['id']}", f"not sent: {reason}")
            return
        self.guard.refuse(
            "postPayment",
            reason,
            local_table="booking_payments",
            local_id=int(row["id"]),
            cloudbed_id=base.get("cloudbed_reservation_id"),
            payload={"amount": base["amount"], "method": base["adf_method"]},
        )
        _save(self.run, link, int(row["id"]), state="skipped", error=reason, **base)

    def _wait(self, row: dict, link, base: dict, since, reason: str) -> None:
        run, key = self.run, f"ADF payment #{row['id']}"
        if link is not None and expired(run, since):
            return self._expire(row, link, base, reason)
        if not run.apply:
            run.warn("payments", key, f"waits: {reason}")
            return
        _save(
            run,
            link,
            int(row["id"]),
            state="waiting" if link is None or link["state"] == "waiting" else link["state"],
            error=reason,
            attempts=(link or {}).get("attempts") or 0,
            **base,
        )

    def _expire(self, row: dict, link, base: dict, reason: str) -> None:
        run = self.run
        minutes = run.settings.edit_expiry_minutes
        text = f"not sent: still failing after {minutes} minutes ({reason}), so it was dropped"
        run.warn("payments", f"ADF payment #{row['id']}", text)
        if not run.apply:
            return
        self.guard.refuse(
            "postPayment",
            text,
            local_table="booking_payments",
            local_id=int(row["id"]),
            cloudbed_id=base.get("cloudbed_reservation_id"),
            payload={"amount": base["amount"], "method": base["adf_method"]},
        )
        _save(run, link, int(row["id"]), state="expired", error=text, **base)

    def _send(
        self, row: dict, link, base: dict, rid: str, method: str, amount: Decimal, summary: str
    ) -> None:
        run, pid = self.run, int(row["id"])
        since = link["created_at"] if link is not None else None
        attempts = ((link or {}).get("attempts") or 0) + 1
        paid_before = (link or {}).get("paid_before")
        try:
            if paid_before is not None:  # an earlier attempt may have gone through: look first
                now = run.client.get_reservation(rid).paid
                if now is not None:
                    self.paid[rid] = now
                if now is not None and now >= Decimal(paid_before) + amount:
                    _save(run, link, pid, state="sent", error=None, attempts=attempts, **base)
                    self.counts.created += 1
                    run.action("push_create", "payments", f"ADF payment #{pid}", f"{summary} (found sent)")
                    return
            else:
                paid_before = self._paid_now(rid)
            _save(
                run,
                link,
                pid,
                state="sending",
                paid_before=paid_before,
                attempts=attempts,
                error=None,
                **base,
            )
            posted = self.guard.send(
                "postPayment",
                lambda: run.client.post_payment(
                    rid,
                    type=method,
                    amount=amount,
                    sub_reservation_id=base["cloudbed_sub_reservation_id"],
                    description=f"ADF payment #{pid}",
                    paid_before=Decimal(paid_before),
                ),
                local_table="booking_payments",
                local_id=pid,
                changed_at=_created(run, row),
                cloudbed_id=rid,
                payload={"amount": amount, "type": method, "reservationID": rid},
            )
        except PushRefusedError as exc:  # the guard said no (logged there)
            self._fail(row, base, exc, attempts, since)
            return
        except CloudbedsError as exc:
            self.paid.pop(rid, None)  # not known any more: read again before the next one
            self.counts.failed += 1
            run.result.errors.append(f"ADF payment #{pid}: {exc}")
            self._fail(row, base, exc, attempts, since)
            return
        self.paid[rid] = Decimal(paid_before) + amount
        _save(
            run,
            self._link(pid),
            pid,
            state="sent",
            error=None,
            cloudbed_payment_id=posted.payment_id,
            cloudbed_transaction_id=posted.transaction_id,
            attempts=attempts,
            **base,
        )
        self.counts.created += 1
        run.action("push_create", "payments", f"ADF payment #{pid}", summary)

    def _fail(self, row: dict, base: dict, exc: Exception, attempts: int, since) -> None:
        pid = int(row["id"])
        link = self._link(pid)
        _save(self.run, link, pid, state="failed", error=str(exc)[:4000], attempts=attempts, **base)
        if expired(self.run, since):
            self._expire(row, self._link(pid), base, str(exc))

    def _link(self, pid: int) -> dict | None:
        with self.run.engine.connect() as conn:
            row = (
                conn.execute(
                    sa.select(LINK).where(
                        LINK.c.property_id == self.run.property_id, LINK.c.adf_payment_id == pid
                    )
                )
                .mappings()
                .first()
            )
        return dict(row) if row else None

    def batch(self, rows: list[dict], links: dict[int, dict]) -> None:
        with self.run.engine.connect() as conn:
            targets = _targets(
                conn, self.run, {r["booking_id"] for r in rows if r.get("booking_id") is not None}
            )
        if self.run.apply:
            self._read_paid(
                {
                    t["cloudbed_reservation_id"]
                    for t in targets.values()
                    if t.get("cloudbed_reservation_id") and t.get("collect") == "hotel"
                }
            )
        for row in rows:
            self.handle(row, targets.get(row.get("booking_id")), links.get(int(row["id"])))


def _retry_links(run: RunState) -> dict[int, dict]:
    with run.engine.connect() as conn:
        rows = conn.execute(
            sa.select(LINK)
            .where(LINK.c.property_id == run.property_id, LINK.c.state.in_(_RETRY))
            .order_by(LINK.c.adf_payment_id)
            .limit(_BATCH)
        ).mappings()
        return {r["adf_payment_id"]: dict(r) for r in rows}


def push_payments(run: RunState, guard: OutboundGuard) -> None:
    """Send new ADF payments (and retry waiting or failed ones); a preview only plans them."""
    if not push_ready(run):
        return
    adf = open_desk(run, "bookings", "booking_payments")
    if adf is None:
        return
    step = _Step(run, guard, adf)
    deleted_after_sending(run, step.pay)
    retry = _retry_links(run)
    if retry:
        with run.engine.connect() as conn:
            rows = _payments(conn, step.pay, ids=sorted(retry))
        gone = set(retry) - {int(r["id"]) for r in rows}
        for pid in gone:  # deleted in ADF before it could be sent: nothing to send any more
            if run.apply:
                _save(run, retry[pid], pid, state="skipped", error="deleted in ADF before it was sent")
        step.batch(rows, retry)
    after = _cursor(run)
    since = run.settings.push_since
    while True:
        with run.engine.connect() as conn:
            rows = _payments(conn, step.pay, after=after)
        if not rows:
            return
        fresh = [r for r in rows if int(r["id"]) not in retry]
        # Rule 14: a payment recorded before push was switched on was typed into Cloudbeds by hand.
        new = [r for r in fresh if (created := _created(run, r)) is not None and created >= since]
        with run.engine.connect() as conn:
            known = {
                r["adf_payment_id"]
                for r in conn.execute(
                    sa.select(LINK.c.adf_payment_id).where(
                        LINK.c.property_id == run.property_id,
                        LINK.c.adf_payment_id.in_([int(r["id"]) for r in new]),
                    )
                ).mappings()
            }
        step.batch([r for r in new if int(r["id"]) not in known], {})
        after = int(rows[-1]["id"])
        if run.apply:
            with run.engine.begin() as conn:
                write_ids(conn, run.property_id, CURSOR, [str(after)])
        if len(rows) < _BATCH:
            return
