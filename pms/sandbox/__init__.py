"""A faithful local Cloudbeds PMS API (v1.3, and v1.2 on the same paths) for demo mode and tests.

The real API cannot be reached from development machines and a new user has no credentials on day
one, so the project talks to this instead, over real HTTP on 127.0.0.1: the same paths, parameters,
form encoding, envelopes, errors, paging, auth (API keys and OAuth with an auto-approving consent
page), scopes, rate limit and webhooks, with a seeded Indonesian demo hotel. An admin API under
``/_sandbox/`` scripts front-desk activity and faults. See docs/sandbox.md.

    from pms.sandbox import Sandbox, SandboxConfig
    with Sandbox(SandboxConfig(seed=42, reservations=2000)) as box:
        box.base_url, box.api_key, box.property_id
"""

from pms.sandbox.config import SandboxConfig
from pms.sandbox.server import Sandbox

__all__ = ["Sandbox", "SandboxConfig"]
