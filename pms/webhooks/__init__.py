"""Cloudbeds webhooks: receive, store, process, subscribe.

``events`` reads a body, ``receiver`` answers the route and files the raw event, ``store`` keeps
events durably (dedupe, claims, retries), ``processor`` applies them through the sync engine,
``subscriptions`` and ``tokens`` manage the address Cloudbeds posts to, ``properties`` says which
properties are connected. See docs/operations.md for the statuses and the flow.
"""

__all__ = ["events", "processor", "properties", "receiver", "store", "subscriptions", "tokens"]
