"""What a failed connection to a remote MySQL means, and what to do about it.

The hotel's ADF database often lives on its cPanel web host, reached over the internet. The
driver's errors name a number and a socket detail; the person who reads them (at the command line,
on the Setup page, in the worker's log) needs the cause and the fix: the host's Remote MySQL
allow-list no longer has this server's IP, the server offers no TLS, its certificate does not
match the CA in the URL, the user lacks a grant. See docs/operations.md "ADF on cPanel hosting".
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = ["ADVICE", "advice", "advice_kind"]

_ALLOW_LIST = (
    "The web host refuses connections from this server's IP address: add it under cPanel → "
    "Remote MySQL (Add Access Host), or ask the host to (they may have rotated their allow-list "
    "or this server's IP changed)."
)


def _parts(exc: BaseException) -> tuple[int | None, str]:
    orig = getattr(exc, "orig", None) if isinstance(exc, sa.exc.DBAPIError) else exc
    args = getattr(orig, "args", ()) or ()
    code = args[0] if args and isinstance(args[0], int) else None
    text = " ".join(str(a) for a in args[1:]) if code is not None else str(orig)
    return code, text


ADVICE = {
    "no_tls": (
        "The database server offers no TLS, and a database across the network is only reached "
        "with TLS (the password would travel in clear). Ask the host to enable TLS for MySQL, "
        "or reach it through an SSH tunnel on 127.0.0.1."
    ),
    "name": (
        "The database server's certificate is for another name than the host in the URL: use "
        "the name the certificate was issued for, or add ssl_verify_identity=false."
    ),
    "ca": (
        "The database server's certificate is not signed by the CA given in ssl_ca (or, without "
        "ssl_ca, by a CA this machine trusts): download the host's CA certificate and point "
        "ssl_ca at it."
    ),
    "allow_list": _ALLOW_LIST,
    "firewall": (
        "No answer from the database server: its firewall drops this server's IP. "
        + _ALLOW_LIST
        + " Check also the host name and port (3306)."
    ),
    "password": (
        "The user name or password is wrong, or the user may not connect from this IP (on cPanel, "
        "user names carry the account prefix, e.g. hotelacct_pms)."
    ),
    "grants": (
        "The database user lacks a privilege: print the grants it needs with "
        "python -m pms setup --grants USER@HOST."
    ),
}


def advice_kind(exc: BaseException) -> str | None:
    """Which known MySQL connection failure ``exc`` is (a key of ``ADVICE``), or None."""
    code, text = _parts(exc)
    low = text.lower()
    if code == 2026 or "ssl is required" in low:
        return "no_tls"
    if "certificate_verify_failed" in low or "certificate verify failed" in low:
        if "hostname mismatch" in low or "ip address mismatch" in low or "doesn't match" in low:
            return "name"
        return "ca"
    if code == 1130 or "is not allowed to connect" in low:
        return "allow_list"
    if code == 2003 and ("timed out" in low or "timeout" in low):
        return "firewall"
    if code == 1045:
        return "password"
    if code in (1044, 1142, 1143):
        return "grants"
    return None


def advice(exc: BaseException) -> str | None:
    """The cause and the fix of a MySQL connection failure (English, for logs and the command
    line; the dashboard shows ``error.db.<kind>``), or None when it is not a known one."""
    kind = advice_kind(exc)
    return ADVICE[kind] if kind else None
