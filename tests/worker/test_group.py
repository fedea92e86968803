"""One worker process for several databases: the list, its errors, and one round over two hotels."""

from __future__ import annotations

import subprocess
import sys

import pytest
import sqlalchemy as sa

from pms.config import PROJECT_ROOT, host_id
from pms.db import leases, schema
from pms.db.credentials import CredentialStore
from pms.db.engine import make_engine
from pms.db.setup import ensure_schema
from pms.errors import ConfigurationError
from pms.worker.group import Target, WorkerGroup, load_targets, worker_config


def test_the_list_comes_from_flags_and_a_file_with_urls_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("HOTEL_B_URL", "mysql+pymysql://pms:s3cret@db.hotel-b.test/adf")
    listing = tmp_path / "w.toml"
    listing.write_text(
        'lease_seconds = 30\n[[database]]\nname = "a"\nurl = "sqlite:///a.db"\n'
        '[[database]]\nname = "b"\nurl_env = "HOTEL_B_URL"\n'
    )
    targets, options = load_targets(["sqlite:///c.db"], str(listing))
    assert [t.name for t in targets] == ["a", "b", "db3"] and options == {"lease_seconds": 30}
    assert "s3cret" not in repr(targets) and "s3cret" not in targets[1].label
    assert load_targets(["sqlite:///only.db"], None)[0] == [Target("", "sqlite:///only.db")]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[[database]]\nname = 'x'\n", "needs url"),
        ("[[database]]\nurl_env = 'PMS_NOT_SET_ANYWHERE'\n", "not set"),
        ("database = [", "not valid TOML"),
        ("lease_seconds = 5\n", "names no [[database]]"),
        ("[[database]]\nurl = 'sqlite:///a.db'\n[[database]]\nurl = 'sqlite:///a.db'\n", "listed twice"),
    ],
)
def test_a_bad_list_is_refused_with_the_reason(tmp_path, text, says):
    listing = tmp_path / "w.toml"
    listing.write_text(text)
    with pytest.raises(ConfigurationError, match=says.replace("[", r"\[")):
        load_targets(None, str(listing))


def test_lease_seconds_set_the_takeover_period():
    cfg = worker_config(12)
    assert cfg.lease_ttl.total_seconds() == 12 and cfg.renew_every == 2
    with pytest.raises(ConfigurationError):
        worker_config(0)


def test_the_host_id_names_the_lease_owner(monkeypatch):
    monkeypatch.setenv("PMS_HOST_ID", "web 2:eu")
    assert host_id() == "web-2-eu"
    assert leases.new_owner("worker").startswith("web-2-eu:")


def test_a_database_that_cannot_be_opened_does_not_stop_the_others(tmp_path, sandbox_factory):
    box = sandbox_factory(rate_limit=None, reservations=30)
    good = f"sqlite:///{tmp_path / 'good.sqlite3'}"
    engine = make_engine(good)
    ensure_schema(engine)
    CredentialStore(engine).save_api_key(box.api_key, property_id=box.property_id, api_base=box.base_url)
    empty = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    group = WorkerGroup([Target("good", good), Target("empty", empty)], worker_config(5))
    try:
        failed = group.open()
        assert [m.target.name for m in failed] == ["empty"] and "credentials" in failed[0].problem
        results = group.once()
        assert list(results) == [group.members[0].target.label]
        held, _, worker = next(iter(results.values()))
        assert held == {box.property_id} and worker.stats.errors == 0
    finally:
        group.stop()
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.reservasi)).scalar() == 30
    engine.dispose()


def test_worker_once_serves_two_hotels_from_one_process(tmp_path, sandbox_factory, monkeypatch):
    import os

    from cryptography.fernet import Fernet

    key = Fernet.generate_key().decode()
    monkeypatch.setenv("PMS_SECRET_KEY", key)
    urls, engines = [], []
    for n in range(2):
        box = sandbox_factory(rate_limit=None, reservations=20 + n, seed=7 + n)
        url = f"sqlite:///{tmp_path / f'h{n}.sqlite3'}"
        eng = make_engine(url)
        ensure_schema(eng)
        CredentialStore(eng).save_api_key(box.api_key, property_id=box.property_id, api_base=box.base_url)
        urls.append(url)
        engines.append(eng)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PMS_")},
        "PMS_SECRET_KEY": key,
        "PMS_DATA_DIR": str(tmp_path / "data"),
        "PMS_TEST_MODE": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "pms", "worker", "--once", "--db", urls[0], "--db", urls[1]],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for n, eng in enumerate(engines):
        with eng.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(schema.reservasi)).scalar() == 20 + n
        eng.dispose()


def test_the_example_worker_list_in_deploy_reads(monkeypatch):
    monkeypatch.setenv("PMS_DB_BALI", "mysql+pymysql://acct_pms:pw@bali.example:3306/acct_adf")
    monkeypatch.setenv("PMS_DB_LOMBOK", "mysql+pymysql://acct_pms:pw@lombok.example:3306/acct_adf")
    targets, options = load_targets(None, str(PROJECT_ROOT / "deploy" / "workers.toml.example"))
    assert [t.name for t in targets] == ["bali", "lombok"] and options == {"lease_seconds": 60}
    for unit in ("pms-worker@.service", "pms-dashboard@.service"):
        text = (PROJECT_ROOT / "deploy" / "systemd" / unit).read_text()
        assert "ExecStart=/opt/pms/.venv/bin/python -m pms " in text and "%i" in text


def test_max_parallel_syncs_bounds_the_syncs_running_at_once(tmp_path, sandbox_factory):
    from pms.worker.group import parallel_syncs

    assert parallel_syncs("2") == 2 and parallel_syncs(None) is None and parallel_syncs(0) is None
    for bad in ("x", "-1", "1.5"):
        with pytest.raises(ConfigurationError, match="max_parallel_syncs"):
            parallel_syncs(bad)
    targets, engines = [], []
    for n in range(2):
        box = sandbox_factory(rate_limit=None, reservations=40, seed=20 + n)
        url = f"sqlite:///{tmp_path / f'p{n}.sqlite3'}"
        eng = make_engine(url)
        ensure_schema(eng)
        CredentialStore(eng).save_api_key(box.api_key, property_id=box.property_id, api_base=box.base_url)
        targets.append(Target(f"p{n}", url))
        engines.append(eng)
    group = WorkerGroup(targets, worker_config(5), max_parallel_syncs=1)
    try:
        group.once()
    finally:
        group.stop()
    spans = []
    for eng in engines:
        with eng.connect() as conn:
            spans += conn.execute(
                sa.select(
                    schema.cloudbed_sync_log.c.started_at, schema.cloudbed_sync_log.c.finished_at
                ).where(schema.cloudbed_sync_log.c.mode == "full")
            ).all()
        eng.dispose()
    (_, first_end), (second_start, _) = sorted(spans)
    assert first_end <= second_start, spans  # one after the other, never together


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--config", "no-such-list.toml"], "Cannot read the worker list"),
        (["--db", "sqlite:///a.db", "--lease-seconds", "0"], "--lease-seconds"),
        (["--db", "sqlite:///a.db", "--max-parallel-syncs", "many"], "max_parallel_syncs"),
    ],
)
def test_bad_worker_flags_stop_with_a_clear_error(tmp_path, monkeypatch, capsys, args, says):
    from pms.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["worker", "--once", *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and says in err and "Traceback" not in err
    assert not (tmp_path / "a.db").exists()  # refused before any database was touched
