"""Sending alerts out: a JSON POST to ``alert_webhook_url`` and/or an e-mail through SMTP.

Each alert is announced once when raised and once when resolved; ``notified_at`` and
``recovery_notified_at`` record that the notice was handled (sent, or nothing configured to send
it to). A destination that fails is tried again at the next evaluation, for up to a day, and the
failure is logged without the destination's address (a chat webhook URL is itself a secret).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

import requests
import sqlalchemy as sa

from pms.alerts.store import Alert, alert_from_row
from pms.db import schema
from pms.db.engine import reader
from pms.db.settings import Settings
from pms.db.types import utcnow

__all__ = ["Delivery", "deliver_pending", "notice", "send_email", "send_webhook"]

log = logging.getLogger(__name__)

A = schema.cloudbed_alerts
GIVE_UP_AFTER = timedelta(hours=24)
TIMEOUT = 10.0


@dataclass
class Delivery:
    sent: list[tuple[int, str, str]] = field(default_factory=list)  # (alert id, kind, channel)
    failed: list[tuple[int, str, str]] = field(default_factory=list)


def notice(alert: Alert, kind: str) -> dict:
    """The JSON body of a notice (``kind`` is ``alert`` or ``recovery``)."""
    return {
        "source": "cloudbeds-sync",
        "kind": kind,
        "alert": alert.key,
        "status": alert.status,
        "severity": alert.severity,
        "property_id": alert.property_id,
        "message": alert.message,
        "first_seen_at": alert.first_seen_at.isoformat(),
        "resolved_at": alert.resolved_at.isoformat() if alert.resolved_at else None,
        "occurrences": alert.occurrences,
    }


def send_webhook(url: str, body: dict) -> None:
    resp = requests.post(url, json=body, timeout=TIMEOUT, headers={"User-Agent": "cloudbeds-sync-alerts"})
    if not 200 <= resp.status_code < 300:
        raise RuntimeError(f"the alert webhook answered HTTP {resp.status_code}")


def send_email(settings: Settings, to: str, subject: str, text: str) -> None:
    cfg = settings.get_many(["smtp_host", "smtp_port", "smtp_username", "smtp_from", "smtp_starttls"])
    if not cfg["smtp_host"]:
        raise RuntimeError("no SMTP server is configured (smtp_host)")
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = cfg["smtp_from"] or f"cloudbeds-sync@{cfg['smtp_host']}"
    msg["To"] = to
    msg.set_content(text)
    with smtplib.SMTP(cfg["smtp_host"], int(cfg["smtp_port"]), timeout=TIMEOUT) as smtp:
        if cfg["smtp_starttls"]:
            smtp.starttls(context=ssl.create_default_context())
        if cfg["smtp_username"]:
            smtp.login(cfg["smtp_username"], settings.secret("smtp_password") or "")
        smtp.send_message(msg)


def _subject(alert: Alert, kind: str) -> str:
    head = "Recovered" if kind == "recovery" else alert.severity.capitalize()
    where = f" (property {alert.property_id})" if alert.property_id else ""
    return f"[Cloudbeds sync] {head}: {alert.key.replace('_', ' ')}{where}"


def _text(alert: Alert, kind: str) -> str:
    if kind == "recovery":
        return (
            f"Resolved at {alert.resolved_at:%Y-%m-%d %H:%M} UTC, after "
            f"{(alert.resolved_at - alert.first_seen_at).total_seconds() / 60:.0f} "
            f"minutes:\n\n{alert.message}\n"
        )
    return (
        f"{alert.message}\n\nFirst seen {alert.first_seen_at:%Y-%m-%d %H:%M} UTC. "
        "See the dashboard's Monitoring page.\n"
    )


def deliver_pending(engine: sa.Engine, now: datetime | None = None) -> Delivery:
    """Send every notice not sent yet; safe to call often (nothing is sent twice)."""
    now = now or utcnow()
    settings = Settings(engine)
    cfg = settings.get_many(["alert_email_to"])
    cfg["alert_webhook_url"] = settings.secret("alert_webhook_url")
    with reader(engine).connect() as conn:
        rows = conn.execute(
            sa.select(A)
            .where(
                sa.or_(
                    sa.and_(A.c.notified_at.is_(None), A.c.first_seen_at >= now - GIVE_UP_AFTER),
                    sa.and_(
                        A.c.status == "resolved",
                        A.c.recovery_notified_at.is_(None),
                        A.c.resolved_at >= now - GIVE_UP_AFTER,
                    ),
                )
            )
            .order_by(A.c.id)
        ).all()
    out = Delivery()
    for row in rows:
        alert = alert_from_row(row)
        kinds = []
        if alert.notified_at is None:
            kinds.append("alert")
        if alert.status == "resolved" and alert.recovery_notified_at is None:
            kinds.append("recovery")
        for kind in kinds:
            ok = True
            if cfg["alert_webhook_url"]:
                try:
                    send_webhook(cfg["alert_webhook_url"], notice(alert, kind))
                    out.sent.append((alert.id, kind, "webhook"))
                except (requests.RequestException, RuntimeError) as exc:
                    ok = False
                    out.failed.append((alert.id, kind, "webhook"))
                    log.warning("alert %s: the alert webhook failed (%s)", alert.key, type(exc).__name__)
            if cfg["alert_email_to"]:
                try:
                    send_email(settings, cfg["alert_email_to"], _subject(alert, kind), _text(alert, kind))
                    out.sent.append((alert.id, kind, "email"))
                except (OSError, smtplib.SMTPException, RuntimeError) as exc:
                    ok = False
                    out.failed.append((alert.id, kind, "email"))
                    log.warning(
                        "alert %s: the alert e-mail failed (%s: %s)",
                        alert.key,
                        type(exc).__name__,
                        str(exc)[:200],
                    )
            if ok:
                column = "notified_at" if kind == "alert" else "recovery_notified_at"
                with engine.begin() as conn:
                    conn.execute(sa.update(A).where(A.c.id == alert.id).values({column: now}))
    return out
