"""Where a client built from the database points: demo sandbox, API key or OAuth, and which property.

The Connection page and the connection test show this; ``pms.db.credentials.has_credentials`` is
the one answer to "are credentials stored?" (demo mode is on exactly when they are not).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from pms.db.credentials import CredentialStore

__all__ = ["ConnectionInfo", "connection_info"]


@dataclass(frozen=True)
class ConnectionInfo:
    """Where a client built from the database points (what the Connection page shows)."""

    mode: str  # "demo" | "api_key" | "oauth"
    api_base: str
    property_id: str | None

    @property
    def is_demo(self) -> bool:
        return self.mode == "demo"


def connection_info(engine: sa.Engine) -> ConnectionInfo:
    """Demo mode when no credentials are stored; else the stored method, address and property."""
    creds = CredentialStore(engine).load()
    if creds is None:
        from pms.connection import demo

        info = demo.current()
        return ConnectionInfo(
            "demo",
            info.base_url if info else "(demo sandbox, not started)",
            info.property_id if info else None,
        )
    return ConnectionInfo(creds.auth_method, creds.api_base, creds.property_id)
