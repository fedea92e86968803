"""The gate in front of every page: first manager, login, throttling, logout, language."""

from __future__ import annotations

from pms import accounts
from tests.dashboard.conftest import PASSWORD, texts


def _submit(at, *, username, password, repeat=None, code=None):
    if code is not None:
        at.text_input(key="first_setup_code").input(code)
    at.text_input(key="first_username" if repeat is not None else "login_username").input(username)
    at.text_input(key="first_password" if repeat is not None else "login_password").input(password)
    if repeat is not None:
        at.text_input(key="first_password2").input(repeat)
    at.button[0].click()
    return at.run()


def _session_user(dash, at):
    """The account the Streamlit session is logged in as (through its session row), or None."""
    from pms.accounts import sessions

    if "pms_session_id" not in at.session_state:
        return None
    found = sessions.resume(dash.engine, session_id=at.session_state["pms_session_id"])
    return found.user if found else None


def test_first_visit_creates_the_first_manager_with_the_setup_code(dash):
    from pms.accounts import setup_code

    code = setup_code.issue()  # what `python -m pms serve` prints to its console
    at = dash.app()
    assert not at.exception
    assert at.title[0].value == "Welcome: create the manager account"
    _submit(at, username="Ibu Sari", password=PASSWORD, repeat="different passphrase", code=code)
    assert "The two passwords differ." in texts(at) and accounts.count_users(dash.engine) == 0
    _submit(at, username="sari", password="short", repeat="short", code=code)
    assert "at least" in texts(at) and accounts.count_users(dash.engine) == 0
    _submit(at, username="sari", password=PASSWORD, repeat=PASSWORD, code=code)
    assert not at.exception
    created = accounts.get_user(dash.engine, "sari")
    assert created.role == "manager" and _session_user(dash, at).id == created.id
    assert at.title[0].value == "Overview"


def test_without_the_setup_code_nobody_becomes_the_first_manager(dash):
    from pms.accounts import setup_code

    setup_code.consume()
    at = dash.app()
    _submit(at, username="intruder", password=PASSWORD, repeat=PASSWORD, code="")
    assert "setup code is not right" in texts(at) and accounts.count_users(dash.engine) == 0
    code = setup_code.issue()
    _submit(at, username="intruder", password=PASSWORD, repeat=PASSWORD, code="AAAA-BBBB-CCCC")
    assert "setup code is not right" in texts(at) and accounts.count_users(dash.engine) == 0
    _submit(at, username="sari", password=PASSWORD, repeat=PASSWORD, code=code.lower().replace("-", " "))
    assert accounts.count_users(dash.engine) == 1 and at.title[0].value == "Overview"
    # Spent: the same code cannot make a second "first" manager from another browser.
    assert not setup_code.pending()


def test_login_required_and_wrong_password_refused(dash):
    dash.user("gm")
    at = dash.app()
    assert at.title[0].value == "Log in"
    _submit(at, username="gm", password="wrong passphrase!")
    assert "Wrong user name or password." in texts(at)
    assert _session_user(dash, at) is None
    _submit(at, username="GM", password=PASSWORD)
    assert not at.exception and at.title[0].value == "Overview"


def test_throttling_locks_the_account(dash):
    dash.user("gm")
    at = dash.app()
    for _ in range(accounts.LOCK_AFTER):
        _submit(at, username="gm", password="not the password")
    assert "Too many failed attempts" in texts(at)
    _submit(at, username="gm", password=PASSWORD)
    assert "Too many failed attempts" in texts(at) and _session_user(dash, at) is None


def test_logout_and_removed_account_lose_access(dash):
    gm = dash.user("gm")
    staff = dash.user("budi", role="staff")
    at = dash.app(as_user=staff)
    assert at.title[0].value == "Overview"
    accounts.remove_user(dash.engine, "budi")
    at.run()
    assert at.title[0].value == "Log in"
    at = dash.app(as_user=gm)
    at.button(key="logout").click().run()
    assert at.title[0].value == "Log in" and _session_user(dash, at) is None


def test_language_switch_translates_and_is_remembered(dash):
    gm = dash.user("gm")
    at = dash.app(as_user=gm)
    assert at.title[0].value == "Overview"
    at.selectbox(key="language_choice").set_value("id").run()
    assert not at.exception
    assert at.title[0].value == "Ringkasan"
    assert accounts.get_user(dash.engine, "gm").language == "id"
    login = dash.app(lang="id")
    assert login.title[0].value == "Masuk"
