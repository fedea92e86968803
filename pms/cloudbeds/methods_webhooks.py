"""Endpoint methods for webhook subscriptions: subscribe, list, unsubscribe.

Mixed into ``CloudbedsClient``. A subscription is one (object, action) pair sent to one URL.
Subscribing twice would make Cloudbeds deliver every event twice, so a subscribe whose outcome is
unknown is looked up in ``getWebhooks`` before it is sent again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from pms.cloudbeds import normalize
from pms.cloudbeds.models import WebhookSubscription

if TYPE_CHECKING:
    from pms.cloudbeds.client import CloudbedsClient

__all__ = ["WebhookMethods"]


class WebhookMethods:
    """postWebhook, getWebhooks, deleteWebhook."""

    def post_webhook(
        self: CloudbedsClient, object: str, action: str, endpoint_url: str, *, property_id: str | None = None
    ) -> str:
        """``postWebhook``: subscribe ``endpoint_url`` to ``object/action``; returns the subscription id."""
        pid = self._pid(property_id)

        def check() -> str | None:
            for sub in self.get_webhooks(property_id=pid):
                if (sub.object, sub.action, sub.endpoint_url) == (object, action, endpoint_url):
                    return sub.subscription_id
            return None

        result = self.request(
            "postWebhook",
            {"propertyID": pid, "object": object, "action": action, "endpointUrl": endpoint_url},
            property_id=pid,
            check=check,
        )
        if not isinstance(result, dict):
            return result.value
        data = result.get("data") if isinstance(result.get("data"), dict) else result
        sub_id = self.reader().id(data.get("subscriptionID") or data.get("id"))
        if not sub_id:
            self._warn(f"postWebhook {object}/{action} returned no subscription id")
        return sub_id or ""

    def get_webhooks(self: CloudbedsClient, *, property_id: str | None = None) -> list[WebhookSubscription]:
        """``getWebhooks``: this credential's subscriptions."""
        pid = self._pid(property_id)
        body = self.request("getWebhooks", {"propertyID": pid}, property_id=pid)
        reader = self.reader()
        return [normalize.webhook(reader, item) for item in reader.items(body.get("data"))]

    def delete_webhook(
        self: CloudbedsClient, subscription_id: str, *, property_ids: str | Iterable[str] | None = None
    ) -> None:
        """``deleteWebhook`` (HTTP DELETE with a query string): remove one subscription."""
        self.request(
            "deleteWebhook", {"subscriptionID": subscription_id, "propertyIDs": self._group_ids(property_ids)}
        )
