"""What a failed connection to a remote MySQL means, and what to do about it.

The hotel's ADF database often lives on its cPanel web host, reached over the internet. The
driver's errors name a number and a socket detail; the person who reads them (at the command line,
on the Setup page, in the worker's log) needs the cause and the fix: the host's Remote MySQL
allow-list no longer has this server's IP, the server offers no TLS, its certificate does not
match the CA in the URL, the user lacks a grant. See docs/operations.md "ADF on cPanel hosting".
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = ["advice"]

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


def advice(exc: BaseException) -> str | None:
    """The cause and the fix of a MySQL connection failure, or None when it is not a known one."""
    code, text = _parts(exc)
    low = text.lower()
    if code == 2026 or "ssl is required" in low:
        return (
            "The database server offers no TLS, and a database across the network is only reached "
            "with TLS (the password would travel in clear). Ask the host to enable TLS for MySQL, "
            "or reach it through an SSH tunnel on 127.0.0.1."
        )
    if "certificate_verify_failed" in low or "certificate verify failed" in low:
        if "hostname mismatch" in low or "ip address mismatch" in low or "doesn't match" in low:
            return (
                "The database server's certificate is for another name than the host in the URL: use "
                "the name the certificate was issued for, or add ssl_verify_identity=false."
            )
        return (
            "The database server's certificate is not signed by the CA given in ssl_ca (or, without "
            "ssl_ca, by a CA this machine trusts): download the host's CA certificate and point "
            "ssl_ca at it."
        )
    if code == 1130 or "is not allowed to connect" in low:
        return _ALLOW_LIST
    if code == 2003 and ("timed out" in low or "timeout" in low):
        return (
            "No answer from the database server: its firewall drops this server's IP. "
            + _ALLOW_LIST
            + " Check also the host name and port (3306)."
        )
    if code == 1045:
        return (
            "The user name or password is wrong, or the user may not connect from this IP (on cPanel, "
            "user names carry the account prefix, e.g. hotelacct_pms)."
        )
    if code in (1044, 1142, 1143):
        return (
            "The database user lacks a privilege: print the grants it needs with "
            "python -m pms setup --grants USER@HOST."
        )
    return None
