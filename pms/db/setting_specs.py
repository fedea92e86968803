"""Every setting the project knows, declared once: its type, default, limits and help text.

``SPECS`` is what ``pms.db.settings.Settings`` validates against and what the Settings page and
``docs/operations.md`` list; ``LABELS`` gives the dashboard's words for the settings its forms
edit, so a refusal names the field the person sees, not the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["LABELS", "SPECS", "SettingSpec"]


@dataclass(frozen=True)
class SettingSpec:
    """One known setting.

    kind: ``bool`` | ``int`` | ``str`` | ``url`` | ``emails`` | ``tz`` | ``choice`` | ``datetime``
    | ``json`` | ``secret``.
    """

    key: str
    kind: str
    default: Any
    description: str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    internal: bool = False  # written by the system, not shown on the Settings page
    check: str | None = None  # a secret's text is validated as this kind first (e.g. ``url``)
    outbound: bool = False  # an address we send credentials or secrets to (``pms.outbound``)
    legacy_plain: bool = False  # a secret that older versions stored in clear: encrypted on read


def _s(key, kind, default, description, **kw) -> SettingSpec:
    return SettingSpec(key, kind, default, description, **kw)


SPECS: dict[str, SettingSpec] = {
    s.key: s
    for s in (
        # --- the integration (the seed's keys keep their names) ---
        _s("cloudbed_active", "bool", False, "Cloudbeds integration switched on"),
        _s(
            "cloudbed_paused_by",
            "str",
            None,
            "Who switched the integration off when Cloudbeds did ('cloudbeds'); a manager's own "
            "switch clears it, so Cloudbeds never switches back on what a manager switched off",
            internal=True,
        ),
        _s("cloudbed_auto_sync", "bool", True, "Run the incremental sync automatically"),
        _s("cloudbed_sync_interval", "int", 30, "Minutes between automatic syncs", minimum=5, maximum=1440),
        _s("cloudbed_api_version", "choice", "v1.3", "Cloudbeds API version", choices=("v1.2", "v1.3")),
        _s(
            "cloudbed_webhook_url",
            "url",
            None,
            "Address Cloudbeds posts webhook events to (set when subscribing)",
            internal=True,
        ),
        _s(
            "cloudbed_public_url",
            "url",
            None,
            "Public address of this dashboard (webhooks and OAuth return here)",
        ),
        _s("cloudbed_webhook_token", "secret", None, "Secret token in the webhook address", internal=True),
        _s(
            "cloudbed_webhook_token_previous",
            "secret",
            None,
            "The webhook token before the last rotation, accepted for a grace period",
            internal=True,
        ),
        # --- credentials ---
        _s("cloudbed_auth_method", "choice", "api_key", "How to authenticate", choices=("api_key", "oauth")),
        _s(
            "cloudbed_api_base",
            "url",
            "https://api.cloudbeds.com/api/v1.3",
            "Cloudbeds API address",
            outbound=True,
        ),
        _s("cloudbed_property_id", "str", None, "Cloudbeds property id"),
        _s("cloudbed_api_key", "secret", None, "Cloudbeds API key"),
        _s("cloudbed_client_id", "str", None, "OAuth client id of the Cloudbeds app"),
        _s("cloudbed_client_secret", "secret", None, "OAuth client secret of the Cloudbeds app"),
        _s("cloudbed_access_token", "secret", None, "OAuth access token", internal=True),
        _s("cloudbed_refresh_token", "secret", None, "OAuth refresh token", internal=True),
        _s(
            "cloudbed_token_expires_at",
            "datetime",
            None,
            "When the OAuth access token expires",
            internal=True,
        ),
        _s("cloudbed_token_resources", "json", None, "Properties the OAuth consent covers", internal=True),
        _s(
            "cloudbed_oauth_grant",
            "choice",
            "tokens",
            "What an OAuth connect yields: tokens renewed by the sync, or a property API key "
            "(Cloudbeds' automatic delivery)",
            choices=("tokens", "api_key"),
        ),
        _s(
            "cloudbed_oauth_state",
            "secret",
            None,
            "Pending OAuth connect (state and return address)",
            internal=True,
        ),
        # --- sync behaviour ---
        _s("cloudbed_push_enabled", "bool", False, "Send hotel-side changes to Cloudbeds"),
        _s(
            "adf_frontdesk_enabled",
            "bool",
            False,
            "Write Cloudbeds bookings into the hotel's ADF front desk (bookings, guests)",
        ),
        _s(
            "adf_payment_methods",
            "json",
            None,
            "ADF payment method → Cloudbeds payment method for pushed payments, e.g. "
            '{"card": "credit", "qris": "ebanking"} (unset: cash, credit, ebanking, qris as enabled)',
        ),
        _s(
            "cloudbed_push_since",
            "datetime",
            None,
            "Only records changed after this time are pushed",
            internal=True,
        ),
        _s("cloudbed_timezone", "tz", "Asia/Jakarta", "Property time zone (read from Cloudbeds)"),
        _s(
            "cloudbed_sync_overlap_minutes",
            "int",
            120,
            "Incremental syncs re-read this much before the cursor",
            minimum=5,
            maximum=2880,
        ),
        _s(
            "cloudbed_full_sync_hour",
            "int",
            2,
            "Hour (property time) of the nightly full reconcile",
            minimum=0,
            maximum=23,
        ),
        _s(
            "cloudbed_edit_expiry_minutes",
            "int",
            45,
            "A local edit that keeps failing is dropped after this",
            minimum=5,
            maximum=10080,
        ),
        _s(
            "adf_push_poll_seconds",
            "int",
            15,
            "How often the worker looks for changes typed at the hotel's front desk (ADF) to send",
            minimum=5,
            maximum=3600,
        ),
        _s(
            "cloudbed_rate_days",
            "int",
            90,
            "Days ahead that rates and availability are synced",
            minimum=1,
            maximum=730,
        ),
        _s(
            "cloudbed_guest_zip_placeholder",
            "str",
            "00000",
            "Postal code sent for a new booking when neither the guest nor the property has one "
            "(Cloudbeds refuses an empty guestZip)",
        ),
        _s(
            "cloudbed_rate_job_timeout_minutes",
            "int",
            60,
            "A rate job Cloudbeds has not finished after this long is given up and raises an alert",
            minimum=1,
            maximum=1440,
        ),
        _s(
            "cloudbed_rate_end_date",
            "choice",
            "inclusive",
            "How Cloudbeds reads a rate interval's end date (learnt from its answers)",
            choices=("inclusive", "exclusive"),
            internal=True,
        ),
        # --- retention (the seed's cleanup procedure) ---
        _s(
            "cloudbed_retention_api_log_days",
            "int",
            30,
            "Days API log rows are kept",
            minimum=1,
            maximum=3650,
        ),
        _s(
            "cloudbed_retention_webhook_days",
            "int",
            14,
            "Days processed webhook events are kept",
            minimum=1,
            maximum=3650,
        ),
        _s(
            "cloudbed_retention_sync_log_days",
            "int",
            180,
            "Days sync log rows are kept",
            minimum=1,
            maximum=3650,
        ),
        _s(
            "cloudbed_retention_outbound_days",
            "int",
            365,
            "Days outbound write records are kept",
            minimum=1,
            maximum=3650,
        ),
        # --- dashboard sessions ---
        _s(
            "session_idle_minutes",
            "int",
            120,
            "A dashboard login ends after this many minutes without a click",
            minimum=5,
            maximum=10080,
        ),
        # --- alerts ---
        # The address of a chat webhook is its password: stored encrypted like the other secrets.
        _s(
            "alert_webhook_url",
            "secret",
            None,
            "Alerts are POSTed as JSON to this address",
            check="url",
            outbound=True,
            legacy_plain=True,
        ),
        _s("alert_email_to", "emails", None, "Alerts are e-mailed to these addresses (comma separated)"),
        _s(
            "alert_consecutive_failures",
            "int",
            3,
            "Alert after this many failed automatic syncs in a row",
            minimum=1,
            maximum=100,
        ),
        _s(
            "alert_stale_minutes",
            "int",
            180,
            "Alert when no sync succeeded for this long",
            minimum=10,
            maximum=10080,
        ),
        _s("smtp_host", "str", None, "SMTP server for alert e-mails"),
        _s("smtp_port", "int", 587, "SMTP port", minimum=1, maximum=65535),
        _s("smtp_username", "str", None, "SMTP user name"),
        _s("smtp_password", "secret", None, "SMTP password"),
        _s("smtp_from", "emails", None, "Sender address of alert e-mails"),
        _s("smtp_starttls", "bool", True, "Use STARTTLS"),
        # --- internal bookkeeping ---
        _s("pms_secret_check", "secret", None, "Detects a changed secret key", internal=True),
        _s("pms_demo_property_id", "str", None, "Property id of the demo sandbox last used", internal=True),
        _s(
            "pms_first_manager_created",
            "str",
            None,
            "When the first manager was created from the browser (guards against a second one)",
            internal=True,
        ),
    )
}


# The dashboard's words for the settings its forms edit (a refusal names the field, not the key).
LABELS = {
    "cloudbed_active": "settings.active",
    "cloudbed_auto_sync": "settings.auto_sync",
    "cloudbed_sync_interval": "settings.interval",
    "cloudbed_push_enabled": "settings.push",
    "adf_push_poll_seconds": "settings.push_poll",
    "cloudbed_public_url": "settings.public_url",
    "cloudbed_api_key": "connection.api_key",
    "cloudbed_property_id": "connection.property_id",
    "cloudbed_api_base": "connection.api_base",
    "cloudbed_client_id": "connection.client_id",
    "cloudbed_client_secret": "connection.client_secret",
    "alert_email_to": "settings.alert_email",
    "alert_consecutive_failures": "settings.alert_failures",
    "alert_stale_minutes": "settings.alert_stale",
    "smtp_host": "settings.smtp_host",
    "smtp_port": "settings.smtp_port",
    "smtp_username": "settings.smtp_user",
    "smtp_from": "settings.smtp_from",
    "smtp_password": "settings.smtp_password",
    "cloudbed_retention_api_log_days": "monitoring.keep.api_log",
    "cloudbed_retention_webhook_days": "monitoring.keep.webhook",
    "cloudbed_retention_sync_log_days": "monitoring.keep.sync_log",
    "cloudbed_retention_outbound_days": "monitoring.keep.outbound",
}
