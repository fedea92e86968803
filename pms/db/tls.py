"""TLS for MySQL/MariaDB: off on this machine, required (and verified when asked) across a network.

A hotel's ADF database usually lives on its cPanel web host and is reached over the internet,
where the password and guests' personal data must not travel in clear. PyMySQL on its own only
*prefers* TLS: a server (or something in between) that offers none gets the password in clear.
So for any host but this machine TLS is **required**: the connection is refused before the
password is sent when the server offers no TLS.

The URL decides how much is verified (the names follow PyMySQL's and MySQL's own options):

- ``?ssl_ca=/path/ca.pem``: the server's certificate must be signed by that CA and name the host
  in the URL (``ssl_verify_identity=false`` drops the name check, e.g. when connecting by IP);
- ``?ssl_verify_cert=true`` without a CA: verified against the system's CAs (a host whose MySQL
  certificate comes from a public CA);
- neither: encrypted, but the server is not authenticated (the host's self-signed default);
- ``ssl_cert`` / ``ssl_key``: a client certificate, for hosts that ask for one;
- ``?ssl_disabled=true``: no TLS (a private network only; a tunnel is better: see operations.md).

On ``localhost`` / ``127.0.0.1`` / a Unix socket TLS stays off unless the URL asks for it: it
protects nothing there and PyMySQL builds a fresh TLS context for every connection (~23 ms,
measured under the webhook burst). Across the network one context is built per engine.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pms.errors import ConfigurationError

__all__ = ["LOCAL_HOSTS", "tls_connect_args"]

LOCAL_HOSTS = (None, "", "localhost", "127.0.0.1", "::1")
_ASKING = ("ssl_ca", "ssl_capath", "ssl_cert", "ssl_key", "ssl_verify_cert", "ssl_verify_identity")
_KEYS = (*_ASKING, "ssl_disabled")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _flag(opts: dict[str, str], key: str, default: bool) -> bool:
    raw = opts.get(key)
    if raw is None:
        return default
    value = str(raw).strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(
        f"The database URL's {key}={raw!r} is neither true nor false.", key="PMS_DATABASE_URL"
    )


def _file(opts: dict[str, str], key: str) -> str | None:
    raw = opts.get(key)
    if raw is None:
        return None
    path = Path(str(raw)).expanduser()
    if not path.exists() or (key != "ssl_capath" and not path.is_file()):
        raise ConfigurationError(
            f"The database URL's {key} names {path}, which does not exist or is not a file.",
            key="PMS_DATABASE_URL",
        )
    return str(path)


def _context(opts: dict[str, str]) -> ssl.SSLContext:
    ca, capath = _file(opts, "ssl_ca"), _file(opts, "ssl_capath")
    cert, key = _file(opts, "ssl_cert"), _file(opts, "ssl_key")
    verify_cert = _flag(opts, "ssl_verify_cert", bool(ca or capath))
    verify_identity = _flag(opts, "ssl_verify_identity", verify_cert)
    if verify_identity and not verify_cert:
        raise ConfigurationError(
            "The database URL asks to check the server's name (ssl_verify_identity) without checking "
            "its certificate: give ssl_ca=... or ssl_verify_cert=true.",
            key="PMS_DATABASE_URL",
        )
    try:
        if verify_cert:
            ctx = ssl.create_default_context(cafile=ca, capath=capath)
        else:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = verify_identity
        ctx.verify_mode = ssl.CERT_REQUIRED if verify_cert else ssl.CERT_NONE
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        # MySQL's and MariaDB's own self-signed certificates lack extensions the strict mode wants.
        ctx.verify_flags &= ~getattr(ssl, "VERIFY_X509_STRICT", 0)
        if cert:
            ctx.load_cert_chain(cert, keyfile=key)
    except (ssl.SSLError, OSError) as exc:
        raise ConfigurationError(
            f"The TLS files in the database URL cannot be used: {exc}. ssl_ca must be a PEM CA "
            "certificate, ssl_cert/ssl_key a PEM certificate and its key.",
            key="PMS_DATABASE_URL",
        ) from None
    return ctx


def tls_connect_args(host: str | None, query: Mapping[str, Any]) -> dict[str, Any]:
    """PyMySQL's connect arguments for the URL's host and TLS options (``query``: the URL's query).

    The options stay in the URL (the Setup page shows them); the arguments returned override
    what SQLAlchemy would hand PyMySQL from them.

    Raises:
        ConfigurationError: a flag is not true/false, a file is missing or unusable, or the URL
            both disables TLS and asks for it.
    """
    opts = {k: (v[-1] if isinstance(v, tuple) else v) for k, v in query.items() if k in _KEYS}
    asked = any(k in opts for k in _ASKING)
    # PyMySQL would build its own context from these and not require TLS: ours decides instead.
    args: dict[str, Any] = dict.fromkeys(("ssl_verify_cert", "ssl_verify_identity", "ssl_disabled"))
    if _flag(opts, "ssl_disabled", False):
        if asked:
            raise ConfigurationError(
                "The database URL both disables TLS (ssl_disabled) and sets TLS options; choose one.",
                key="PMS_DATABASE_URL",
            )
        return {**args, "ssl": None, "ssl_disabled": True}
    if (host in LOCAL_HOSTS or "unix_socket" in query) and not asked:
        return {**args, "ssl": None, "ssl_disabled": True}
    # An SSLContext (rather than PyMySQL's ssl_* arguments) makes TLS required even when nothing
    # is verified: PyMySQL refuses a server without TLS before it sends the password.
    return {**args, "ssl": _context(opts)}
