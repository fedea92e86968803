"""Run a sandbox on a loopback port in a background thread (tests, demo mode, benchmarks).

The socket is bound before uvicorn starts, so ``port=0`` yields a free port that is known at once
and no other process can grab it in between. ``start()`` returns when the server accepts requests;
``stop()`` shuts it down and joins the thread. A ``Sandbox`` is also a context manager.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time

import uvicorn

from pms.sandbox.app import build_app
from pms.sandbox.backend import Backend
from pms.sandbox.config import SandboxConfig

__all__ = ["Sandbox"]

log = logging.getLogger(__name__)


class Sandbox:
    """A running (or ready to run) local Cloudbeds.

    Example:
        >>> box = Sandbox(SandboxConfig(seed=42, reservations=2000, rate_limit=5.0)).start()
        >>> box.base_url        # "http://127.0.0.1:<port>/api/v1.3"
        >>> box.stop()
    """

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.backend = Backend(self.config)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.port: int | None = None

    # --- what clients need ----------------------------------------------------------------------

    @property
    def root_url(self) -> str:
        if self.port is None:
            raise RuntimeError("the sandbox is not started")
        return f"http://{self.config.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/api/v1.3"

    @property
    def api_key(self) -> str:
        return self.config.api_key  # type: ignore[return-value]

    @property
    def client_id(self) -> str:
        return self.config.client_id  # type: ignore[return-value]

    @property
    def client_secret(self) -> str:
        return self.config.client_secret  # type: ignore[return-value]

    @property
    def property_id(self) -> str:
        return self.backend.store.property.property_id

    @property
    def store(self):
        """The live data, for tests of the sandbox itself (other packages use the admin API)."""
        return self.backend.store

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self, timeout: float = 10.0) -> Sandbox:
        if self._thread is not None:
            return self
        # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose proto
        # says TCP, and without it headers and body meet Nagle + delayed ACK (40 ms per response).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.config.host, self.config.port))
        sock.listen(2048)
        sock.setblocking(False)
        self._socket = sock
        self.port = sock.getsockname()[1]
        uv_config = uvicorn.Config(
            build_app(self.backend),
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=1,
            timeout_keep_alive=30,
        )
        self._server = uvicorn.Server(uv_config)
        self._thread = threading.Thread(target=self._serve, name=f"sandbox-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the sandbox did not start on {self.config.host}:{self.port}")
            time.sleep(0.01)
        return self

    def _serve(self) -> None:
        assert self._server is not None and self._socket is not None
        # A private event loop: the host process (Streamlit, pytest) may run its own elsewhere.
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(self._server.serve(sockets=[self._socket]))
        except Exception:  # pragma: no cover - reported, not raised, from a daemon thread
            log.exception("sandbox server stopped with an error")
        finally:
            loop.close()

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()
        self.backend.close()
        self._thread = None
        self._server = None
        self._socket = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.root_url if self.port else "not started"
        return f"Sandbox({where}, property_id={self.property_id!r}, seed={self.config.seed})"
