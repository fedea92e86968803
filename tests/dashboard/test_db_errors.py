"""A hotel database that refuses the dashboard for a known reason shows that reason and its fix.

The web host's allow-list, TLS or grants are a manager's to fix, so the page says which instead of
"something went wrong" with a log reference (ui.errors.show_error, pms.db.remote).
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page(code: int, text: str, lang: str) -> None:
    import pymysql
    import sqlalchemy as sa

    from pms.i18n import Translator
    from ui.errors import show_error

    exc = sa.exc.OperationalError("SELECT 1", {}, pymysql.err.OperationalError(code, text))
    show_error(exc, Translator(lang))


def _shown(code: int, text: str, lang: str = "en") -> list[str]:
    at = AppTest.from_function(_page, args=(code, text, lang), default_timeout=30).run()
    assert not at.exception
    return [e.value for e in at.error]


def test_a_rotated_allow_list_says_where_to_add_the_ip():
    from pms.i18n import Translator

    shown = _shown(1130, "Host '198.51.100.4' is not allowed to connect to this MariaDB server")
    assert shown == [Translator("en")("error.db.allow_list")]
    assert "Remote MySQL" in shown[0]
    assert _shown(1130, "Host '198.51.100.4' is not allowed to connect", "id") == [
        Translator("id")("error.db.allow_list")
    ]


def test_an_unknown_database_error_still_gets_a_log_reference():
    shown = _shown(1213, "Deadlock found when trying to get lock")
    assert len(shown) == 1 and "reference" in shown[0]
