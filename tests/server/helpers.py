"""Run the real server (``python -m pms serve``) as a subprocess on a free loopback port.

Tests talk HTTP to it and read the database it writes. The server and the test share the
database URL and the secret key (passed explicitly: the test process's own environment is reset
per test by the root conftest), so the test can read the webhook token and the stored tokens.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from cryptography.fernet import Fernet

from pms.config import PROJECT_ROOT


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float = 15.0, interval: float = 0.05):
    from conftest import WAIT_SCALE  # the root tests/conftest.py

    deadline = time.monotonic() + timeout * WAIT_SCALE
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(interval)


class ServerProcess:
    def __init__(
        self, db_url: str, workdir: Path, *, env: dict[str, str] | None = None, secret_key: str | None = None
    ) -> None:
        self.db_url = db_url
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.secret_key = secret_key or Fernet.generate_key().decode()
        self.log_path = workdir / f"server-{self.port}.log"
        self.extra_env = env or {}
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> ServerProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PMS_")}
        env.update(
            {
                "PMS_DATABASE_URL": self.db_url,
                "PMS_DATA_DIR": str(self.workdir / "data"),
                "PMS_SECRET_KEY": self.secret_key,
                "PMS_DEMO_RESERVATIONS": "120",
                "PMS_DEMO_RATE_LIMIT": "0",
                "PMS_TEST_MODE": "1",
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.extra_env)
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (the server writes to it until stop())
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pms", "-v", "serve", "--port", str(self.port)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"the server exited with {self.proc.returncode}:\n{self.log()[-3000:]}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=2).status_code in (200, 503):
                    return self
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"the server did not answer within {timeout} s:\n{self.log()[-3000:]}")
            time.sleep(0.1)

    def health(self) -> dict:
        return requests.get(f"{self.url}/healthz", timeout=10).json()

    def demo_base_url(self, timeout: float = 30.0) -> str:
        """The demo sandbox's API address, as the server logs it at start (``-v``); anonymous
        ``/healthz`` callers are not told it."""
        import re

        def found():
            match = re.search(r"demo sandbox listening at (http://127\.0\.0\.1:\d+/api/v1\.3)", self.log())
            return match.group(1) if match else None

        return wait_for(found, timeout=timeout)

    def post_webhook(
        self, token: str, body=None, *, data: bytes | None = None, headers=None
    ) -> requests.Response:
        if data is None:
            return requests.post(
                f"{self.url}/webhooks/cloudbeds/{token}", json=body, timeout=10, headers=headers
            )
        return requests.post(f"{self.url}/webhooks/cloudbeds/{token}", data=data, timeout=10, headers=headers)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()
        code = self.proc.returncode
        self.proc = None
        return code
