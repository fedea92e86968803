"""Alembic migrations for schema changes after the first release (see ``pms.db.setup``)."""
