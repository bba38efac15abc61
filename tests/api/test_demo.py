"""The demo data: plans in every state, loaded once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.demo_plans import STATES, load_demo_plans
from db.plan_models import Plan
from tests.conftest import NOW


async def test_demo_plans_cover_every_state_once(session: AsyncSession) -> None:
    created = await load_demo_plans(session, now=NOW)
    again = await load_demo_plans(session, now=NOW)

    statuses = set(await session.scalars(select(Plan.status)))
    assert created == 21
    assert again == 0
    assert statuses == set(STATES)
