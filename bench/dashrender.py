"""AppTest render times of the Overview and Reservations pages (run in a fresh child process).

The real ``dashboard.py`` with its login gate, on the database given, logged in as a manager the
way the login form leaves the session. Imports and the script's one-time set-up are warmed by a
first run (the login form) that is not timed; then each page is rendered cold (its queries not
cached yet: what a manager sees first) and once more warm (cached, what every later click costs).
"""

from __future__ import annotations

import os
import time
from typing import Any

__all__ = ["run"]

PAGES = {"overview": "app_pages/overview.py", "reservations": "app_pages/reservations.py"}


def run(args: dict[str, Any]) -> dict[str, Any]:
    os.environ["PMS_DATABASE_URL"] = args["db_url"]
    from streamlit.testing.v1 import AppTest

    from bench.procs import ROOT
    from pms import accounts
    from pms.accounts import sessions
    from pms.db.engine import make_engine

    engine = make_engine(args["db_url"])
    user = accounts.get_user(engine, "bench") or accounts.create_user(
        engine, "bench", "a long enough passphrase", role="manager"
    )
    dashboard = str(ROOT / "dashboard.py")
    warm = AppTest.from_file(dashboard, default_timeout=120)
    warm.run()  # login form: imports, set-up (not timed)
    out: dict[str, Any] = {}
    for name, path in PAGES.items():
        at = AppTest.from_file(dashboard, default_timeout=120)
        at.session_state["pms_session_id"] = sessions.open_session(engine, user).id
        at.session_state["pms_lang"] = "en"
        t = time.perf_counter()
        at.run()  # the logged-in landing page is the Overview
        landing = time.perf_counter() - t
        if name == "overview":
            cold = landing
        else:
            t = time.perf_counter()
            at.switch_page(path).run()
            cold = time.perf_counter() - t
        errors = [e.value for e in at.exception] + [e.value for e in at.error]
        t = time.perf_counter()
        at.run()
        warm_s = time.perf_counter() - t
        out[name] = {
            "cold_s": cold,
            "warm_s": warm_s,
            "errors": [str(e)[:300] for e in errors],
            "tables": len(at.dataframe),
            "metrics": len(at.metric),
            "title": [x.value for x in at.title][:1],
        }
    engine.dispose()
    return out
