"""The clock (DOMAIN.md §5.4): the holiday table keeps only the government's yearly decisions,
each a day OFF or WORKING (the statutory holidays of every year come from the `holidays`
package, db/calendar.py); a plan records the one extension of its approval deadline.

Rows the package computes (the statutory days off of 2025 and 2026 the table was typed with,
and their weekends) are redundant once the package is read: they are removed.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays as statutory
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE holiday
            ADD COLUMN kind text NOT NULL DEFAULT 'OFF',
            ADD CONSTRAINT ck_holiday_kind CHECK (kind IN ('OFF', 'WORKING'))
        """
    )
    op.execute(
        """
        ALTER TABLE plan
            ADD COLUMN extended_by integer,
            ADD COLUMN extension_reason text,
            ADD CONSTRAINT ck_plan_extended_by CHECK (extended_by > 0)
        """
    )
    computed = set(statutory.country_holidays("VN", years=(2025, 2026)))
    start = date(2025, 1, 1)
    computed |= {
        start + timedelta(days=n) for n in range(730) if (start + timedelta(days=n)).weekday() >= 5
    }
    op.get_bind().execute(
        sa.text("DELETE FROM holiday WHERE kind = 'OFF' AND day = ANY(:days)"),
        {"days": sorted(computed)},
    )


def downgrade() -> None:
    op.execute("ALTER TABLE plan DROP COLUMN extension_reason, DROP COLUMN extended_by")
    op.execute("DELETE FROM holiday WHERE kind = 'WORKING'")
    op.execute("ALTER TABLE holiday DROP COLUMN kind")
