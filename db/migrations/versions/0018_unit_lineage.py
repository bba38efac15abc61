"""Lineage of a reorganisation (DOMAIN.md A.11): which units a unit continues, and the
predecessor subtrees it therefore reads.

- ``unit_lineage``: one row per (predecessor, successor), with the day the successor took over.
  A split predecessor (one old commune shared by several new ones) has several rows.
- ``unit_inherited``: for every unit, the minimal roots of the predecessor subtrees it reads
  through lineage (its own predecessors and those of every unit below it, transitively, less
  those already inside its own subtree or under another of its roots). It is derived from
  ``unit_lineage`` and the tree by ``db.lineage.refresh_inherited`` and is what scope and the
  rollups read, so that "who reads what" has one home.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE unit_lineage (
            predecessor_id bigint NOT NULL,
            successor_id bigint NOT NULL,
            effective date NOT NULL,
            CONSTRAINT pk_unit_lineage PRIMARY KEY (predecessor_id, successor_id),
            CONSTRAINT fk_unit_lineage_predecessor_id_unit
                FOREIGN KEY (predecessor_id) REFERENCES unit (id),
            CONSTRAINT fk_unit_lineage_successor_id_unit
                FOREIGN KEY (successor_id) REFERENCES unit (id),
            CONSTRAINT ck_unit_lineage_not_itself CHECK (predecessor_id <> successor_id)
        )
        """
    )
    op.execute("CREATE INDEX ix_unit_lineage_successor_id ON unit_lineage (successor_id)")
    op.execute(
        """
        CREATE TABLE unit_inherited (
            unit_id bigint NOT NULL,
            root_id bigint NOT NULL,
            root_path ltree NOT NULL,
            CONSTRAINT pk_unit_inherited PRIMARY KEY (unit_id, root_id),
            CONSTRAINT fk_unit_inherited_unit_id_unit FOREIGN KEY (unit_id) REFERENCES unit (id),
            CONSTRAINT fk_unit_inherited_root_id_unit FOREIGN KEY (root_id) REFERENCES unit (id)
        )
        """
    )
    op.execute(
        "CREATE INDEX ix_unit_inherited_root_path_gist ON unit_inherited USING gist (root_path)"
    )


def downgrade() -> None:
    op.execute("DROP TABLE unit_inherited")
    op.execute("DROP TABLE unit_lineage")
