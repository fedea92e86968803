"""The one error-mapping function: classes, attributes and messages a manager can act on."""

import pytest
import requests

from pms.cloudbeds.errors import error_for_exception, error_for_response
from pms.errors import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ValidationError,
)


@pytest.mark.parametrize(
    "status, body, cls",
    [
        (400, {"success": False, "message": "Parameter reservationID is required"}, ValidationError),
        (401, {"error": "access_denied", "message": "Invalid token"}, AuthenticationError),
        (403, {"success": False, "message": "Missing scope"}, PermissionDeniedError),
        (404, {"success": False, "message": "nope"}, NotFoundError),
        (422, {"success": False}, ValidationError),
        (429, {"success": False, "message": "Rate limit exceeded"}, RateLimitError),
        (500, None, APIError),
        (503, {"success": False}, APIError),
        (
            200,
            {"success": False, "message": "User who approved this connection is not active anymore"},
            APIError,
        ),
        (200, {"success": False, "message": "Reservation not found"}, NotFoundError),
    ],
)
def test_status_maps_to_class(status, body, cls):
    err = error_for_response(status, body, endpoint="getReservation", request_id="rq-1")
    assert type(err) is cls
    assert err.status == status
    assert err.request_id == "rq-1"
    assert err.endpoint == "getReservation"
    assert "rq-1" in str(err)


def test_401_tells_api_key_and_oauth_users_what_to_do():
    key = error_for_response(401, {"error": "access_denied"}, endpoint="getHotels", auth_kind="api_key")
    assert "create a new API key" in str(key)
    oauth = error_for_response(401, {}, endpoint="getHotels", auth_kind="oauth", after_refresh=True)
    assert "reconnect Cloudbeds" in str(oauth) and "even after renewing" in str(oauth)
    code = error_for_response(
        401,
        {"error": "server_error", "error_description": "code is invalid or has expired."},
        endpoint="access_token",
    )
    assert "10 minutes" in str(code) and "invalid or has expired" in str(code)


def test_403_names_the_missing_scope():
    err = error_for_response(403, {}, endpoint="patchRate")
    assert "'write:rate'" in str(err)


def test_malformed_and_server_text_is_redacted_and_short():
    err = error_for_response(200, None, endpoint="getHotels", malformed=True)
    assert isinstance(err, APIError) and "could not be read" in str(err)
    long = error_for_response(
        400,
        {"message": "token cbat_LEAKED123456 " + "x" * 1000},
        endpoint="getHotels",
        redact=lambda s: s.replace("cbat_LEAKED123456", "[redacted]"),
    )
    assert "cbat_LEAKED123456" not in str(long)
    assert len(str(long)) < 600


def test_429_with_a_long_retry_after_says_how_long():
    err = error_for_response(429, {}, endpoint="getHotels", retry_after=600)
    assert isinstance(err, RateLimitError) and "600 seconds" in str(err)


def test_exceptions_become_connection_errors():
    err = error_for_exception(
        requests.ReadTimeout("x"), endpoint="getHotels", host="api.example", timeout=2.5
    )
    assert isinstance(err, APIConnectionError) and "2.5 seconds" in str(err) and err.status is None
    err = error_for_exception(
        requests.ConnectionError("refused"), endpoint="getHotels", host="api.example", timeout=2.5, attempts=5
    )
    assert "Could not reach Cloudbeds at api.example" in str(err) and "5 attempts" in str(err)
    assert repr(err) == "APIConnectionError(endpoint='getHotels', status=None, request_id=None)"
