"""The least privileges of ``setup --grants`` are enough for setup and a front-desk sync, and no more.

On the test's own MariaDB (tests/db/own_mariadb.py): root creates the hotel's ADF front desk, the
printed GRANT statements create the sync's user, and that user, over TLS as from another machine,
sets the database up and syncs the sandbox into ADF's bookings and guests; what it was not granted
(changing ADF's tables, deleting bookings, dropping ours, reading ADF's other tables) is refused.
"""

from __future__ import annotations

import subprocess
import sys
import uuid

import pytest
import sqlalchemy as sa

from pms.config import PROJECT_ROOT
from pms.db.credentials import CredentialStore
from pms.db.engine import make_engine
from pms.sync import SyncContext
from tests.adf.schemas import create_front_desk
from tests.adf.steps import ready, sync
from tests.reliability.helpers import client_for


@pytest.fixture
def hotel(own_mariadb):
    name = f"adf_{uuid.uuid4().hex[:8]}"
    own_mariadb.root_sql(f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    root = make_engine(f"mysql+pymysql://root@localhost/{name}?unix_socket={own_mariadb.socket}")
    create_front_desk(root, "production")  # latin1 `settings` of the hotel's own, among others
    yield name, root
    root.dispose()
    own_mariadb.root_sql(f"DROP DATABASE {name}", f"DROP USER IF EXISTS '{name}'@'%'")


def test_the_printed_grants_suffice_for_setup_and_a_front_desk_sync(hotel, own_mariadb, box):
    name, root = hotel
    printed = subprocess.run(
        [sys.executable, "-m", "pms", "setup", "--grants", f"{name}@%", "--db", str(root.url)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert printed.returncode == 0, printed.stderr
    statements = [line for line in printed.stdout.splitlines() if line.startswith("GRANT ")]
    assert f"GRANT SELECT, INSERT, UPDATE ON `{name}`.`bookings` TO '{name}'@'%';" in statements
    assert f"GRANT SELECT ON `{name}`.`rooms` TO '{name}'@'%';" in statements
    assert f"GRANT SELECT ON `{name}`.`settings` TO '{name}'@'%';" in statements  # the hotel's: read only
    assert not any("`users`" in s or "DROP" in s or "ALL" in s for s in statements)
    own_mariadb.root_sql(f"CREATE USER '{name}'@'%' IDENTIFIED BY 'least-pw'", *statements)

    url = own_mariadb.url(name, "least-pw", name, f"ssl_ca={own_mariadb.ca}")
    setup = subprocess.run(
        [sys.executable, "-m", "pms", "setup", "--db", url],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert setup.returncode == 0, setup.stdout + setup.stderr
    engine = make_engine(url)
    try:
        CredentialStore(engine).save_api_key(box.api_key, property_id=box.property_id, api_base=box.base_url)
        ctx = SyncContext(engine, client_for(box), property_id=box.property_id)
        ready(ctx, box)
        result = sync(ctx, "full")
        assert result.status == "completed", result.error
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT COUNT(*) FROM bookings").scalar() > 0
            assert conn.exec_driver_sql("SELECT COUNT(*) FROM guests").scalar() > 0
        for denied in (
            "ALTER TABLE bookings ADD COLUMN x INT",
            "DELETE FROM bookings",
            "UPDATE rooms SET floor_number = 9",
            "DROP TABLE cloudbed_sync_log",
            "SELECT * FROM users",
        ):
            with pytest.raises(sa.exc.DBAPIError) as caught, engine.connect() as conn:
                conn.exec_driver_sql(denied)
            assert caught.value.orig.args[0] in (1142, 1143), denied
    finally:
        engine.dispose()
