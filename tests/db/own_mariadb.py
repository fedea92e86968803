"""A MariaDB server of the test's own, with TLS, standing in for the hotel's remote web host.

The shared CI server (``PMS_TEST_MYSQL_URL``) has no TLS and its user may not create users, so
the TLS and least-privilege tests start their own ``mariadbd`` (Debian's package) once per session:
its own data folder under a temporary directory, its own port on 127.0.0.1, a self-signed CA and a
server certificate for ``db.hotel.test`` made with ``openssl``. That name must resolve to
127.0.0.1 (``.ci/run`` adds it to /etc/hosts), so the client sees a non-local host, as it would
a cPanel server. Start-up costs about a second.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["HOST", "OwnMariaDB", "missing", "start"]

HOST = "db.hotel.test"
MARIADBD = Path("/usr/sbin/mariadbd")


@dataclass
class OwnMariaDB:
    folder: Path
    port: int
    proc: subprocess.Popen

    @property
    def socket(self) -> Path:
        return self.folder / "mysqld.sock"

    @property
    def ca(self) -> Path:
        return self.folder / "ca.pem"

    @property
    def other_ca(self) -> Path:
        """A CA that did not sign the server's certificate."""
        return self.folder / "other-ca.pem"

    def root_sql(self, *statements: str) -> list[tuple]:
        """Run statements as root over the Unix socket; the last one's rows."""
        import pymysql

        conn = pymysql.connect(unix_socket=str(self.socket), user="root", autocommit=True)
        try:
            rows: list[tuple] = []
            with conn.cursor() as cur:
                for statement in statements:
                    cur.execute(statement)
                    rows = list(cur.fetchall())
            return rows
        finally:
            conn.close()

    def url(self, user: str, password: str, database: str, query: str = "") -> str:
        return f"mysql+pymysql://{user}:{password}@{HOST}:{self.port}/{database}" + (
            f"?{query}" if query else ""
        )

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        shutil.rmtree(self.folder, ignore_errors=True)


def missing() -> str | None:
    """Why the server cannot be started here, or None."""
    for tool in ("mariadb-install-db", "openssl"):
        if shutil.which(tool) is None:
            return f"{tool} not installed (apt-get install -y mariadb-server openssl)"
    if not MARIADBD.exists():
        return f"{MARIADBD} not installed (apt-get install -y mariadb-server)"
    try:
        address = socket.gethostbyname(HOST)
    except OSError:
        address = None
    if address != "127.0.0.1":
        return f"{HOST} does not resolve to 127.0.0.1: add '127.0.0.1 {HOST}' to /etc/hosts (.ci/run does)"
    return None


def _openssl(folder: Path, *args: str) -> None:
    subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True, timeout=60)


def _certificates(folder: Path) -> None:
    for name in ("ca", "other-ca"):
        _openssl(
            folder,
            *("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-subj", f"/CN=Test {name}", "-keyout", f"{name}.key", "-out", f"{name}.pem"),
        )
    _openssl(
        folder,
        *("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={HOST}"),
        *("-keyout", "server.key", "-out", "server.csr"),
    )
    (folder / "san.ext").write_text(f"subjectAltName=DNS:{HOST}\n")
    _openssl(
        folder,
        *("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial"),
        *("-days", "2", "-extfile", "san.ext", "-out", "server.pem"),
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(folder: Path) -> OwnMariaDB:
    """Create the data folder, the certificates, and start the server; raises when it does not come up."""
    folder.mkdir(parents=True, exist_ok=True)
    _certificates(folder)
    as_root = ["--user=root"] if os.geteuid() == 0 else []
    subprocess.run(
        [
            "mariadb-install-db",
            "--no-defaults",
            f"--datadir={folder / 'data'}",
            "--auth-root-authentication-method=socket",
            "--skip-test-db",
            *as_root,
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = _free_port()
    proc = subprocess.Popen(
        [
            str(MARIADBD),
            "--no-defaults",
            *as_root,
            f"--datadir={folder / 'data'}",
            f"--socket={folder / 'mysqld.sock'}",
            f"--pid-file={folder / 'mysqld.pid'}",
            f"--log-error={folder / 'error.log'}",
            f"--port={port}",
            "--bind-address=127.0.0.1",
            "--skip-name-resolve",
            "--skip-log-bin",
            "--innodb-buffer-pool-size=16M",
            f"--ssl-ca={folder / 'ca.pem'}",
            f"--ssl-cert={folder / 'server.pem'}",
            f"--ssl-key={folder / 'server.key'}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = OwnMariaDB(folder, port, proc)
    deadline = time.monotonic() + 60
    while True:
        try:
            server.root_sql("SELECT 1")
            return server
        except Exception:
            if proc.poll() is not None or time.monotonic() > deadline:
                log = (
                    (folder / "error.log").read_text(errors="replace")[-1500:]
                    if (folder / "error.log").exists()
                    else ""
                )
                server.stop()
                raise RuntimeError(f"the test's own MariaDB did not start: {log}") from None
            time.sleep(0.1)
