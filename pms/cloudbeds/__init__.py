"""The Cloudbeds PMS API v1.3 client.

Layers, each testable alone: typed endpoint methods (``methods_catalog``, ``methods_reservations``,
``methods_guests``, ``methods_rates``, ``methods_webhooks``) → ``CloudbedsClient.request()``
(encodes, rate-limits, authenticates, retries, maps errors) → ``transport`` (one HTTP attempt, one
``CallRecord``) → ``requests``. Wire answers become typed records (``models``, ``models_bookings``)
in ``normalize`` and ``normalize_bookings``. See docs/client.md.

    from pms.cloudbeds import CloudbedsClient, ApiKeyAuth
    client = CloudbedsClient(base_url, ApiKeyAuth(api_key), property_id="318204")
    for booking in client.get_reservations_with_rate_details(modified_from=cursor):
        ...
"""

from __future__ import annotations

from pms.cloudbeds.auth import (
    API_KEY_GRANT,
    AUTHORIZE_URL,
    ApiKeyAuth,
    DeliveredKey,
    OAuthApp,
    OAuthAuth,
    build_authorize_url,
    deliver_api_key,
    exchange_api_key,
    exchange_code,
    refresh_tokens,
)
from pms.cloudbeds.client import ClientStats, CloudbedsClient
from pms.cloudbeds.endpoints import DEFAULT_SCOPES, ENDPOINTS
from pms.cloudbeds.hooks import CallHook, CallRecord
from pms.cloudbeds.methods_rates import RateInterval, RateUpdate
from pms.cloudbeds.methods_reservations import RoomChange, RoomRequest
from pms.cloudbeds.models import (
    AvailableRoomType,
    CreatedReservation,
    Currency,
    DailyRate,
    DateRate,
    Guest,
    Hotel,
    HotelDetails,
    RateJob,
    RateJobUpdate,
    RatePlan,
    Reservation,
    ReservationGuest,
    ReservationRoom,
    Room,
    RoomType,
    Source,
    SourceCharge,
    UserInfo,
    WebhookSubscription,
)
from pms.cloudbeds.models_payments import PaymentMethod, PostedPayment, RoomBlock, RoomBlockRoom
from pms.cloudbeds.pagination import Page, Paged
from pms.cloudbeds.ratelimit import TokenBucket
from pms.cloudbeds.retry import RetryPolicy, equal_jitter, no_jitter
from pms.cloudbeds.tokens import MemoryTokenStore, TokenSet, TokenStore

__all__ = [
    "API_KEY_GRANT",
    "AUTHORIZE_URL",
    "DEFAULT_SCOPES",
    "ENDPOINTS",
    "ApiKeyAuth",
    "AvailableRoomType",
    "CallHook",
    "CallRecord",
    "ClientStats",
    "CloudbedsClient",
    "CreatedReservation",
    "Currency",
    "DailyRate",
    "DateRate",
    "DeliveredKey",
    "Guest",
    "Hotel",
    "HotelDetails",
    "MemoryTokenStore",
    "OAuthApp",
    "OAuthAuth",
    "Page",
    "Paged",
    "PaymentMethod",
    "PostedPayment",
    "RateInterval",
    "RateJob",
    "RateJobUpdate",
    "RatePlan",
    "RateUpdate",
    "Reservation",
    "ReservationGuest",
    "ReservationRoom",
    "RetryPolicy",
    "Room",
    "RoomBlock",
    "RoomBlockRoom",
    "RoomChange",
    "RoomRequest",
    "RoomType",
    "Source",
    "SourceCharge",
    "TokenBucket",
    "TokenSet",
    "TokenStore",
    "UserInfo",
    "WebhookSubscription",
    "build_authorize_url",
    "deliver_api_key",
    "equal_jitter",
    "exchange_api_key",
    "exchange_code",
    "no_jitter",
    "refresh_tokens",
]
