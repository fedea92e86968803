"""The one server: the dashboard plus webhook, OAuth-callback and health routes, and the worker.

Run it with ``python -m pms serve`` (what ``make run`` does), or ``uvicorn server:app`` from the
project root. Everything it does lives in ``pms.server.runtime``, ``pms.server.routes`` and
``pms.server.hosts``; this file only wires them into ``st.App``, including Streamlit's own host
check for the dashboard's WebSocket (``server.allowedHosts``), set from the same list as ours.
"""

from contextlib import asynccontextmanager

import streamlit as st
from starlette.middleware import Middleware
from streamlit import config as streamlit_config

from pms.server import hosts, runtime
from pms.server.routes import routes


@asynccontextmanager
async def lifespan(app):
    async with runtime.lifespan(app):
        # After start-up, which adds the public address set in the dashboard to the list.
        streamlit_config.set_option("server.allowedHosts", hosts.allowed())
        yield


app = st.App("dashboard.py", routes=routes(), lifespan=lifespan, middleware=[Middleware(hosts.HostCheck)])
