"""The database's safety nets say the same as the lifecycle they back (planning/lifecycle.py)."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from planning.lifecycle import LIVE_PLAN_STATUSES, PlanStatus


async def test_one_live_next_term_plan_per_unit_is_the_lifecycles_live_statuses(
    session: AsyncSession,
) -> None:
    definition = await session.scalar(
        text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ux_plan_next_term'")
    )
    assert definition is not None
    excluded = re.search(r"status <> ALL \(ARRAY\[(.*?)\]\)", definition)
    assert excluded is not None, definition

    not_live = set(re.findall(r"'([A-Z_]+)'", excluded.group(1)))

    # The unique index lets a unit start again only once its plan stopped being live.
    assert not_live == {status.value for status in PlanStatus} - LIVE_PLAN_STATUSES
