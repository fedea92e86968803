"""Baseline: the first released schema.

``pms.db.setup`` creates a new database straight from ``pms.db.schema`` and stamps it with the
newest revision, so this revision has nothing to do. Later revisions change installed databases
in place (``op.add_column`` ...); bump ``schema.SCHEMA_VERSION`` with each.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
