"""Consolidation after a reorganisation (DOMAIN.md A.11): a successor's first plan for a cycle
approved before it starts from its predecessors' approved entries, each kept with its origin.

- ``plan.kind`` gains ``CONSOLIDATION``. It takes the place of the unit's next-term plan for the
  cycle and approving tier: the partial unique index that allowed one live ``NEXT_TERM`` plan
  now allows one live plan of either kind (a unit cannot consolidate and plan the term anew at
  once; once the consolidation is approved, annual reviews build on it).
- ``plan_entry.origin_unit_id / origin_plan_id / origin_entry_id``: the predecessor unit, plan
  and entry a consolidation's entry comes from (all three or none).
- ``consolidation_leftover``: the approved entries of a consolidation's origin plans whose title
  has no successor (district titles): listed on the plan for the approving tier, not copied.
- ``consolidation_keep``: who keeps each person of a predecessor for a cycle, written when a
  consolidation is approved. Its primary key is the race guard: of two successors of a split
  predecessor approving the same person at once, the second waits for the first and finds its
  row (``PERSON_TAKEN``).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

_LIVE = "status NOT IN ('SUPERSEDED', 'WITHDRAWN', 'REJECTED')"


def upgrade() -> None:
    op.execute("ALTER TABLE plan DROP CONSTRAINT ck_plan_kind")
    op.execute(
        "ALTER TABLE plan ADD CONSTRAINT ck_plan_kind"
        " CHECK (kind IN ('NEXT_TERM', 'ANNUAL_REVIEW', 'CONSOLIDATION'))"
    )
    op.execute("DROP INDEX ux_plan_next_term")
    op.execute(
        "CREATE UNIQUE INDEX ux_plan_next_term ON plan (planning_unit_id, cycle_id, managed_by)"
        f" WHERE kind IN ('NEXT_TERM', 'CONSOLIDATION') AND {_LIVE}"
    )
    op.execute(
        """
        ALTER TABLE plan_entry
            ADD COLUMN origin_unit_id bigint,
            ADD COLUMN origin_plan_id bigint,
            ADD COLUMN origin_entry_id bigint,
            ADD CONSTRAINT fk_plan_entry_origin_unit_id_unit
                FOREIGN KEY (origin_unit_id) REFERENCES unit (id),
            ADD CONSTRAINT fk_plan_entry_origin_plan_id_plan
                FOREIGN KEY (origin_plan_id) REFERENCES plan (id),
            ADD CONSTRAINT fk_plan_entry_origin_entry_id_plan_entry
                FOREIGN KEY (origin_entry_id) REFERENCES plan_entry (id),
            ADD CONSTRAINT ck_plan_entry_origin_whole CHECK (
                (origin_unit_id IS NULL) = (origin_plan_id IS NULL)
                AND (origin_plan_id IS NULL) = (origin_entry_id IS NULL))
        """
    )
    op.execute(
        "CREATE INDEX ix_plan_entry_origin_entry_id ON plan_entry (origin_entry_id)"
        " WHERE origin_entry_id IS NOT NULL"
    )
    op.execute(
        """
        CREATE TABLE consolidation_leftover (
            plan_id bigint NOT NULL,
            origin_entry_id bigint NOT NULL,
            CONSTRAINT pk_consolidation_leftover PRIMARY KEY (plan_id, origin_entry_id),
            CONSTRAINT fk_consolidation_leftover_plan_id_plan
                FOREIGN KEY (plan_id) REFERENCES plan (id),
            CONSTRAINT fk_consolidation_leftover_origin_entry_id_plan_entry
                FOREIGN KEY (origin_entry_id) REFERENCES plan_entry (id)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE consolidation_keep (
            origin_unit_id bigint NOT NULL,
            cycle_id bigint NOT NULL,
            person_id bigint NOT NULL,
            unit_id bigint NOT NULL,
            plan_id bigint NOT NULL,
            kept_at timestamp with time zone NOT NULL,
            CONSTRAINT pk_consolidation_keep PRIMARY KEY (origin_unit_id, cycle_id, person_id),
            CONSTRAINT fk_consolidation_keep_origin_unit_id_unit
                FOREIGN KEY (origin_unit_id) REFERENCES unit (id),
            CONSTRAINT fk_consolidation_keep_cycle_id_cycle
                FOREIGN KEY (cycle_id) REFERENCES cycle (id),
            CONSTRAINT fk_consolidation_keep_person_id_person
                FOREIGN KEY (person_id) REFERENCES person (id),
            CONSTRAINT fk_consolidation_keep_unit_id_unit
                FOREIGN KEY (unit_id) REFERENCES unit (id),
            CONSTRAINT fk_consolidation_keep_plan_id_plan FOREIGN KEY (plan_id) REFERENCES plan (id)
        )
        """
    )
    op.execute("CREATE INDEX ix_consolidation_keep_plan_id ON consolidation_keep (plan_id)")


def downgrade() -> None:
    op.execute("DROP TABLE consolidation_keep")
    op.execute("DROP TABLE consolidation_leftover")
    op.execute("DROP INDEX ix_plan_entry_origin_entry_id")
    op.execute(
        "ALTER TABLE plan_entry DROP COLUMN origin_entry_id, DROP COLUMN origin_plan_id,"
        " DROP COLUMN origin_unit_id"
    )
    # Refused while a consolidation exists (the old check does not hold): nothing is deleted.
    op.execute("DROP INDEX ux_plan_next_term")
    op.execute(
        "CREATE UNIQUE INDEX ux_plan_next_term ON plan (planning_unit_id, cycle_id, managed_by)"
        f" WHERE kind = 'NEXT_TERM' AND {_LIVE}"
    )
    op.execute("ALTER TABLE plan DROP CONSTRAINT ck_plan_kind")
    op.execute(
        "ALTER TABLE plan ADD CONSTRAINT ck_plan_kind"
        " CHECK (kind IN ('NEXT_TERM', 'ANNUAL_REVIEW'))"
    )
