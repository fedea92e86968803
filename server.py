"""The one server: the dashboard plus webhook, OAuth-callback and health routes, and the worker.

Run it with ``python -m pms serve`` (what ``make run`` does), or ``uvicorn server:app`` from the
project root. Everything it does lives in ``pms.server.runtime`` and ``pms.server.routes``.
"""

import streamlit as st

from pms.server.routes import routes
from pms.server.runtime import lifespan

app = st.App("dashboard.py", routes=routes(), lifespan=lifespan)
