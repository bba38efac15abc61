"""Submission deadlines a province sets per cycle and kind of unit (DOMAIN.md §3.4, §5.4).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE deadline (
            province_id bigint NOT NULL,
            cycle_id bigint NOT NULL,
            unit_kind unit_kind NOT NULL,
            due_on date NOT NULL,
            set_by bigint,
            set_at timestamptz NOT NULL,
            CONSTRAINT pk_deadline PRIMARY KEY (province_id, cycle_id, unit_kind),
            CONSTRAINT fk_deadline_province_id_unit FOREIGN KEY (province_id) REFERENCES unit (id),
            CONSTRAINT fk_deadline_cycle_id_cycle FOREIGN KEY (cycle_id) REFERENCES cycle (id),
            CONSTRAINT fk_deadline_set_by_app_user FOREIGN KEY (set_by) REFERENCES app_user (id)
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE deadline")
