"""One way to get a Cloudbeds client: from the stored credentials, or for the demo sandbox.

``build_client`` is what the CLI, the worker, the webhook processor and the dashboard call. With
credentials stored (``CredentialStore``) it authenticates with the API key, or with OAuth using the
store as the client's ``TokenStore`` so renewed tokens land encrypted in the database. With none
stored it points at the in-process demo sandbox (``pms.connection.demo.ensure_demo``) and flags that property
``is_demo`` in ``cloudbed_properties``, so demo rows are recognised and purged on go-live. Every
call is logged to ``cloudbed_api_log`` unless the caller passes its own ``on_call``.
"""

from __future__ import annotations

import sqlalchemy as sa

from pms.cloudbeds import ApiKeyAuth, CloudbedsClient, OAuthApp, OAuthAuth
from pms.db import schema
from pms.db.apilog import ApiLogWriter
from pms.db.credentials import CredentialStore
from pms.db.settings import Settings
from pms.errors import ConfigurationError
from pms.sync.guard import CallTap

__all__ = ["build_client", "detect_property", "mark_demo_property"]

_UNSET = object()


def mark_demo_property(engine: sa.Engine, property_id: str) -> None:
    """Flag the demo sandbox's property ``is_demo`` (its rows are purged when real credentials come)."""
    from pms.db.upsert import upsert_rows

    props = schema.cloudbed_properties
    # An upsert: two clients built at once (dashboard and worker) must not both insert the row
    # (update-then-insert deadlocked on MariaDB).
    with engine.begin() as conn:
        upsert_rows(conn, props, [{"property_id": property_id, "is_demo": True}], key=("property_id",))
        conn.execute(
            sa.update(props)
            .where(props.c.property_id == property_id, props.c.name.is_(None))
            .values(name="Demo property")
        )
    Settings(engine).set("pms_demo_property_id", property_id)


def build_client(
    engine: sa.Engine, *, on_call=_UNSET, rate_limit: float = 5.0, **client_kw
) -> CloudbedsClient:
    """A ``CloudbedsClient`` from the stored credentials, or for the demo sandbox when there are none.

    Args:
        engine: the hotel database (credentials, token store, API log).
        on_call: the client's call hook; by default an ``ApiLogWriter`` on ``engine`` (pass None
            to log nothing). It is wrapped so the outbound guard can read each write's request id.
        rate_limit: requests per second for the credential (Cloudbeds allows 5).
        **client_kw: passed to ``CloudbedsClient`` (``timeout``, ``retry``, ...).

    Raises:
        ConfigurationError: the stored credentials are incomplete or unreadable.
    """
    hook = ApiLogWriter(engine) if on_call is _UNSET else on_call
    store = CredentialStore(engine)
    creds = store.load()
    if creds is None:
        from pms.connection import demo

        info = demo.ensure_demo()
        client = CloudbedsClient(
            info.base_url,
            ApiKeyAuth(info.api_key),
            property_id=info.property_id,
            rate_limit=rate_limit,
            on_call=CallTap(hook),
            **client_kw,
        )
        try:
            mark_demo_property(engine, info.property_id)
        except sa.exc.SQLAlchemyError as exc:
            raise ConfigurationError(
                "The database is not set up yet: run `python -m pms setup` (or open the "
                f"Setup page) first ({type(exc).__name__})."
            ) from None
        return client
    if creds.auth_method == "oauth":
        if not creds.client_id or not creds.client_secret:
            raise ConfigurationError(
                "The OAuth app is incomplete: enter the client id and secret on the Connection page.",
                key="cloudbed_client_id",
            )
        auth = OAuthAuth(OAuthApp(creds.client_id, creds.client_secret), store)
    else:
        auth = ApiKeyAuth(creds.api_key or "")
    return CloudbedsClient(
        creds.api_base,
        auth,
        property_id=creds.property_id,
        rate_limit=rate_limit,
        on_call=CallTap(hook),
        **client_kw,
    )


def detect_property(engine: sa.Engine, client: CloudbedsClient) -> str:
    """The property to sync: the configured one, or the only one the credential sees (saved).

    Raises:
        ConfigurationError: none configured and the credential sees none or several.
    """
    if client.property_id:
        return client.property_id
    hotels = client.get_hotels().all()
    if len(hotels) == 1 and hotels[0].property_id:
        client.property_id = hotels[0].property_id
        if hotels[0].timezone and client.property_timezone is None:
            client.property_timezone = hotels[0].timezone
        CredentialStore(engine).set_property_id(client.property_id)
        return client.property_id
    if not hotels:
        raise ConfigurationError(
            "The Cloudbeds credential sees no property: check that the API key belongs to "
            "the hotel's Cloudbeds account.",
            key="cloudbed_property_id",
        )
    names = ", ".join(f"{h.property_id} ({h.name})" for h in hotels[:10])
    raise ConfigurationError(
        f"The credential sees {len(hotels)} properties ({names}): choose one on the Connection page.",
        key="cloudbed_property_id",
    )
