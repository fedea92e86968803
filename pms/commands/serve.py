"""``python -m pms serve``: dashboard, webhook receiver, OAuth callback and worker in one server.

This is what ``make run`` runs. It serves ``server:app`` (an ``st.App``) with uvicorn on
127.0.0.1 (put a reverse proxy in front for access from other machines: docs/operations.md),
from the project root, because Streamlit resolves ``dashboard.py`` against the working directory.
``--db`` and ``--port`` are handed to the app through ``PMS_DATABASE_URL`` and ``PMS_PORT``, the
same variables the app reads when started by plain uvicorn.
"""

from __future__ import annotations

import argparse
import os
import sys

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", default=None, help="database URL (default: PMS_DATABASE_URL or data/pms.sqlite3)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="TCP port (default: PMS_PORT or 8501)")
    parser.add_argument(
        "--worker",
        choices=("embedded", "external"),
        default=None,
        help="run the background worker in this process (default) or leave it to "
        "`python -m pms worker` (PMS_WORKER)",
    )


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from pms.config import PROJECT_ROOT, server_port

    port = server_port(args.port)
    os.environ["PMS_PORT"] = str(port)
    if args.db:
        os.environ["PMS_DATABASE_URL"] = args.db
    if args.worker:
        os.environ["PMS_WORKER"] = args.worker
    os.chdir(PROJECT_ROOT)
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    print(
        f"serving the dashboard at http://{args.host}:{port}/ (webhooks at /webhooks/cloudbeds/…, "
        f"health at /healthz); Ctrl+C stops it",
        file=sys.stderr,
        flush=True,
    )
    uvicorn.run(
        "server:app",
        host=args.host,
        port=port,
        log_level="info",
        ws_max_size=200 * 1024 * 1024,  # Streamlit's default message limit (large tables)
        ws_per_message_deflate=False,
        timeout_graceful_shutdown=10,
        proxy_headers=True,
    )
    return 0
