"""Cán bộ có trình độ khoa học, công nghệ (DOMAIN.md §8 S&T ratio, glossary ``isSciTech``).

A recorded person attribute, and, like the other attributes the indicators read, a column of
the facts (as it stood at approval) and of every rollup cell that holds the person's attributes,
last in the cell's key. Existing persons, facts and cells read ``false`` (nothing recorded yet).

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# Each table with the attribute, and the key it joins (the rollup cells' primary keys).
_KEYS = {
    "rollup_entry": "ancestor_id, cycle_id, child_id, unit_kind, position_id, body, managed_by, "
    "head",
    "rollup_entry_total": "ancestor_id, cycle_id, unit_kind, position_id, body, managed_by, head",
    "rollup_person": "ancestor_id, cycle_id, child_id, unit_kind",
    "rollup_person_total": "ancestor_id, cycle_id, unit_kind",
}
_PERSON = "sex, age_band, education, theory, grade, ethnicity, minority, non_local"
_PLAIN = ("entry_fact", "entry_fact_history", "rollup_member")


def upgrade() -> None:
    op.execute("ALTER TABLE person ADD COLUMN is_sci_tech boolean DEFAULT false NOT NULL")
    for table in (*_PLAIN, *_KEYS):
        op.execute(f"ALTER TABLE {table} ADD COLUMN sci_tech boolean DEFAULT false NOT NULL")
    for table, key in _KEYS.items():
        op.execute(
            f"ALTER TABLE {table} DROP CONSTRAINT pk_{table}, "
            f"ADD CONSTRAINT pk_{table} PRIMARY KEY ({key}, {_PERSON}, sci_tech)"
        )


_COUNTED = {
    "rollup_entry": "entries",
    "rollup_entry_total": "entries",
    "rollup_person": "persons",
    "rollup_person_total": "persons",
}


def downgrade() -> None:
    for table, key in _KEYS.items():
        # The cells that differed only by the attribute merge back into one.
        cell, counted = f"{key}, {_PERSON}", _COUNTED[table]
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT pk_{table}, DROP COLUMN sci_tech")
        op.execute(
            f"CREATE TEMPORARY TABLE merged ON COMMIT DROP AS SELECT {cell}, "
            f"sum({counted})::integer AS {counted}, sum(age_months_sum)::bigint AS age_months_sum "
            f"FROM {table} GROUP BY {cell}"
        )
        op.execute(f"DELETE FROM {table}")
        op.execute(f"INSERT INTO {table} SELECT * FROM merged")
        op.execute("DROP TABLE merged")
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT pk_{table} PRIMARY KEY ({cell})")
    for table in _PLAIN:
        op.execute(f"ALTER TABLE {table} DROP COLUMN sci_tech")
    op.execute("ALTER TABLE person DROP COLUMN is_sci_tech")
