"""db.uniques: a named unique violation becomes Taken, rolled back to its savepoint only."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db import persons as persons_db
from db.plan_models import Person
from db.uniques import NATIONAL_ID, Taken, guarded
from tests.factories import unit

NATIONAL = "022084777001"


async def _add(session: AsyncSession, national_id: str, name: str) -> Person:
    home = await unit(session, "07132")
    return await persons_db.add(
        session,
        national_id=national_id,
        full_name=name,
        sex="MALE",
        birth_year=1985,
        unit_id=home.id,
    )


async def test_a_second_record_of_a_national_id_is_taken_and_the_first_stays(
    session: AsyncSession,
) -> None:
    await _add(session, NATIONAL, "Người Thứ Nhất")

    with pytest.raises(Taken) as taken:
        await _add(session, NATIONAL, "Người Thứ Hai")

    assert taken.value.constraint == NATIONAL_ID
    # The transaction goes on: only the refused row was rolled back.
    await _add(session, "022084777002", "Người Thứ Ba")
    names = await session.scalars(
        select(Person.full_name).where(Person.national_id.like("022084777%")).order_by(Person.id)
    )
    assert list(names) == ["Người Thứ Nhất", "Người Thứ Ba"]


async def test_a_violation_of_a_constraint_not_named_is_not_taken(session: AsyncSession) -> None:
    first = await _add(session, NATIONAL, "Người Thứ Nhất")
    again = Person(
        national_id=NATIONAL,
        full_name="X",
        sex="MALE",
        birth_year=1985,
        unit_id=first.unit_id,
        version=1,
    )

    with pytest.raises(IntegrityError):
        async with guarded(session, "uq_some_other_key"):
            session.add(again)

    same = select(func.count()).select_from(Person).where(Person.national_id == NATIONAL)
    assert await session.scalar(same) == 1
