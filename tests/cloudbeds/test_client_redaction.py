"""Redaction helpers: secret parameter names, registered secrets, credential-looking text, cards."""

from pms.cloudbeds.auth import ApiKeyAuth, OAuthApp
from pms.cloudbeds.redaction import REDACTED, Redactor, is_secret_param, redact_params, redact_text


def test_secret_parameter_names_including_bracket_keys():
    for name in (
        "client_secret",
        "code",
        "refresh_token",
        "cards[0][cardNumber]",
        "cardToken",
        "CLIENT_SECRET",
    ):
        assert is_secret_param(name), name
    for name in ("promoCode", "groupCode", "reservationID", "rates[0][rate]"):
        assert not is_secret_param(name), name


def test_params_are_blanked_and_scrubbed():
    out = redact_params(
        {"code": "abc", "note": "key is cbat_zzzzzzzz", "guestEmail": "a@b.c", "n": 3}, secrets=["zzzz"]
    )
    assert out == {"code": REDACTED, "note": f"key is {REDACTED}", "guestEmail": "a@b.c", "n": 3}


def test_text_scrubbing_of_known_secrets_keys_bearers_and_cards():
    text = "sent Bearer eyJhbGciOi.abc.def with my-own-secret-9 and card 4111 1111 1111 1111, res 1402857369"
    out = redact_text(text, ["my-own-secret-9"])
    assert "eyJhbGciOi" not in out and "my-own-secret-9" not in out and "4111" not in out
    assert "1402857369" in out  # reservation ids are not card numbers


def test_redactor_remembers_added_secrets():
    r = Redactor(["first-secret"])
    r.add("second-secret", None)
    assert r.text("first-secret second-secret") == f"{REDACTED} {REDACTED}"
    assert "first-secret" not in repr(r) and "second-secret" not in repr(r)


def test_credential_reprs_are_masked():
    auth = ApiKeyAuth("cbat_0123456789abcdefghij")
    assert "0123456789abcdefghij" not in repr(auth) and "0123456789abcdefghij" not in str(auth)
    app = OAuthApp("client-1", "super-secret-value-123", "https://x/cb")
    assert "super-secret-value-123" not in repr(app) and "super-secret-value-123" not in str(app)
