"""Process configuration: where the database is, which port to serve, where local state lives.

Every ``PMS_*`` environment variable is read here and nowhere else, so one file lists what an
operator can set. Precedence is always: explicit argument (a ``--db`` flag) > environment
(``PMS_*``) > default.
Settings that a manager changes at run time (auto-sync interval, push switch, credentials) are not
here: they live in the database ``settings`` table (see ``pms.db.settings``), because several
processes (dashboard, worker, CLI) must agree on them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

__all__ = [
    "PROJECT_ROOT",
    "allowed_hosts",
    "data_dir",
    "database_url",
    "database_url_from_env",
    "demo_config",
    "find_openapi_spec",
    "host_id",
    "in_test_mode",
    "instance_name",
    "public_url",
    "secret_key_from_env",
    "server_port",
    "worker_mode",
]

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The folder for the embedded default's local state (SQLite file, secret key file).

    ``PMS_DATA_DIR`` overrides it; the default is ``data/`` in the checkout, which git ignores.
    The folder is created on demand, readable by its owner only (0700): it holds password hashes,
    guests' personal data and the secret key. A folder created earlier with wider rights is
    narrowed when it is ours to change.
    """
    path = Path(os.environ.get("PMS_DATA_DIR") or PROJECT_ROOT / "data")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(0o700)
    except OSError:  # not ours (a shared mount): leave it as the operator set it
        pass
    return path


def database_url(explicit: str | None = None) -> str:
    """The SQLAlchemy URL of the hotel database.

    Anchored to the checkout rather than the working directory, so that ``make run``, the worker
    and ``python -m pms`` started from anywhere all open the same file.
    """
    if explicit:
        return explicit
    env = database_url_from_env()
    if env:
        return env
    return f"sqlite:///{data_dir() / 'pms.sqlite3'}"


def database_url_from_env() -> str | None:
    """``PMS_DATABASE_URL`` when it is set (the dashboard then ignores ``secrets.toml``)."""
    return os.environ.get("PMS_DATABASE_URL") or None


def server_port(explicit: int | None = None) -> int:
    """Port of the dashboard server (``PMS_PORT``, default 8501)."""
    if explicit:
        return explicit
    raw = os.environ.get("PMS_PORT") or "8501"
    try:
        port = int(raw)
    except ValueError:
        from pms.errors import ConfigurationError

        raise ConfigurationError(f"PMS_PORT must be a port number, got {raw!r}", key="PMS_PORT") from None
    if not 0 < port < 65536:
        from pms.errors import ConfigurationError

        raise ConfigurationError(f"PMS_PORT must be between 1 and 65535, got {port}", key="PMS_PORT")
    return port


def public_url() -> str | None:
    """``PMS_PUBLIC_URL``: where browsers and Cloudbeds reach this server, when set."""
    return (os.environ.get("PMS_PUBLIC_URL") or "").strip() or None


def allowed_hosts() -> list[str]:
    """Host names the server answers to: ``PMS_PUBLIC_URL``'s host, the names in
    ``PMS_ALLOWED_HOSTS`` (comma separated, ``*.example.com`` allowed) and loopback.

    A request naming any other host (a DNS-rebinding page, a mistyped proxy) is refused.
    """
    from urllib.parse import urlsplit

    hosts = ["localhost", "127.0.0.1", "::1"]
    url = public_url()
    if url:
        host = urlsplit(url if "//" in url else f"//{url}").hostname
        if host:
            hosts.append(host.lower())
    for raw in (os.environ.get("PMS_ALLOWED_HOSTS") or "").split(","):
        name = raw.strip().lower()
        if name and name not in hosts:
            hosts.append(name)
    return list(dict.fromkeys(hosts))


def host_id() -> str:
    """This machine's name in lease owners: ``PMS_HOST_ID``, else the host name (40 characters).

    Workers on several machines serve the same databases; a lease names its holder
    ``host:pid:...``, so two machines must not share a name (containers often all call themselves
    ``localhost``: set ``PMS_HOST_ID`` there). Colons and spaces become dashes.
    """
    import socket

    raw = (os.environ.get("PMS_HOST_ID") or "").strip() or socket.gethostname() or "host"
    return "".join("-" if ch in ": \t\n" else ch for ch in raw)[:40]


def instance_name() -> str:
    """``PMS_INSTANCE``: which hotel this server is, when one machine serves several (``""`` if unset).

    One server runs per hotel database (docs/operations.md, "Several hotels"); browsers share
    cookies between ports of one host, so each server names its session cookie after its instance
    (``pms_session_<instance>``) and a manager stays logged in to every hotel at once. The systemd
    template units set it from the unit's instance name. Letters, digits, ``-`` and ``_`` only.
    """
    raw = (os.environ.get("PMS_INSTANCE") or "").strip()
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in raw)[:40]


def in_test_mode() -> bool:
    """``PMS_TEST_MODE=1``: the test suite runs; plain-http loopback addresses may be configured."""
    return os.environ.get("PMS_TEST_MODE") == "1"


def worker_mode() -> str:
    """``embedded`` (default) or ``external`` (``PMS_WORKER=external``: ``python -m pms worker`` runs it)."""
    value = (os.environ.get("PMS_WORKER") or "embedded").strip().lower()
    return "external" if value in ("external", "off", "none", "0", "no") else "embedded"


def demo_config() -> dict[str, Any]:
    """Optional knobs for a smaller demo sandbox (tests): ``PMS_DEMO_RESERVATIONS``, ``PMS_DEMO_RATE_LIMIT``.

    Raises:
        ConfigurationError: a knob is not a number.
    """
    config: dict[str, Any] = {}
    try:
        if os.environ.get("PMS_DEMO_RESERVATIONS"):
            config["reservations"] = int(os.environ["PMS_DEMO_RESERVATIONS"])
        if os.environ.get("PMS_DEMO_RATE_LIMIT"):
            config["rate_limit"] = float(os.environ["PMS_DEMO_RATE_LIMIT"]) or None
    except ValueError as exc:
        from pms.errors import ConfigurationError

        raise ConfigurationError(
            f"PMS_DEMO_RESERVATIONS / PMS_DEMO_RATE_LIMIT must be numbers ({exc})"
        ) from None
    return config


def secret_key_from_env() -> str | None:
    """``PMS_SECRET_KEY``: the key for secrets at rest, when the operator sets it."""
    return os.environ.get("PMS_SECRET_KEY") or None


def find_openapi_spec(version: str = "1.3") -> Path | None:
    """Locate the official Cloudbeds OpenAPI spec, which the project reads but never copies.

    Looked for in ``PMS_CLOUDBEDS_SPEC_DIR``, then ``../shared/cloudbeds`` beside the checkout.
    """
    name = f"pms-v{version}-openapi.yaml"
    candidates = []
    env = os.environ.get("PMS_CLOUDBEDS_SPEC_DIR")
    if env:
        candidates.append(Path(env))
    candidates.append(PROJECT_ROOT.parent / "shared" / "cloudbeds")
    for folder in candidates:
        if (folder / name).is_file():
            return folder / name
    return None
