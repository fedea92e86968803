"""The one server process: the dashboard plus our own routes, and what runs beside them.

``runtime`` sets up the database and starts the demo sandbox, the worker and the webhook
receiver (``server.py`` hands its ``lifespan`` to ``st.App``); ``routes`` are the webhook, OAuth
callback and ``/healthz`` endpoints; ``access_log`` keeps their secrets out of uvicorn's log.
"""
