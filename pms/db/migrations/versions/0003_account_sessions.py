"""Accounts: ids never reused, and a session version per account.

On SQLite ``app_user`` had no AUTOINCREMENT, so the id of a removed account went to the next
account created, and a session that still remembered the old id became the new person. The table
is rebuilt with AUTOINCREMENT (rows and ids kept; SQLite's counter starts after the highest id).
MySQL/MariaDB never reuse AUTO_INCREMENT ids, so there only ``session_version`` is added: bumped by
a password or role change and by switching the account off, it ends the account's open sessions.
The ``app_session`` table itself is created by setup's table pass, like any new table.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-10
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _version_column() -> sa.Column:
    return sa.Column("session_version", sa.Integer(), nullable=False, server_default="1")


def upgrade() -> None:
    bind = op.get_bind()
    insp = sa.inspect(bind)
    if "app_user" not in insp.get_table_names():
        return  # created whole by setup's table pass
    has_version = "session_version" in {c["name"] for c in insp.get_columns("app_user")}
    if bind.dialect.name == "sqlite":
        with op.batch_alter_table(
            "app_user", recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ) as batch:
            if not has_version:
                batch.add_column(_version_column())
    elif not has_version:
        op.add_column("app_user", _version_column())


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("session_version")
