"""Figures carry over until a successor's consolidation is approved (issue 12, point 5).

A fact counts under every unit on its path and under every unit that reads it through lineage
(``unit_inherited``, migration 0018). ``inheritance_ended`` records, per successor and cycle, the
moment its consolidation was approved: from then on that unit (and only it) stops counting its
predecessors' entries of the cycle (``db.rollups.end_inheritance``). Statistics as of an earlier
moment still count them (``at`` is compared with the moment asked for).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE inheritance_ended (
            unit_id bigint NOT NULL,
            cycle_id bigint NOT NULL,
            at timestamp with time zone NOT NULL,
            CONSTRAINT pk_inheritance_ended PRIMARY KEY (unit_id, cycle_id),
            CONSTRAINT fk_inheritance_ended_unit_id_unit FOREIGN KEY (unit_id) REFERENCES unit (id),
            CONSTRAINT fk_inheritance_ended_cycle_id_cycle
                FOREIGN KEY (cycle_id) REFERENCES cycle (id)
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE inheritance_ended")
