"""Columns of a planning enum stored as TEXT read back as the enum, whichever form was written."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncSession

from db.plan_models import Position
from planning.positions import PositionBody


async def test_a_body_written_as_text_reads_as_the_enum(session: AsyncSession) -> None:
    title = await session.scalar(select(Position).where(Position.body == "PARTY").limit(1))
    assert title is not None
    assert title.body is PositionBody.PARTY

    await session.execute(update(Position).where(Position.id == title.id).values(body="STATE"))
    body = await session.scalar(select(Position.body).where(Position.id == title.id))

    assert body is PositionBody.STATE
    assert await session.scalar(
        select(Position.id).where(Position.id == title.id, Position.body == PositionBody.STATE)
    )


async def test_a_body_outside_the_enum_is_refused_before_the_database(
    session: AsyncSession,
) -> None:
    with pytest.raises(StatementError, match="'PRESS' is not a valid PositionBody"):
        await session.execute(select(Position.id).where(Position.body == "PRESS"))
