"""One worker process for several hotels: one ``Worker`` per database, all running at once.

A hotel group runs several hotels, each with its own ADF database that holds its own Cloudbeds
credentials and property. ``python -m pms worker --db URL --db URL`` (or ``--config FILE``) serves
them all from one process: every database gets its own engine, its own ``Worker`` (two threads)
and so its own Cloudbeds clients; the rate limiter is per credential, so one hotel's 5 requests/s
never slows another's. Several such processes, on several machines, may serve the same list: the
worker lease inside each database decides who works it, and whoever outlives a killed process
takes its databases over within one lease period (``pms.worker.takeover``).

A database that cannot be reached at start is tried again every ``retry_every`` seconds, so one
hotel's web host being down does not keep the others from syncing. Pools stay small (shared
hosting often allows a user only 10 to 25 connections).
"""

from __future__ import annotations

import logging
import threading
import time
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from pms.errors import ConfigurationError, PMSError

__all__ = ["Target", "WorkerGroup", "load_targets", "parallel_syncs", "worker_config"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    """One database to serve. ``url`` holds a password: it is never printed (``label`` is)."""

    name: str
    url: str = field(repr=False)

    @property
    def label(self) -> str:
        from pms.db.engine import redact_url

        return f"{self.name} ({redact_url(self.url)})" if self.name else redact_url(self.url)


def _from_file(path: Path) -> tuple[list[Target], dict[str, Any]]:
    import os

    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigurationError(f"Cannot read the worker list {path}: {exc.strerror or exc}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"The worker list {path} is not valid TOML: {exc}.") from None
    entries = doc.get("database", [])
    if not isinstance(entries, list) or not entries:
        raise ConfigurationError(f"The worker list {path} names no [[database]] (see docs/operations.md).")
    targets = []
    for n, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise ConfigurationError(f"{path}: database #{n} is not a table.")
        name = str(entry.get("name") or f"db{n}")
        url = entry.get("url")
        env = entry.get("url_env")
        if env:
            url = os.environ.get(str(env))
            if not url:
                raise ConfigurationError(
                    f"{path}: database {name!r} reads its URL from ${env}, which is not set."
                )
        if not url or not isinstance(url, str):
            raise ConfigurationError(f'{path}: database {name!r} needs url = "..." or url_env = "VAR".')
        targets.append(Target(name, url))
    options = {k: v for k, v in doc.items() if k != "database"}
    return targets, options


def load_targets(urls: list[str] | None, config: str | None) -> tuple[list[Target], dict[str, Any]]:
    """The databases to serve: ``--config FILE`` entries, then ``--db`` URLs, else the default one.

    Raises:
        ConfigurationError: the file cannot be read, or a database is listed twice.
    """
    from pms.config import database_url
    from pms.db.engine import redact_url

    targets: list[Target] = []
    options: dict[str, Any] = {}
    if config:
        targets, options = _from_file(Path(config))
    targets += [Target(f"db{len(targets) + 1 + i}", u) for i, u in enumerate(urls or [])]
    if not targets:
        targets = [Target("", database_url(None))]
    if len(targets) == 1 and not config:
        targets = [Target("", targets[0].url)]  # one database: messages as before, without a name
    seen: set[str] = set()
    for t in targets:
        key = redact_url(t.url)
        if key in seen:
            raise ConfigurationError(
                f"The database {key} is listed twice; each database is served once per worker."
            )
        seen.add(key)
    return targets, options


def parallel_syncs(value: Any) -> int | None:
    """``max_parallel_syncs`` (flag or file): a positive whole number, or None for no bound.

    Raises:
        ConfigurationError: anything else.
    """
    if value in (None, 0, "0", ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 1 or str(number) != str(value).strip():
        raise ConfigurationError(f"max_parallel_syncs must be a whole number of at least 1, got {value!r}.")
    return number


def worker_config(lease_seconds: float | None = None):
    """Timings for every worker of the group; ``lease_seconds`` sets the takeover period."""
    from pms.worker import WorkerConfig

    if lease_seconds is None:
        return WorkerConfig()
    if not 1 <= lease_seconds <= 3600:
        raise ConfigurationError("--lease-seconds must be between 1 and 3600.")
    return WorkerConfig(lease_ttl=timedelta(seconds=lease_seconds), renew_every=max(0.2, lease_seconds / 6))


@dataclass
class _Member:
    target: Target
    engine: sa.Engine | None = None
    worker: Any = None
    problem: str | None = None
    retry_at: float = 0.0


class WorkerGroup:
    """Workers for several databases in one process.

    Args:
        targets: the databases.
        config: a ``WorkerConfig`` shared by all (timings).
        retry_every: seconds between tries of a database that could not be opened.
    """

    def __init__(
        self,
        targets: list[Target],
        config: Any = None,
        *,
        retry_every: float = 60.0,
        max_parallel_syncs: int | None = None,
    ) -> None:
        self.members = [_Member(t) for t in targets]
        self.config = config
        self.retry_every = retry_every
        # None: every database syncs when it is due. A number bounds the process's memory (each
        # running sync holds its own working set) at the cost of time when many are due at once.
        self.slots = threading.BoundedSemaphore(max_parallel_syncs) if max_parallel_syncs else None
        self._lock = threading.Lock()

    def _open(self, member: _Member) -> None:
        from pms.db.credentials import has_credentials
        from pms.db.engine import make_engine
        from pms.db.setup import ensure_schema
        from pms.worker import Worker, ensure_switch_initialised

        kwargs = {}
        if sa.engine.make_url(member.target.url).get_backend_name() in ("mysql", "mariadb"):
            kwargs = {"pool_size": 4, "max_overflow": 4}
        engine = make_engine(member.target.url, **kwargs)
        try:
            ensure_schema(engine)
            if not has_credentials(engine):
                raise ConfigurationError(
                    "no Cloudbeds credentials are stored in this database "
                    "(python -m pms credentials set --db URL)"
                )
            ensure_switch_initialised(engine)
        except BaseException:
            engine.dispose()
            raise
        from pms.worker.jobs import SyncJobs

        worker = Worker(engine, SyncJobs(engine, self.slots), config=self.config)
        member.engine, member.worker, member.problem = engine, worker, None

    def open(self) -> list[_Member]:
        """Open every database not open yet (those due for a retry); the members that failed."""
        failed = []
        now = time.monotonic()
        for m in self.members:
            if m.worker is not None or now < m.retry_at:
                continue
            try:
                self._open(m)
            except (PMSError, sa.exc.SQLAlchemyError) as exc:
                m.problem = _reason(exc)
                m.retry_at = now + self.retry_every
                failed.append(m)
                log.warning(
                    "worker: %s: %s (trying again in %.0f s)", m.target.label, m.problem, self.retry_every
                )
        return failed

    @property
    def workers(self) -> list[Any]:
        return [m.worker for m in self.members if m.worker is not None]

    def start(self) -> WorkerGroup:
        """Open what can be opened and start its workers (each runs its own threads)."""
        with self._lock:
            self.open()
            for w in self.workers:
                w.start()
        return self

    def tick(self) -> None:
        """Retry databases that could not be opened; start the workers of those that now open."""
        with self._lock:
            if all(m.worker is not None for m in self.members):
                return
            before = {id(w) for w in self.workers}
            self.open()
            for w in self.workers:
                if id(w) not in before:
                    w.start()

    def once(self) -> dict[str, Any]:
        """One round for every open database at once (threads): leases, events, due syncs, alerts.

        Returns per database label: ``(held property ids, [processor reports], worker)``.
        """
        results: dict[str, Any] = {}

        def one(m: _Member) -> None:
            w = m.worker
            held = w.renew_leases()
            reports = [(pid, w.process_events(pid, force=True)) for pid in sorted(held)]
            w.run_scheduled()
            results[m.target.label] = (held, reports, w)

        self.open()
        threads = [threading.Thread(target=one, args=(m,), daemon=True) for m in self.members if m.worker]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return results

    def stop(self) -> None:
        """Stop every worker at once (each finishes its step, releases its leases), close the pools."""
        threads = [threading.Thread(target=w.stop, daemon=True) for w in self.workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        for m in self.members:
            if m.engine is not None:
                m.engine.dispose()
            m.engine, m.worker = None, None


def _reason(exc: BaseException) -> str:
    """A short, secret-free reason (SQLAlchemy errors carry the statement and parameters)."""
    if isinstance(exc, sa.exc.DBAPIError) and exc.orig is not None:
        from pms.db.remote import advice

        return f"{type(exc.orig).__name__}: {exc.orig} {advice(exc) or ''}".strip()[:600]
    return str(exc)[:300]
