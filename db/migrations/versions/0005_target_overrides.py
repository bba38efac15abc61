"""A province's own structure targets (DOMAIN.md A.1: provinces set some targets themselves).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE target_override (
            province_id bigint NOT NULL,
            rule_set text NOT NULL,
            indicator text NOT NULL,
            at_least numeric NOT NULL,
            young_under integer,
            set_by bigint,
            set_at timestamptz NOT NULL,
            CONSTRAINT pk_target_override PRIMARY KEY (province_id, rule_set, indicator),
            CONSTRAINT fk_target_override_province_id_unit
                FOREIGN KEY (province_id) REFERENCES unit (id),
            CONSTRAINT fk_target_override_set_by_app_user
                FOREIGN KEY (set_by) REFERENCES app_user (id),
            CONSTRAINT ck_target_override_at_least CHECK (at_least >= 0)
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE target_override")
