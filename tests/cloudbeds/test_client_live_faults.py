"""Every fault kind of /_sandbox/faults, survived or reported cleanly; backoff waits on a fake clock."""

import pytest

from pms.cloudbeds import RetryPolicy, no_jitter
from pms.errors import APIConnectionError, APIError, AuthenticationError, RateLimitError, ValidationError

from .helpers import make_client


@pytest.fixture
def faulty(box, fake_time):
    records = []
    c = make_client(box, fake_time, on_call=records.append)
    c.records = records
    return c


def statuses(c):
    return [r.http_status for r in c.records]


def test_429_storm_without_retry_after_backs_off_exponentially(faulty, admin, fake_time):
    admin.fault("getHotels", "http_429", times=3)
    assert faulty.get_hotels().all()
    assert statuses(faulty) == [429, 429, 429, 200]
    assert fake_time.sleeps == [0.5, 1.0, 2.0]
    assert (faulty.stats.rate_limited, faulty.stats.retries, faulty.stats.calls) == (3, 3, 4)
    assert [r.attempt for r in faulty.records] == [1, 2, 3, 4]


def test_429_with_retry_after_waits_what_the_server_asks(faulty, admin, fake_time):
    admin.fault("getSources", "http_429", times=2, retry_after=7)
    assert faulty.get_sources()
    assert fake_time.sleeps == [7.0, 7.0]


def test_429_that_never_ends_is_a_rate_limit_error(faulty, admin):
    admin.fault("getSources", "http_429", times=20)
    with pytest.raises(RateLimitError) as info:
        faulty.get_sources()
    assert statuses(faulty) == [429] * 5
    assert info.value.status == 429 and "5 attempts" in str(info.value)
    assert faulty.stats.errors == 1


def test_a_retry_after_too_long_to_wait_fails_at_once(faulty, admin, fake_time):
    admin.fault("getSources", "http_429", times=1, retry_after=900)
    with pytest.raises(RateLimitError, match="900 seconds"):
        faulty.get_sources()
    assert fake_time.sleeps == []


@pytest.mark.parametrize("kind, status", [("http_500", 500), ("http_503", 503)])
def test_server_errors_are_retried(faulty, admin, kind, status):
    admin.fault("getRoomTypes", kind, times=2)
    assert faulty.get_room_types().all()
    assert statuses(faulty) == [status, status, 200]


def test_server_errors_beyond_the_policy_fail_with_the_request_id(faulty, admin):
    admin.fault("getRoomTypes", "http_503", times=10)
    with pytest.raises(APIError) as info:
        faulty.get_room_types().all()
    assert info.value.status == 503 and info.value.request_id and "after 5 attempts" in str(info.value)


def test_timeouts_are_retried(box, admin, fake_time):
    records = []
    c = make_client(box, fake_time, timeout=0.4, on_call=records.append)
    admin.fault("getSources", "timeout", times=1, delay=1.5)
    assert c.get_sources()
    assert [r.http_status for r in records] == [None, 200]
    assert "ReadTimeout" in records[0].error


def test_timeouts_beyond_the_policy_are_a_connection_error(box, admin, fake_time):
    c = make_client(box, fake_time, timeout=0.3, retry=RetryPolicy(max_attempts=2, jitter=no_jitter))
    admin.fault("getSources", "timeout", times=2, delay=1.0)
    with pytest.raises(APIConnectionError, match=r"did not answer within 0\.3 seconds") as info:
        c.get_sources()
    assert info.value.status is None


def test_connection_refused_is_a_connection_error(fake_time):
    import socket

    from pms.cloudbeds import ApiKeyAuth, CloudbedsClient

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c = CloudbedsClient(
        f"http://127.0.0.1:{port}/api/v1.3",
        ApiKeyAuth("cbat_nobody_listens_here"),
        clock=fake_time.clock,
        sleep=fake_time.sleep,
        retry=RetryPolicy(max_attempts=3, jitter=no_jitter),
    )
    with pytest.raises(APIConnectionError, match=r"Could not reach Cloudbeds at 127\.0\.0\.1") as info:
        c.get_sources()
    assert "3 attempts" in str(info.value) and fake_time.sleeps == [0.5, 1.0]


def test_malformed_json_is_retried_then_reported(faulty, admin):
    admin.fault("getSources", "malformed_json", times=1)
    assert faulty.get_sources()
    assert faulty.records[0].response_summary == "malformed response (not JSON)"
    admin.fault("getSources", "malformed_json", times=10)
    with pytest.raises(APIError, match="could not be read"):
        faulty.get_sources()


def test_success_false_is_an_error_and_not_retried(faulty, admin):
    admin.fault("getHotelDetails", "success_false", times=1, message="Property has an invalid status")
    with pytest.raises(APIError, match="Property has an invalid status") as info:
        faulty.get_hotel_details()
    assert info.value.status == 200 and statuses(faulty) == [200]
    assert faulty.records[0].error.startswith("HTTP 200")


def test_revoked_api_key_is_an_authentication_error_at_once(faulty, admin):
    admin.fault("getSources", "revoke_token", times=1)
    with pytest.raises(AuthenticationError, match="create a new API key") as info:
        faulty.get_sources()
    assert info.value.status == 401 and statuses(faulty) == [401]
    with pytest.raises(AuthenticationError):  # and it stays revoked
        faulty.get_hotels().all()


def test_bad_parameters_are_a_validation_error_and_not_retried(faulty):
    with pytest.raises(ValidationError) as info:
        faulty.get_reservations(status="bogus").all()
    assert info.value.status == 400 and statuses(faulty) == [400]
    assert "sending it unchanged will fail" in str(info.value)


@pytest.mark.parametrize(("errors", "status"), [("documented", 200), ("status_codes", 403)])
def test_missing_scope_names_the_permission(box, admin, fake_time, errors, status):
    # Cloudbeds' guide answers logical refusals with HTTP 200 and success:false, REST with 403:
    # the same PermissionDeniedError either way (the ``errors`` reading).
    from pms.cloudbeds import ApiKeyAuth
    from pms.errors import PermissionDeniedError

    admin.config(readings={"errors": errors})
    limited = make_client(box, fake_time, auth=ApiKeyAuth(admin.api_key(["read:hotel"])))
    assert limited.get_hotels().all()
    with pytest.raises(PermissionDeniedError, match="'read:reservation'") as info:
        limited.get_reservations().all()
    assert info.value.status == status and info.value.endpoint == "getReservations"
