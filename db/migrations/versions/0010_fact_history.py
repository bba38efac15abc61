"""The history of counted facts, so that statistics can be asked as of a past day.

``entry_fact`` holds what counts now and forgets a fact when its plan is reopened or
superseded; ``entry_fact_history`` keeps each fact with the moments it started and stopped
counting. Facts counting today are backfilled from their plan's decision.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

UPGRADE = [
    """
    CREATE TABLE entry_fact_history (
        LIKE entry_fact,
        counted_from timestamptz NOT NULL,
        counted_to timestamptz,
        id bigint GENERATED ALWAYS AS IDENTITY,
        CONSTRAINT pk_entry_fact_history PRIMARY KEY (id),
        CONSTRAINT ck_entry_fact_history_period
            CHECK (counted_to IS NULL OR counted_to >= counted_from)
    )
    """,
    "CREATE INDEX ix_entry_fact_history_unit_path ON entry_fact_history USING gist (unit_path)",
    # Reopening or superseding closes the open facts of one plan.
    """
    CREATE INDEX ix_entry_fact_history_open_plan ON entry_fact_history (plan_id)
    WHERE counted_to IS NULL
    """,
    """
    INSERT INTO entry_fact_history
    SELECT f.*, coalesce(p.decided_at, now()), NULL  -- the identity column takes its default
    FROM entry_fact f JOIN plan p ON p.id = f.plan_id
    """,
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE entry_fact_history")
