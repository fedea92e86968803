"""The language a person reads: taken from the account at login, saved to it when changed."""

from __future__ import annotations

from pms import accounts
from tests.dashboard.conftest import PASSWORD


def _log_in(at, username):
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click()
    return at.run()


def test_login_opens_in_the_accounts_language(dash):
    dash.user("sari", language="id")
    at = dash.app()
    assert at.title[0].value == "Log in"
    _log_in(at, "sari")
    assert not at.exception
    assert at.title[0].value == "Ringkasan"
    assert at.selectbox(key="language_choice").value == "id"
    assert accounts.get_user(dash.engine, "sari").language == "id"
    at.run()
    assert at.title[0].value == "Ringkasan"
