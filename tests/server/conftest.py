"""Fixtures that start the real server against a fresh database."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from pms.db.engine import make_engine
from pms.db.secrets import SecretBox

from .helpers import ServerProcess


@pytest.fixture
def start_server(tmp_path):
    """``start_server(db_url, **env)`` → a running ServerProcess; all are stopped after the test."""
    started = []

    def start(db_url: str, **env: str) -> ServerProcess:
        server = ServerProcess(db_url, tmp_path, env=env).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def server_box(tmp_path):
    """A secret key and SecretBox shared with a server started by the test."""
    key = Fernet.generate_key().decode()
    return key, SecretBox(key.encode())


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """One demo-mode server on SQLite for the read-mostly route tests of a module."""
    workdir = tmp_path_factory.mktemp("demo-server")
    server = ServerProcess(f"sqlite:///{workdir / 'pms.sqlite3'}", workdir).start()
    server.engine = make_engine(server.db_url)
    server.box = SecretBox(server.secret_key.encode())
    yield server
    server.stop()
    server.engine.dispose()
