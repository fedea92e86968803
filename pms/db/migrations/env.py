"""Alembic environment: always run from ``pms.db.setup`` with a live connection.

Setup hands its connection over in ``config.attributes["connection"]``, so migrations run inside
the same transaction (on SQLite) and against the same database the report describes.
"""

from alembic import context

from pms.db.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable by running the alembic CLI by hand
    raise SystemExit("Run migrations through `python -m pms setup`, which passes the database connection.")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
