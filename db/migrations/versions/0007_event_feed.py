"""The transaction id of each plan event, so that the change feed never skips one.

Event ids come from a sequence, so a transaction still open can commit an event with a lower
id than one already read. The feed orders by transaction id instead and serves only events of
transactions older than every transaction still running (``pg_snapshot_xmin``).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE plan_event ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id()")
    op.execute("CREATE INDEX ix_plan_event_txid_id ON plan_event (txid, id)")


def downgrade() -> None:
    op.execute("ALTER TABLE plan_event DROP COLUMN txid")
