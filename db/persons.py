"""Queries over cadre records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Unit
from db.plan_models import Discipline, Person
from db.reach import within
from db.search import words_match
from planning.access import Reach


async def add(session: AsyncSession, /, **values: Any) -> Person:
    person = Person(**values, version=1)
    session.add(person)
    await session.flush()
    return person


async def for_update(session: AsyncSession, *, person_id: int) -> Person | None:
    return await session.scalar(select(Person).where(Person.id == person_id).with_for_update())


async def by_national_id(session: AsyncSession, *, national_id: str) -> Person | None:
    return await session.scalar(select(Person).where(Person.national_id == national_id))


async def by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, Person]:
    rows = await session.scalars(select(Person).where(Person.id.in_(ids)))
    return {row.id: row for row in rows}


async def disciplines_of(
    session: AsyncSession, person_ids: Sequence[int]
) -> dict[int, list[Discipline]]:
    rows = await session.scalars(
        select(Discipline).where(Discipline.person_id.in_(person_ids)).order_by(Discipline.id)
    )
    found: dict[int, list[Discipline]] = {person_id: [] for person_id in person_ids}
    for row in rows:
        found[row.person_id].append(row)
    return found


async def replace_disciplines(
    session: AsyncSession, *, person_id: int, disciplines: Sequence[tuple[str, Any]]
) -> None:
    """Set a person's discipline records (they are part of the record, versioned with it)."""
    for row in (await disciplines_of(session, [person_id]))[person_id]:
        await session.delete(row)
    for form, decided_on in disciplines:
        session.add(Discipline(person_id=person_id, form=form, decided_on=decided_on))
    await session.flush()


def _matching(
    reaches: Sequence[Reach], words: Sequence[str], unit_path: str | None
) -> Select[Person]:
    """Persons of the units a reach covers (inside ``unit_path`` if given) whose name the
    ``words`` prefix-match: what a page shows and what its count counts."""
    statement = (
        select(Person).join(Unit, Unit.id == Person.unit_id).where(within(Unit.path, reaches))
    )
    if unit_path is not None:
        statement = statement.where(Unit.path.bool_op("<@")(func.text2ltree(unit_path)))
    if words:
        statement = statement.where(words_match(Person.full_name, words))
    return statement


async def page(
    session: AsyncSession,
    *,
    reaches: Sequence[Reach],
    words: Sequence[str],
    unit_path: str | None,
    after: tuple[str, int] | None,
    limit: int,
) -> list[Person]:
    """Persons of the units a reach covers, by name then id; ``words`` prefix-match the name."""
    statement = _matching(reaches, words, unit_path)
    if after is not None:
        statement = statement.where(tuple_(Person.full_name, Person.id) > tuple_(*after))
    statement = statement.order_by(Person.full_name, Person.id).limit(limit)
    return list((await session.scalars(statement)).all())


async def count(
    session: AsyncSession, *, reaches: Sequence[Reach], words: Sequence[str], unit_path: str | None
) -> int:
    """How many persons ``page`` would show over all its pages."""
    matching = _matching(reaches, words, unit_path).subquery()
    return (await session.scalar(select(func.count()).select_from(matching))) or 0
