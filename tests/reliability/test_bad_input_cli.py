"""Bad input to ``python -m pms setup`` and ``credentials``: a clear ``error:`` line, nothing stored.

Every case runs the real command table in-process (``pms.cli.main``) against a real SQLite file
and, where the command checks a credential, a real sandbox. What must hold for each refused input:
exit status non-zero, one readable ``error:`` line on stderr, no traceback, no secret echoed, and
the stored credentials exactly as they were before.
"""

from __future__ import annotations

import pytest

from pms.cli import main
from pms.db.credentials import CredentialStore
from pms.db.engine import make_engine
from pms.db.setup import ensure_schema

from .inputs import NON_ASCII, SQL_METACHARACTERS, VERY_LONG

AREA = "bad input: CLI"


@pytest.fixture
def sandbox_config() -> dict:
    return {"reservations": 5}


def _stored(url):
    eng = make_engine(url)
    try:
        ensure_schema(eng)
        creds = CredentialStore(eng).load()
        return None if creds is None else repr(creds)
    finally:
        eng.dispose()


def _refused(capsys, argv, *, before, url, secret=None):
    """Run ``argv``; assert it was refused cleanly and changed nothing. Returns stderr."""
    code = main(argv)
    out, err = capsys.readouterr()
    assert code not in (0, None), f"{argv[:4]} was accepted: {out}"
    assert err.startswith("error:"), err
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    if secret:
        assert secret not in out + err
    assert _stored(url) == before, f"{argv[:4]} changed the stored credentials"
    return err


def test_api_keys_that_cannot_be_keys_are_refused_before_anything_is_stored(capsys, sqlite_url, box, tally):
    before = _stored(sqlite_url)
    keys = [
        "   ",
        "cbat_short",
        "cbat_with space inside_abcdef",
        "line\nbreak_cbat_0123456789",
        *SQL_METACHARACTERS,
        *VERY_LONG[1:],
    ]
    for key in keys:
        for verify in ([], ["--no-verify"]):
            argv = [
                "credentials",
                "set",
                "--api-key",
                key,
                "--api-base",
                box.base_url,
                "--db",
                sqlite_url,
                *verify,
            ]
            _refused(capsys, argv, before=before, url=sqlite_url, secret=key if len(key) > 8 else None)
            tally.add(AREA, bad_inputs=1)


def test_an_empty_key_is_a_usage_error(capsys, sqlite_url, box, tally):
    code = main(["credentials", "set", "--api-key", "", "--api-base", box.base_url, "--db", sqlite_url])
    err = capsys.readouterr().err
    tally.add(AREA, bad_inputs=1)
    assert code == 2 and "give --api-key" in err
    assert _stored(sqlite_url) is None


def test_a_wrong_key_is_refused_with_cloudbeds_reason(capsys, sqlite_url, box, tally):
    wrong = "cbat_" + "f" * 32
    err = _refused(
        capsys,
        ["credentials", "set", "--api-key", wrong, "--api-base", box.base_url, "--db", sqlite_url],
        before=None,
        url=sqlite_url,
        secret=wrong,
    )
    tally.add(AREA, bad_inputs=1)
    assert "rejected the API key" in err


def test_a_non_ascii_key_is_refused_readably_when_verified(capsys, sqlite_url, box, tally):
    tally.add(AREA, bad_inputs=1)
    _refused(
        capsys,
        [
            "credentials",
            "set",
            "--api-key",
            "cbat_ホテル東京ホテル東京ホテル東京",
            "--api-base",
            box.base_url,
            "--db",
            sqlite_url,
        ],
        before=None,
        url=sqlite_url,
    )


def test_a_non_ascii_key_is_not_stored_unverified(capsys, sqlite_url, box, tally):
    tally.add(AREA, bad_inputs=1)
    _refused(
        capsys,
        [
            "credentials",
            "set",
            "--api-key",
            "cbat_ホテル東京ホテル東京ホテル東京",
            "--no-verify",
            "--api-base",
            box.base_url,
            "--db",
            sqlite_url,
        ],
        before=None,
        url=sqlite_url,
    )


def test_wrong_and_malformed_property_ids_are_refused(capsys, sqlite_url, box, tally):
    before = _stored(sqlite_url)
    for pid in ["999999", "0", *SQL_METACHARACTERS, "1" * 30]:
        argv = [
            "credentials",
            "set",
            "--api-key",
            box.api_key,
            "--api-base",
            box.base_url,
            "--property-id",
            pid,
            "--db",
            sqlite_url,
        ]
        _refused(capsys, argv, before=before, url=sqlite_url, secret=box.api_key)
        tally.add(AREA, bad_inputs=1)
    for pid in [*SQL_METACHARACTERS, "12a", "1" * 30]:  # unverified: the local check alone
        argv = [
            "credentials",
            "set",
            "--api-key",
            box.api_key,
            "--api-base",
            box.base_url,
            "--no-verify",
            "--property-id",
            pid,
            "--db",
            sqlite_url,
        ]
        err = _refused(capsys, argv, before=before, url=sqlite_url, secret=box.api_key)
        assert "property id is a number" in err
        tally.add(AREA, bad_inputs=1)


