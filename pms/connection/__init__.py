"""Reaching Cloudbeds: clients from the stored credentials, the connection test, going live, OAuth.

- ``client``: ``build_client`` (stored credentials, or the in-process demo sandbox) and
  ``detect_property``;
- ``mode``: ``connection_info`` (demo, API key or OAuth; address; property);
- ``checks``: the five-step connection test shared by the CLI and the dashboard;
- ``go_live``: test a new API key and store it only when every check passed;
- ``oauth``: the OAuth connect, from the consent link to the callback;
- ``demo``: the process-wide demo sandbox; ``properties``: which properties this installation serves.
"""

from __future__ import annotations

from pms.connection.client import build_client, detect_property, mark_demo_property
from pms.connection.mode import ConnectionInfo, connection_info

__all__ = ["ConnectionInfo", "build_client", "connection_info", "detect_property", "mark_demo_property"]
