"""Reference data loads once: a second load adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api import reference_data
from db.plan_models import Cycle, Position
from db.reference import load_reference
from planning.units import UnitKind


async def test_a_second_load_adds_nothing(session: AsyncSession) -> None:
    added = await load_reference(
        session,
        positions=reference_data.read("positions"),
        cycles=reference_data.read("cycles"),
        holidays=reference_data.read("holidays"),
    )

    assert added == 0
    assert await session.scalar(select(func.count()).select_from(Cycle)) == 2
    commune_titles_now = await session.scalar(
        select(func.count())
        .select_from(Position)
        .where(Position.unit_kind == UnitKind.COMMUNE, Position.managed_by == UnitKind.PROVINCE)
    )
    assert commune_titles_now == 11
