"""The language a person reads: taken from the account at login, saved to it when changed."""

from __future__ import annotations

from pms import accounts
from tests.dashboard.conftest import PASSWORD, shown


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


def test_account_refusals_are_in_the_readers_language(dash):
    from pms.accounts import setup_code

    code = setup_code.issue()
    at = dash.app(lang="id")
    assert at.title[0].value != "Welcome: create the manager account"
    at.text_input(key="first_setup_code").input(code)
    at.text_input(key="first_username").input("sari")
    at.text_input(key="first_password").input("pendek")
    at.text_input(key="first_password2").input("pendek")
    at.button[0].click().run()
    assert "Kata sandi perlu paling sedikit 10 karakter." in [shown(e.value) for e in at.error]
    assert accounts.count_users(dash.engine) == 0
