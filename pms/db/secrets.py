"""Encryption at rest for the secrets kept in the database (API key, client secret, OAuth tokens).

The key never comes from the database itself or from its password: whoever gets a dump of the
``settings`` table must not get the hotel's Cloudbeds access with it. It is looked for in
``PMS_SECRET_KEY``, then ``pms_secret_key`` in ``.streamlit/secrets.toml``, and otherwise a key is
generated once into ``data/secret.key`` (mode 0600) for the embedded default. Several servers
sharing one MySQL database must share the key: set ``PMS_SECRET_KEY`` on each.

Values are Fernet tokens (AES-128-CBC + HMAC-SHA256) with an ``enc:v1:`` prefix, so a plaintext
value that slipped in (a hotel's legacy setting) is recognised instead of "decrypted" into garbage.
"""

from __future__ import annotations

import logging
import os
import tomllib
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from pms.config import PROJECT_ROOT, data_dir, secret_key_from_env
from pms.errors import ConfigurationError

__all__ = ["PREFIX", "SecretBox", "hint", "is_encrypted", "load_secret_key"]

log = logging.getLogger(__name__)

PREFIX = "enc:v1:"
_KEY_FILE = "secret.key"


def _from_secrets_toml() -> str | None:
    for folder in (Path.cwd(), PROJECT_ROOT):
        path = folder / ".streamlit" / "secrets.toml"
        if path.is_file():
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ConfigurationError(f"{path} could not be read: {exc}", key="pms_secret_key") from None
            value = data.get("pms_secret_key")
            if value:
                return str(value)
    return None


def _generated_key_file(create: bool) -> str | None:
    path = data_dir() / _KEY_FILE
    if path.is_file():
        return path.read_text(encoding="ascii").strip()
    if not create:
        return None
    key = Fernet.generate_key().decode("ascii")
    # O_EXCL: two processes starting together cannot both write a different key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    log.warning("generated a new secret key in %s; back it up with the database, or set PMS_SECRET_KEY", path)
    return key


def load_secret_key(create: bool = True) -> bytes:
    """The Fernet key for secrets at rest (see the module docstring for where it comes from).

    Raises:
        ConfigurationError: the configured key is not a valid Fernet key.
    """
    raw = secret_key_from_env() or _from_secrets_toml() or _generated_key_file(create)
    if not raw:
        raise ConfigurationError("No secret key: set PMS_SECRET_KEY.", key="PMS_SECRET_KEY")
    key = raw.strip().encode("ascii", "replace")
    try:
        Fernet(key)
    except ValueError:
        raise ConfigurationError(
            "PMS_SECRET_KEY (or pms_secret_key in secrets.toml) is not a valid key: it must be 32 url-safe "
            'base64-encoded bytes, e.g. from `python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"`.',
            key="PMS_SECRET_KEY",
        ) from None
    return key


def is_encrypted(value: str | None) -> bool:
    return bool(value) and value.startswith(PREFIX)


class SecretBox:
    """Encrypts and decrypts secret setting values with the project's key."""

    def __init__(self, key: bytes | None = None) -> None:
        self._fernet = Fernet(key or load_secret_key())

    def encrypt(self, plaintext: str) -> str:
        return PREFIX + self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, stored: str, *, name: str = "a secret") -> str:
        """The plaintext of a stored value.

        Raises:
            ConfigurationError: the value was encrypted with another key (the message says how
                to recover) or is not an encrypted value at all.
        """
        if not is_encrypted(stored):
            raise ConfigurationError(f"{name} is stored unencrypted; store it again to encrypt it.", key=name)
        try:
            return self._fernet.decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError):
            raise ConfigurationError(
                f"{name} was encrypted with a different secret key than the one configured now. Restore the "
                "original PMS_SECRET_KEY (or data/secret.key), or enter the credentials again.",
                key=name,
            ) from None

    def __repr__(self) -> str:
        return "SecretBox(key=••••)"


def hint(secret: str | None) -> str:
    """What the UI may show of a secret: its kind prefix and last four characters.

    ``cbat_9f2c...abcd`` → ``cbat_••••abcd``; short secrets show nothing but dots.
    """
    if not secret:
        return ""
    prefix = ""
    if "_" in secret[:8]:
        prefix = secret[: secret.index("_") + 1]
    if len(secret) - len(prefix) < 12:
        return prefix + "••••"
    return f"{prefix}••••{secret[-4:]}"
