"""Cloudbeds webhook subscriptions for this installation: subscribe, list, unsubscribe, rotate.

A subscription is one (object, action) pair and one URL (API.md §9). Ours all point at
``<public_url>/webhooks/cloudbeds/<token>``; subscribing is idempotent (pairs already subscribed
at the current address are kept, ours at an old address are removed afterwards), so running it
twice, or after a change of public address, leaves exactly one subscription per needed event.
Rotating the token is a subscribe with a new token: the old one stays valid for a grace period
while the swap happens (``pms.webhooks.tokens``).

The token is part of the address, so addresses are only ever shown masked (``redact_endpoint``)
and the token is registered with the client's redactor before any call carries it.

Every subscription is handled on its own: Cloudbeds refusing one event name (or one removal) is
reported by name in the report's ``failed`` and never stops the others. A stale subscription is
kept only while its event could not be subscribed at the new address, so that event still lands
somewhere.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import sqlalchemy as sa

from pms.db.settings import Settings
from pms.errors import CloudbedsError, ConfigurationError
from pms.webhooks.tokens import ensure_token, rotate_token

__all__ = [
    "NEEDED_EVENTS",
    "WEBHOOK_PATH",
    "SubscribeReport",
    "Subscription",
    "UnsubscribeReport",
    "list_subscriptions",
    "redact_endpoint",
    "rotate",
    "subscribe",
    "unsubscribe",
    "webhook_url",
]

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/cloudbeds/"
# What the sync needs (API.md §9's catalogue): every reservation and guest change, rate jobs
# finishing, and the app being disabled or enabled.
NEEDED_EVENTS = (
    "reservation/created",
    "reservation/status_changed",
    "reservation/dates_changed",
    "reservation/deleted",
    "reservation/accommodation_changed",
    "reservation/accommodation_type_changed",
    "guest/created",
    "guest/details_changed",
    "guest/assigned",
    "guest/removed",
    "roomblock/created",
    "roomblock/details_changed",
    "roomblock/removed",
    "api_queue_task/rate_status_changed",
    "integration/appstate_changed",
)
_TOKEN_IN_PATH = re.compile(r"(/webhooks/cloudbeds/)[^/?#]+")


def webhook_url(public_url: str, token: str) -> str:
    parts = urlsplit(public_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(
            f"The public address must be an http(s) URL such as https://pms.example.com, got {public_url!r}",
            key="cloudbed_public_url",
        )
    return f"{public_url.rstrip('/')}{WEBHOOK_PATH}{token}"


def redact_endpoint(url: str | None) -> str:
    """The address with the token masked: safe for pages, logs and the command line."""
    return _TOKEN_IN_PATH.sub(r"\1••••", url or "")


def _ours(url: str | None) -> bool:
    return bool(url) and WEBHOOK_PATH in urlsplit(url).path


@dataclass(frozen=True)
class Subscription:
    subscription_id: str
    event: str
    endpoint: str  # masked
    ours: bool  # points at some installation of this system (our path)
    current: bool  # points at the current token and public address


@dataclass
class SubscribeReport:
    endpoint: str  # masked
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass
class UnsubscribeReport:
    removed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # "event (subscription id)" -> why

    @property
    def ok(self) -> bool:
        return not self.failed


def list_subscriptions(engine: sa.Engine, client, *, public_url: str | None = None) -> list[Subscription]:
    """This credential's subscriptions, with ours marked (``current`` needs ``public_url``)."""
    token = ensure_token(Settings(engine))
    target = webhook_url(public_url, token) if public_url else None
    out = []
    for sub in client.get_webhooks():
        out.append(
            Subscription(
                sub.subscription_id,
                sub.event,
                redact_endpoint(sub.endpoint_url),
                _ours(sub.endpoint_url),
                target is not None and sub.endpoint_url == target,
            )
        )
    return out


def subscribe(
    engine: sa.Engine, client, *, public_url: str, events=NEEDED_EVENTS, remove_stale: bool = True
) -> SubscribeReport:
    """Make sure every needed event is subscribed at the current address; drop our stale ones.

    Stale subscriptions (ours, at another token or public address) are removed only after every
    needed event is subscribed at the new address, so no event falls between the two.
    """
    settings = Settings(engine)
    token = ensure_token(settings)
    target = webhook_url(public_url, token)
    report = SubscribeReport(redact_endpoint(target))
    existing = client.get_webhooks()
    have = {sub.event for sub in existing if sub.endpoint_url == target}
    for event in events:
        if event in have:
            report.kept.append(event)
            continue
        obj, _, action = event.partition("/")
        try:
            client.post_webhook(obj, action, target)
            report.created.append(event)
        except CloudbedsError as exc:
            report.failed[event] = str(exc)[:300]
            log.warning("subscribing %s failed: %s", event, exc)
    if remove_stale:
        for sub in existing:
            if not _ours(sub.endpoint_url) or sub.endpoint_url == target:
                continue
            if sub.event in report.failed:
                continue  # its event is not subscribed at the new address: keep the old one
            try:
                client.delete_webhook(sub.subscription_id)
                report.removed.append(sub.event)
            except CloudbedsError as exc:
                report.failed[f"remove {sub.event} ({sub.subscription_id})"] = str(exc)[:300]
                log.warning("removing the old subscription %s failed: %s", sub.subscription_id, exc)
    settings.set("cloudbed_webhook_url", f"{public_url.rstrip('/')}{WEBHOOK_PATH.rstrip('/')}")
    return report


def unsubscribe(
    engine: sa.Engine, client, *, only_current: bool = False, public_url: str | None = None
) -> UnsubscribeReport:
    """Remove our subscriptions (all of ours, or only those at the current address), each on its
    own: one Cloudbeds refuses is reported in ``failed`` and the others are still removed."""
    target = (
        webhook_url(public_url, ensure_token(Settings(engine))) if (only_current and public_url) else None
    )
    report = UnsubscribeReport()
    for sub in client.get_webhooks():
        if not _ours(sub.endpoint_url) or (target is not None and sub.endpoint_url != target):
            continue
        try:
            client.delete_webhook(sub.subscription_id)
            report.removed.append(sub.event)
        except CloudbedsError as exc:
            report.failed[f"{sub.event} ({sub.subscription_id})"] = str(exc)[:300]
            log.warning("removing subscription %s failed: %s", sub.subscription_id, exc)
    if not only_current and report.ok:
        Settings(engine).set("cloudbed_webhook_url", None)
    return report


def rotate(engine: sa.Engine, client, *, public_url: str) -> SubscribeReport:
    """New token, subscribed everywhere, old subscriptions removed; the old token keeps working for
    the grace period so deliveries already under way still land.

    A receiver caches the valid tokens for a few seconds; a caller in the server's own process
    (the dashboard) invalidates that cache so the new token works at once.
    """
    rotate_token(Settings(engine))
    return subscribe(engine, client, public_url=public_url)
