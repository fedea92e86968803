"""What the one server process runs besides the dashboard: database, demo sandbox, worker, receiver.

``server.py`` hands ``lifespan`` to ``st.App``; it runs ``start()`` before the server accepts
requests and ``stop()`` after the last one. Routes reach the running pieces through ``current()``
(a process-wide singleton, like the demo sandbox, because Streamlit hosts one app per process).

- The database is set up (``ensure_schema``) before anything else; a database that cannot be set
  up stops the server with the reason, rather than serving a dashboard that fails on every page.
- Demo mode (no stored credentials) starts the in-process sandbox and subscribes its webhooks to
  this very server, so front-desk activity made in the sandbox arrives through the real webhook
  path without any set-up.
- The worker runs in-process unless ``PMS_WORKER=external`` says ``python -m pms worker`` runs it
  (larger installs); in demo mode it always runs here, because the demo sandbox lives here.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from pms.server.access_log import install_log_redaction

__all__ = ["Runtime", "current", "invalidate_token_cache", "lifespan", "start", "stop"]

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    engine: sa.Engine
    receiver: Any  # pms.webhooks.receiver.Receiver
    worker: Any = None  # pms.worker.Worker, when it runs in this process
    demo: Any = None  # pms.connection.demo.DemoInfo in demo mode
    worker_mode: str = "embedded"
    threads: list[threading.Thread] = field(default_factory=list)


_lock = threading.Lock()
_current: Runtime | None = None


def current() -> Runtime | None:
    return _current


def _subscribe_demo(engine: sa.Engine, demo: Any) -> None:
    """Subscribe the in-process sandbox's webhooks to this server (a few calls, in the background)."""
    from pms.config import public_url, server_port
    from pms.connection import build_client
    from pms.db.apilog import ApiLogWriter
    from pms.webhooks.subscriptions import subscribe

    url = public_url() or f"http://127.0.0.1:{server_port()}"
    api_log = ApiLogWriter(engine)
    try:
        for attempt in range(1, 6):
            try:
                with build_client(engine, on_call=api_log) as client:
                    report = subscribe(engine, client, public_url=url)
                log.info("demo webhooks subscribed at %s (%d new)", report.endpoint, len(report.created))
                return
            except Exception as exc:  # e.g. a deadlock with the worker's first sync on MySQL: try again
                if attempt == 5:  # the demo still works without webhooks: the syncs pick changes up
                    log.exception("could not subscribe the demo sandbox's webhooks")
                    return
                log.info("subscribing the demo's webhooks failed (%s); trying again", type(exc).__name__)
                time.sleep(attempt)
    finally:
        api_log.close()


def _answer_public_url(engine: sa.Engine) -> None:
    """The host check also admits the public address set on the Settings page (read once here)."""
    from pms.db.settings import Settings
    from pms.server import hosts

    try:
        hosts.add_public_url(Settings(engine).public_url)
    except Exception as exc:  # an unreadable setting must not stop the server
        log.warning("could not read cloudbed_public_url for the host check (%s)", type(exc).__name__)


def _announce_setup_code(engine: sa.Engine) -> None:
    """With no account yet, print the one-time code that lets a browser create the first manager.

    Printed to this process's own console (standard error), not logged: only whoever started the
    server can read it, so reaching the address first is not enough to claim the install.
    """
    import sys

    from pms.accounts import count_users, setup_code

    if count_users(engine):
        return
    code = setup_code.issue()
    print(
        "\n  No dashboard account exists yet. To create the first manager in the browser, enter\n"
        f"  this one-time setup code: {code}\n"
        "  (or create it here: python -m pms users add NAME --role manager)\n",
        file=sys.stderr,
        flush=True,
    )


def start(database_url: str | None = None, *, mode: str | None = None) -> Runtime:
    """Set up the database and start demo sandbox, worker and receiver (idempotent)."""
    global _current
    from pms.config import database_url as configured_url
    from pms.config import demo_config, worker_mode
    from pms.db.credentials import has_credentials
    from pms.db.engine import make_engine, redact_url
    from pms.db.setup import ensure_schema
    from pms.webhooks.receiver import Receiver

    with _lock:
        if _current is not None:
            return _current
        install_log_redaction()
        url = configured_url(database_url)
        engine = make_engine(url)
        ensure_schema(engine)
        log.info("database ready at %s", redact_url(url))
        _announce_setup_code(engine)
        _answer_public_url(engine)
        mode = mode or worker_mode()
        demo = None
        if not has_credentials(engine):
            from pms.adf.demo import ensure_demo_front_desk
            from pms.connection import mark_demo_property
            from pms.connection.demo import ensure_demo

            demo = ensure_demo(**demo_config())
            # Flag the demo property once here, before the worker and the subscriber race to
            # insert its row (a deadlock on MySQL).
            mark_demo_property(engine, demo.property_id)
            ensure_demo_front_desk(engine, demo.property_id)  # the Cloudbeds bookings' destination
            if mode == "external":
                log.info("demo mode: the worker runs inside the server (the demo sandbox lives here)")
                mode = "embedded"
        worker = None
        if mode == "embedded":
            from pms.worker import Worker

            worker = Worker(engine)
        receiver = Receiver(engine, on_stored=worker.notify if worker else None)
        rt = Runtime(engine=engine, receiver=receiver, worker=worker, demo=demo, worker_mode=mode)
        if worker is not None:
            worker.start()
        if demo is not None:
            t = threading.Thread(
                target=_subscribe_demo, args=(engine, demo), name="pms-demo-webhooks", daemon=True
            )
            t.start()
            rt.threads.append(t)
        _current = rt
        return rt


def stop() -> None:
    """Stop the worker and forget the runtime (the demo sandbox stops with the process)."""
    global _current
    with _lock:
        rt, _current = _current, None
    if rt is None:
        return
    if rt.worker is not None:
        rt.worker.stop()
    rt.receiver.close()
    for t in rt.threads:
        t.join(timeout=10)
    rt.engine.dispose()


def invalidate_token_cache() -> None:
    """A token rotation in this process takes effect at once (others see it within seconds)."""
    rt = _current
    if rt is not None:
        rt.receiver.token_ok.invalidate()


@asynccontextmanager
async def lifespan(app: Any):
    """``st.App`` lifespan: start before the first request, stop after the last."""
    from starlette.concurrency import run_in_threadpool

    await run_in_threadpool(start)
    try:
        yield None
    finally:
        await run_in_threadpool(stop)
