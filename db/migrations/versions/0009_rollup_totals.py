"""Rollups without the child dimension, a histogram of titles, and the indexes approvals need.

Measured on the national-scale bench data (bench/README.md): a statistic of the national root
read ~150,000 ``rollup_entry`` cells (one set per province), and the title indicators every
cell each unit of the subtree holds for itself (~400 ms). Statistics not grouped or filtered by
child unit now read ``rollup_entry_total`` / ``rollup_person_total`` (the child summed out:
~15,000 and ~3,000 cells at the root, whatever the size of the subtree), and the title
indicators ``rollup_title`` (per position and number of entries, how many planning units of the
subtree have that many: a few hundred rows).

Approving or reopening a plan looked facts up by plan, person and (unit, position), and members
by person, with no index for any: each was a sequential scan of every fact (~600,000) or member
(~1.2 million); emptied rows were looked for among every row of the ancestors. ``progress``
joined plans to their planning unit with no index either.

Existing rows are derived from the rollups and facts already kept.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_PERSON_COLUMNS = "sex, age_band, education, theory, grade, ethnicity, minority, non_local"
_PERSON_TYPES = """
        sex text NOT NULL,
        age_band smallint NOT NULL,
        education text NOT NULL,
        theory text NOT NULL,
        grade text NOT NULL,
        ethnicity text NOT NULL,
        minority boolean NOT NULL,
        non_local boolean NOT NULL
"""
_ENTRY_CELL = f"unit_kind, position_id, body, managed_by, head, {_PERSON_COLUMNS}"

_COUNTED = {
    "rollup_entry": "entries",
    "rollup_entry_total": "entries",
    "rollup_person": "persons",
    "rollup_person_total": "persons",
    "rollup_title": "units",
}

UPGRADE = [
    f"""
    CREATE TABLE rollup_entry_total (
        ancestor_id bigint NOT NULL,
        cycle_id bigint NOT NULL,
        unit_kind unit_kind NOT NULL,
        position_id bigint NOT NULL,
        body text NOT NULL,
        managed_by unit_kind NOT NULL,
        head boolean NOT NULL,
        {_PERSON_TYPES},
        entries integer NOT NULL,
        age_months_sum bigint NOT NULL,
        CONSTRAINT pk_rollup_entry_total PRIMARY KEY (ancestor_id, cycle_id, {_ENTRY_CELL})
    )
    """,
    f"""
    INSERT INTO rollup_entry_total (ancestor_id, cycle_id, {_ENTRY_CELL}, entries, age_months_sum)
    SELECT ancestor_id, cycle_id, {_ENTRY_CELL}, sum(entries), sum(age_months_sum)
    FROM rollup_entry GROUP BY ancestor_id, cycle_id, {_ENTRY_CELL}
    """,
    f"""
    CREATE TABLE rollup_person_total (
        ancestor_id bigint NOT NULL,
        cycle_id bigint NOT NULL,
        unit_kind unit_kind NOT NULL,
        {_PERSON_TYPES},
        persons integer NOT NULL,
        age_months_sum bigint NOT NULL,
        CONSTRAINT pk_rollup_person_total PRIMARY KEY (ancestor_id, cycle_id, unit_kind,
            {_PERSON_COLUMNS})
    )
    """,
    f"""
    INSERT INTO rollup_person_total (ancestor_id, cycle_id, unit_kind, {_PERSON_COLUMNS},
                                     persons, age_months_sum)
    SELECT ancestor_id, cycle_id, unit_kind, {_PERSON_COLUMNS}, count(*), sum(age_months)
    FROM rollup_member GROUP BY ancestor_id, cycle_id, unit_kind, {_PERSON_COLUMNS}
    """,
    """
    CREATE TABLE rollup_title (
        ancestor_id bigint NOT NULL,
        cycle_id bigint NOT NULL,
        position_id bigint NOT NULL,
        entries integer NOT NULL,
        units integer NOT NULL,
        CONSTRAINT pk_rollup_title PRIMARY KEY (ancestor_id, cycle_id, position_id, entries)
    )
    """,
    """
    INSERT INTO rollup_title (ancestor_id, cycle_id, position_id, entries, units)
    SELECT a.id, t.cycle_id, t.position_id, t.entries, count(*)
    FROM (SELECT unit_path, cycle_id, position_id, count(*) AS entries FROM entry_fact
          GROUP BY unit_id, unit_path, cycle_id, position_id) t
    JOIN unit a ON a.path @> t.unit_path
    GROUP BY 1, 2, 3, 4
    """,
    # Rows an approval or a reopening emptied are deleted in the same transaction: these stay
    # all but empty, and find them without reading every row of the ancestors (the national
    # root's included).
    *(
        f"CREATE INDEX ix_{table}_emptied ON {table} (ancestor_id) WHERE {counted} = 0"
        for table, counted in _COUNTED.items()
    ),
    "CREATE INDEX ix_entry_fact_plan_id ON entry_fact (plan_id)",
    "CREATE INDEX ix_entry_fact_person_id_cycle_id ON entry_fact (person_id, cycle_id)",
    """
    CREATE INDEX ix_entry_fact_unit_id_cycle_id_position_id
    ON entry_fact (unit_id, cycle_id, position_id)
    """,
    "CREATE INDEX ix_rollup_member_person_id_cycle_id ON rollup_member (person_id, cycle_id)",
    "CREATE INDEX ix_plan_planning_unit_id_cycle_id ON plan (planning_unit_id, cycle_id)",
]

DOWNGRADE = [
    "DROP INDEX ix_plan_planning_unit_id_cycle_id",
    "DROP INDEX ix_rollup_member_person_id_cycle_id",
    "DROP INDEX ix_entry_fact_unit_id_cycle_id_position_id",
    "DROP INDEX ix_entry_fact_person_id_cycle_id",
    "DROP INDEX ix_entry_fact_plan_id",
    *(f"DROP INDEX ix_{table}_emptied" for table in _COUNTED),
    "DROP TABLE rollup_title",
    "DROP TABLE rollup_person_total",
    "DROP TABLE rollup_entry_total",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
