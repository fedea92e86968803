"""Webhook management: postWebhook, getWebhooks, deleteWebhook.

Subscriptions belong to the credential that made them (getWebhooks lists only the caller's), and
subscribing to an object needs that object's read scope (``read:reservation`` for
``reservation/*``), although the spec lists no scope on these calls (API.md §9). Note the field is
``object`` on subscribe but ``event.entity`` in getWebhooks.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from pms.sandbox.endpoint import Call, Endpoint, Forbidden, NotFound
from pms.sandbox.forms import ParamError
from pms.sandbox.queries import property_mismatch
from pms.sandbox.webhooks import EVENTS, OBJECT_SCOPES

__all__ = ["ENDPOINTS"]


def post_webhook(call: Call) -> dict[str, Any]:
    p = call.params
    property_mismatch(call.store, p, "propertyID")
    obj = p.str("object", required=True)
    action = p.str("action", required=True)
    url = p.str("endpointUrl", required=True)
    if obj not in EVENTS:
        raise ParamError(f"Unknown webhook object {obj!r}; known: {', '.join(sorted(EVENTS))}")
    if action not in EVENTS[obj]:
        raise ParamError(f"Unknown action {action!r} for {obj}; known: {', '.join(EVENTS[obj])}")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ParamError("Parameter endpointUrl must be an absolute http(s) URL")
    scope = OBJECT_SCOPES.get(obj)
    cred = call.credential
    if scope and cred is not None and scope not in cred.scopes:
        raise Forbidden(f"Access denied: subscribing to {obj} events needs the {scope} scope")
    sub = call.backend.webhooks.subscribe(cred.owner_id, cred.client_id, obj, action, url)
    return {"success": True, "data": {"subscriptionID": sub.subscription_id}}


def get_webhooks(call: Call) -> dict[str, Any]:
    property_mismatch(call.store, call.params, "propertyID")
    data = [
        {
            "id": s.subscription_id,
            "key": {"type": "property", "id": s.property_id},
            "event": {"entity": s.object, "action": s.action},
            "owner": {"type": "client", "id": s.owner_client_id},
            "subscriptionType": "webhook",
            "subscriptionData": {"endpoint": s.url},
        }
        for s in call.backend.webhooks.owned_by(call.credential.owner_id)
    ]
    return {"success": True, "data": data}


def delete_webhook(call: Call) -> dict[str, Any]:
    p = call.params
    property_mismatch(call.store, p, "propertyIDs")
    sub_id = p.str("subscriptionID", required=True)
    if not call.backend.webhooks.delete(call.credential.owner_id, sub_id):
        raise NotFound("Subscription not found")
    return {"success": True}


ENDPOINTS = [
    Endpoint("postWebhook", "POST", None, post_webhook),
    Endpoint("getWebhooks", "GET", None, get_webhooks),
    Endpoint("deleteWebhook", "DELETE", None, delete_webhook),
]
