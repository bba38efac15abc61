"""The append-only tables refuse TRUNCATE too.

``plan_event`` and ``audit_event`` refuse UPDATE and DELETE row by row (migrations 0002 and
0003), but a row trigger never fires on TRUNCATE, which empties a table in one statement:
"nothing is deleted" (DOMAIN.md A.9) held for every statement but the one that deletes the
most. A statement trigger refuses it, with the same function and message; ``TRUNCATE plan
CASCADE`` reaches ``plan_event`` and is refused as well.

The rollup tables are not append-only (db/rollups.py ``rebuild`` truncates them): left alone.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

APPEND_ONLY = ("audit_event", "plan_event")


def upgrade() -> None:
    for table in APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()"
        )


def downgrade() -> None:
    for table in APPEND_ONLY:
        op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