def test_a_non_ascii_property_id_is_refused_readably_when_verified(capsys, sqlite_url, box, tally):
    for pid in NON_ASCII:
        tally.add(AREA, bad_inputs=1)
        _refused(
            capsys,
            [
                "credentials",
                "set",
                "--api-key",
                box.api_key,
                "--api-base",
                box.base_url,
                "--property-id",
                pid,
                "--db",
                sqlite_url,
            ],
            before=None,
            url=sqlite_url,
        )


def test_non_ascii_digits_are_not_a_property_id(capsys, sqlite_url, box, tally):
    for pid in ["١٢٣", "²³"]:
        tally.add(AREA, bad_inputs=1)
        _refused(
            capsys,
            [
                "credentials",
                "set",
                "--client-id",
                "abc",
                "--client-secret",
                "s3cret",
                "--property-id",
                pid,
                "--db",
                sqlite_url,
            ],
            before=None,
            url=sqlite_url,
        )


def test_bad_api_addresses_are_refused(capsys, sqlite_url, box, tally):
    for base in [
        *SQL_METACHARACTERS,
        "ftp://127.0.0.1/api",
        "javascript:alert(1)",
        "http://",
        "127.0.0.1:80",
    ]:
        for verify in ([], ["--no-verify"]):
            argv = [
                "credentials",
                "set",
                "--api-key",
                box.api_key,
                "--api-base",
                base,
                "--db",
                sqlite_url,
                *verify,
            ]
            _refused(capsys, argv, before=None, url=sqlite_url, secret=box.api_key)
            tally.add(AREA, bad_inputs=1)
    # A real address where nothing listens: a connection error, said plainly, after the retries.
    err = _refused(
        capsys,
        [
            "credentials",
            "set",
            "--api-key",
            box.api_key,
            "--api-base",
            "http://127.0.0.1:9/api/v1.3",
            "--db",
            sqlite_url,
        ],
        before=None,
        url=sqlite_url,
        secret=box.api_key,
    )
    tally.add(AREA, bad_inputs=1)
    assert "Could not reach" in err


def test_bad_oauth_apps_are_refused(capsys, sqlite_url, tally):
    cases = [
        ("", "secret"),
        ("abc", ""),
        ("with space", "secret"),
        ("a" * 300, "secret"),
        ("abc", "sec ret"),
        ("abc", "sec\x00ret"),
        ("abc", "é" * 3000),
    ]
    cases += [(text, "secret") for text in SQL_METACHARACTERS if " " in text]
    for client_id, secret in cases:
        argv = ["credentials", "set", "--client-id", client_id, "--client-secret", secret, "--db", sqlite_url]
        if not client_id:
            assert main(argv) == 2  # no --client-id given at all
            capsys.readouterr()
        else:
            _refused(capsys, argv, before=None, url=sqlite_url, secret=secret if len(secret) > 3 else None)
        tally.add(AREA, bad_inputs=1)


def test_hostile_but_valid_text_is_stored_exactly(capsys, sqlite_url, tally):
    """SQL metacharacters without spaces and non-ASCII ids are data, stored as given, never executed."""
    for client_id in ["x');--", "1'OR'1'='1", "Hôtel-Überfluß", "ホテル東京", "🌴"]:
        code = main(
            [
                "credentials",
                "set",
                "--client-id",
                client_id,
                "--client-secret",
                "s3cr'et;--",
                "--db",
                sqlite_url,
            ]
        )
        out = capsys.readouterr().out
        tally.add(AREA, bad_inputs=1)
        assert code == 0
        assert "s3cr'et;--" not in out
        eng = make_engine(sqlite_url)
        creds = CredentialStore(eng).load()
        eng.dispose()
        assert creds.client_id == client_id and creds.client_secret == "s3cr'et;--"


def test_bad_database_addresses_are_refused(capsys, tmp_path, tally):
    cases = [
        "'; DROP TABLE",
        "not a url",
        "postgresql+nosuchdriver://x/y",
        "mysql+pymysql://root:hunter2pass@127.0.0.1:9/x",
    ]
    for url in cases:
        code = main(["setup", "--db", url])
        out, err = capsys.readouterr()
        tally.add(AREA, bad_inputs=1)
        assert code == 1, (url, out, err)
        assert err.startswith("error:") and "Traceback" not in err
        assert "hunter2pass" not in out + err


def test_a_sqlite_path_that_cannot_be_created_is_refused_readably(capsys, tmp_path, tally):
    (tmp_path / "a-file").write_text("")
    tally.add(AREA, bad_inputs=1)
    code = main(["setup", "--db", f"sqlite:///{tmp_path}/a-file/sub/pms.sqlite3"])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error:")
