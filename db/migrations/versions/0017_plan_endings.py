"""Every plan state ends somewhere: entries of a superseded plan read SUPERSEDED, and a plan
started from a rejected one points to it (``plan.from_plan_id``).

The entry type is rebuilt rather than extended with ``ALTER TYPE … ADD VALUE``: a value added
that way cannot be used in the transaction that adds it, and the backfill below uses it (the
whole upgrade runs in one transaction).

Revision ID: 0017
Revises: 0012
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_WITHOUT = "'PROPOSED', 'ACTIVE', 'NOT_APPROVED', 'REMOVED', 'FULFILLED', 'EXPIRED'"


def _retype(values: str) -> list[str]:
    return [
        "ALTER TYPE entry_status RENAME TO entry_status_was",
        f"CREATE TYPE entry_status AS ENUM ({values})",
        "ALTER TABLE plan_entry ALTER COLUMN status DROP DEFAULT",
        "ALTER TABLE plan_entry ALTER COLUMN status TYPE entry_status"
        " USING status::text::entry_status",
        "ALTER TABLE plan_entry ALTER COLUMN status SET DEFAULT 'PROPOSED'",
        "DROP TYPE entry_status_was",
    ]


def upgrade() -> None:
    for statement in _retype(f"{_WITHOUT}, 'SUPERSEDED'"):
        op.execute(statement)
    # Plans superseded before this revision: their entries in force end with them.
    op.execute(
        """
        UPDATE plan_entry SET status = 'SUPERSEDED'
        FROM plan
        WHERE plan.id = plan_entry.plan_id AND plan.status = 'SUPERSEDED'
            AND plan_entry.status = 'ACTIVE'
        """
    )
    op.execute(
        """
        ALTER TABLE plan ADD COLUMN from_plan_id bigint,
            ADD CONSTRAINT fk_plan_from_plan_id_plan FOREIGN KEY (from_plan_id) REFERENCES plan (id)
        """
    )


def downgrade() -> None:
    op.execute("ALTER TABLE plan DROP COLUMN from_plan_id")
    op.execute("UPDATE plan_entry SET status = 'ACTIVE' WHERE status = 'SUPERSEDED'")
    for statement in _retype(_WITHOUT):
        op.execute(statement)
