"""The lock files: every installed package pinned with its hashes, and installed only from them.

``requirements.txt`` / ``requirements-dev.txt`` name what the project asks for; ``make lock``
compiles them into ``requirements.lock`` / ``requirements-dev.lock``, which pin the packages those
pull in as well (urllib3, protobuf, pyarrow, ...), each with the hashes of its files. ``make run``
and ``make test`` install with ``--require-hashes``, so a file that differs from the one locked is
refused, and ``.ci/audit`` audits the whole lock.
"""

from __future__ import annotations

import re
from importlib import metadata

import pytest

from pms.config import PROJECT_ROOT

LOCKS = {"requirements.txt": "requirements.lock", "requirements-dev.txt": "requirements-dev.lock"}
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def _name(raw: str) -> str:
    return re.sub(r"[-_.]+", "-", raw).lower()


def _pins(path) -> dict[str, str]:
    pins = {}
    for line in (PROJECT_ROOT / path).read_text().splitlines():
        match = _PIN.match(line.strip())
        if match:
            pins[_name(match.group(1))] = match.group(2)
    return pins


def _entries(path) -> dict[str, list[str]]:
    """Each locked package with the lines that belong to it (its pin, hashes and comments)."""
    entries: dict[str, list[str]] = {}
    current = None
    for line in (PROJECT_ROOT / path).read_text().splitlines():
        match = _PIN.match(line)
        if match:
            current = _name(match.group(1))
            entries[current] = [line]
        elif current and line.startswith("    "):
            entries[current].append(line)
    return entries


@pytest.mark.parametrize("wanted,lock", list(LOCKS.items()))
def test_every_pin_is_in_its_lock_at_the_same_version(wanted, lock):
    asked, locked = _pins(wanted), _pins(lock)
    assert asked, wanted
    stale = {
        name: (version, locked.get(name)) for name, version in asked.items() if locked.get(name) != version
    }
    assert not stale, f"{lock} is out of date (run `make lock`): {stale}"


@pytest.mark.parametrize("lock", list(LOCKS.values()))
def test_every_locked_package_carries_hashes(lock):
    entries = _entries(lock)
    assert len(entries) > 30
    unhashed = [name for name, lines in entries.items() if not any("--hash=sha256:" in x for x in lines)]
    assert not unhashed


def test_packages_pulled_in_by_others_are_pinned_too():
    runtime = _pins("requirements.lock")
    for name in ("urllib3", "protobuf", "pyarrow", "pillow", "jinja2", "websockets", "numpy", "pip"):
        assert name in runtime, name
    assert not set(runtime) - set(_pins("requirements-dev.lock"))


def test_the_dev_lock_keeps_the_runtime_versions():
    runtime, dev = _pins("requirements.lock"), _pins("requirements-dev.lock")
    assert {name: dev.get(name) for name in runtime} == runtime


def test_make_installs_only_from_the_locks_with_hashes_required():
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    installs = [line.strip() for line in makefile.splitlines() if "pip install" in line]
    assert installs
    for line in installs:
        assert "--require-hashes" in line and re.search(r"-r requirements(-dev)?\.lock\b", line), line


def test_this_environment_is_the_dev_lock():
    """What the tests run on is exactly what the lock says (nothing floated in beside it)."""
    locked = _pins("requirements-dev.lock")
    installed = {_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    differs = {name: (version, installed.get(name)) for name, version in locked.items()}
    differs = {k: v for k, v in differs.items() if v[0] != v[1]}
    assert not differs
