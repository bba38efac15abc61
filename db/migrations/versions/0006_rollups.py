"""Facts and rollups of approved entries, kept at write time, for statistics at any level.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# The person attributes a statistic can be grouped by, as they stood when the entry was approved.
_PERSON_KEY = """
        sex text NOT NULL,
        age_band smallint NOT NULL,
        education text NOT NULL,
        theory text NOT NULL,
        grade text NOT NULL,
        ethnicity text NOT NULL,
        minority boolean NOT NULL,
        non_local boolean NOT NULL
"""

UPGRADE = [
    f"""
    CREATE TABLE entry_fact (
        entry_id bigint NOT NULL,
        plan_id bigint NOT NULL,
        cycle_id bigint NOT NULL,
        person_id bigint NOT NULL,
        unit_id bigint NOT NULL,
        unit_path ltree NOT NULL,
        unit_kind unit_kind NOT NULL,
        position_id bigint NOT NULL,
        body text NOT NULL,
        managed_by unit_kind NOT NULL,
        head boolean NOT NULL,
        age_months integer NOT NULL,
        {_PERSON_KEY},
        CONSTRAINT pk_entry_fact PRIMARY KEY (entry_id)
    )
    """,
    "CREATE INDEX ix_entry_fact_unit_path ON entry_fact USING gist (unit_path)",
    # Entries per ancestor (every unit on the path), cycle and cell: additive, so an approval
    # adds its entries to the rows of each ancestor and a reopening takes them away.
    f"""
    CREATE TABLE rollup_entry (
        ancestor_id bigint NOT NULL,
        cycle_id bigint NOT NULL,
        child_id bigint NOT NULL,
        unit_kind unit_kind NOT NULL,
        position_id bigint NOT NULL,
        body text NOT NULL,
        managed_by unit_kind NOT NULL,
        head boolean NOT NULL,
        {_PERSON_KEY},
        entries integer NOT NULL,
        age_months_sum bigint NOT NULL,
        CONSTRAINT pk_rollup_entry PRIMARY KEY (ancestor_id, cycle_id, child_id, unit_kind,
            position_id, body, managed_by, head, sex, age_band, education, theory, grade,
            ethnicity, minority, non_local)
    )
    """,
    # Which persons count under an ancestor (with how many entries), and in which cell: a
    # person counts once however many positions they are planned for.
    f"""
    CREATE TABLE rollup_member (
        ancestor_id bigint NOT NULL,
        cycle_id bigint NOT NULL,
        person_id bigint NOT NULL,
        entries integer NOT NULL,
        child_id bigint NOT NULL,
        unit_kind unit_kind NOT NULL,
        age_months integer NOT NULL,
        {_PERSON_KEY},
        CONSTRAINT pk_rollup_member PRIMARY KEY (ancestor_id, cycle_id, person_id)
    )
    """,
    f"""
    CREATE TABLE rollup_person (
        ancestor_id bigint NOT NULL,
        cycle_id bigint NOT NULL,
        child_id bigint NOT NULL,
        unit_kind unit_kind NOT NULL,
        {_PERSON_KEY},
        persons integer NOT NULL,
        age_months_sum bigint NOT NULL,
        CONSTRAINT pk_rollup_person PRIMARY KEY (ancestor_id, cycle_id, child_id, unit_kind,
            sex, age_band, education, theory, grade, ethnicity, minority, non_local)
    )
    """,
]

DOWNGRADE = [
    "DROP TABLE rollup_person",
    "DROP TABLE rollup_member",
    "DROP TABLE rollup_entry",
    "DROP TABLE entry_fact",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
