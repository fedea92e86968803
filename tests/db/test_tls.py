"""TLS to a remote MySQL: verified with a CA, refused with a clear reason when it cannot be had.

The remote host is the test's own MariaDB (tests/db/own_mariadb.py) reached as ``db.hotel.test``;
the server without TLS is the shared CI MariaDB reached by the same name.
"""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from pms.db.engine import make_engine
from pms.db.setup import setup_database
from pms.errors import ConfigurationError, DatabaseSetupError

from .own_mariadb import HOST


@pytest.fixture(scope="module")
def remote(own_mariadb):
    """A database and a user on the own server; the user may connect from anywhere, as on cPanel."""
    name = f"hotel_{uuid.uuid4().hex[:8]}"
    own_mariadb.root_sql(
        f"CREATE DATABASE {name} CHARACTER SET utf8mb4",
        f"CREATE USER '{name}'@'%' IDENTIFIED BY 'tls-pw'",
        f"GRANT ALL ON {name}.* TO '{name}'@'%'",
    )
    yield lambda query="": own_mariadb.url(name, "tls-pw", name, query)
    own_mariadb.root_sql(f"DROP DATABASE {name}", f"DROP USER '{name}'@'%'")


def _cipher(url: str) -> str:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql("SHOW SESSION STATUS LIKE 'Ssl_cipher'").one()[1]
    finally:
        engine.dispose()


def test_a_ca_in_the_url_gives_a_verified_tls_connection_that_setup_uses(remote, own_mariadb):
    url = remote(f"ssl_ca={own_mariadb.ca}")
    assert _cipher(url).startswith("TLS")
    engine = make_engine(url)
    try:
        assert setup_database(engine).ok
    finally:
        engine.dispose()


def test_a_remote_host_without_a_ca_is_still_encrypted(remote):
    assert _cipher(remote()).startswith("TLS")


def test_a_wrong_ca_is_refused_with_the_reason_and_the_fix(remote, own_mariadb):
    engine = make_engine(remote(f"ssl_ca={own_mariadb.other_ca}"))
    try:
        with pytest.raises(DatabaseSetupError) as caught:
            setup_database(engine)
    finally:
        engine.dispose()
    message = str(caught.value)
    assert "CERTIFICATE_VERIFY_FAILED" in message
    assert "not signed by the CA given in ssl_ca" in message
    assert "tls-pw" not in message


def test_a_certificate_for_another_name_is_refused_unless_the_name_check_is_off(remote, own_mariadb):
    by_ip = remote(f"ssl_ca={own_mariadb.ca}").replace(HOST, "127.0.0.1")
    engine = make_engine(by_ip)  # TLS asked for explicitly: honoured on this machine too
    try:
        with pytest.raises(DatabaseSetupError, match="certificate is for another name"):
            setup_database(engine)
    finally:
        engine.dispose()
    assert _cipher(by_ip + "&ssl_verify_identity=false").startswith("TLS")


def test_a_server_without_tls_is_refused_before_the_password_is_sent(mysql_admin):
    plain = mysql_admin.url.set(host=HOST)
    with mysql_admin.connect() as conn:
        if conn.exec_driver_sql("SHOW VARIABLES LIKE 'have_ssl'").one()[1] == "YES":
            pytest.skip("the shared MariaDB offers TLS; this test needs a server without it")
    engine = make_engine(plain)
    try:
        with pytest.raises(DatabaseSetupError) as caught:
            setup_database(engine)
    finally:
        engine.dispose()
    message = str(caught.value)
    assert "offers no TLS" in message and "SSH tunnel" in message
    assert f":{mysql_admin.url.password}@" not in message and ":***@" in message


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("ssl_verify_cert=maybe", "neither true nor false"),
        ("ssl_ca=/nonexistent/ca.pem", "does not exist"),
        ("ssl_disabled=true&ssl_ca=/etc/hosts", "choose one"),
        ("ssl_verify_cert=false&ssl_verify_identity=true", "without checking"),
    ],
)
def test_contradictory_or_broken_tls_options_are_refused_before_connecting(query, says):
    with pytest.raises(ConfigurationError, match=says):
        make_engine(f"mysql+pymysql://u:p@{HOST}:3306/hotel?{query}")


def test_tls_stays_off_on_this_machine_unless_asked(mysql_admin):
    engine = make_engine(mysql_admin.url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW SESSION STATUS LIKE 'Ssl_cipher'").one()[1] == ""
            assert conn.execute(sa.text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("code", "text", "says"),
    [
        (1130, "Host '198.51.100.4' is not allowed to connect to this MariaDB server", "Remote MySQL"),
        (2003, "Can't connect to MySQL server on 'db.hotel.test' (timed out)", "firewall drops"),
        (1045, "Access denied for user 'pms'@'198.51.100.4' (using password: YES)", "account prefix"),
        (1142, "INSERT command denied to user 'pms'@'%' for table 'bookings'", "setup --grants"),
        (2003, "Can't connect to MySQL server on '127.0.0.1' ([Errno 111] Connection refused)", None),
    ],
)
def test_the_errors_of_a_remote_host_come_with_their_fix(code, text, says):
    """What the driver raises when a web host's allow-list, firewall or grants refuse us (the
    allow-list cases cannot be staged on one machine: every address here is 127.0.0.1)."""
    import pymysql

    from pms.db.remote import advice

    exc = sa.exc.OperationalError("SELECT 1", {}, pymysql.err.OperationalError(code, text))
    hint = advice(exc)
    assert (hint is None) if says is None else (says in hint), hint
