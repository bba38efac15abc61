"""The demo data: plans in every state, loaded once."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api.demo_plans import STATES, load_demo_plans
from db import rollups
from db.plan_models import Plan
from schema.access.services import AccessServices
from tests.conftest import NOW


async def test_demo_plans_cover_every_state_once(
    session: AsyncSession, access: AccessServices
) -> None:
    created = await load_demo_plans(session, access, now=NOW)
    again = await load_demo_plans(session, access, now=NOW)

    statuses = set(await session.scalars(select(Plan.status)))
    assert created == 21
    assert again == 0
    assert statuses == set(STATES)
    assert await rollups.compare_with_recomputation(session) == (0, 0)
    assert await session.scalar(text("SELECT count(*) FROM entry_fact")) == 3 * 4
