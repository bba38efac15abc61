"""Province overrides of position seats and ranks; the political theory standard of titles.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The political theory standard of a title (E8); null where the title sets none.
    op.execute("ALTER TABLE position ADD COLUMN political_theory_required text")
    op.execute(
        """
        CREATE TABLE position_override (
            position_id bigint NOT NULL,
            province_id bigint NOT NULL,
            seats integer NOT NULL,
            rank integer,
            set_by bigint,
            set_at timestamptz NOT NULL,
            reason text,
            CONSTRAINT pk_position_override PRIMARY KEY (position_id, province_id),
            CONSTRAINT fk_position_override_position_id_position
                FOREIGN KEY (position_id) REFERENCES position (id),
            CONSTRAINT fk_position_override_province_id_unit
                FOREIGN KEY (province_id) REFERENCES unit (id),
            CONSTRAINT fk_position_override_set_by_app_user
                FOREIGN KEY (set_by) REFERENCES app_user (id),
            CONSTRAINT ck_position_override_seats_positive CHECK (seats > 0)
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE position_override")
    op.execute("ALTER TABLE position DROP COLUMN political_theory_required")
