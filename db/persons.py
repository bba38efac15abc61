"""Queries over cadre records."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Unit
from db.plan_models import Discipline, Person, PersonUnitHistory
from db.reach import within
from db.reader import Rows
from db.search import words_match
from db.uniques import NATIONAL_ID, guarded
from planning.access import Reach
from planning.transfers import Placement, Transfer
from planning.units import UnitKind


async def add(session: AsyncSession, /, **values: Any) -> Person:
    """:raises Taken: the national id is on record (perhaps by a concurrent request)"""
    person = Person(**values, version=1)
    async with guarded(session, NATIONAL_ID):
        session.add(person)
    return person


async def for_update(session: AsyncSession, *, person_id: int) -> Person | None:
    return await session.scalar(select(Person).where(Person.id == person_id).with_for_update())


async def by_national_id(session: AsyncSession, *, national_id: str) -> Person | None:
    return await session.scalar(select(Person).where(Person.national_id == national_id))


async def by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, Person]:
    rows = await session.scalars(select(Person).where(Person.id.in_(ids)))
    return {row.id: row for row in rows}


PERSONS = Rows(Person)  # read without the ORM (db/reader.py), for the loaders of a query


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


async def placements_of(
    session: AsyncSession, person_ids: Sequence[int]
) -> dict[int, list[PersonUnitHistory]]:
    """The units each person worked in before their current one, oldest first."""
    rows = await session.scalars(
        select(PersonUnitHistory)
        .where(PersonUnitHistory.person_id.in_(person_ids))
        .order_by(PersonUnitHistory.valid_to, PersonUnitHistory.id)
    )
    found: dict[int, list[PersonUnitHistory]] = {person_id: [] for person_id in person_ids}
    for row in rows:
        found[row.person_id].append(row)
    return found


def placement(person: Person, history: Sequence[PersonUnitHistory]) -> Placement:
    """Where the person works now, and since when (the day the last placement ended)."""
    return Placement(person.unit_id, history[-1].valid_to if history else None)


async def transfer(
    session: AsyncSession,
    person: Person,
    moved: Transfer,
    *,
    actor_user_id: int | None,
    now: datetime,
) -> None:
    """Write ``moved`` on ``person`` (locked by the caller): the placement it ends goes into the
    history, the person works in the new unit from today, and the record's version moves on."""
    session.add(
        PersonUnitHistory(
            person_id=person.id,
            unit_id=moved.left.unit_id,
            valid_from=moved.left.since,
            valid_to=moved.on,
            reason=moved.reason,
            transferred_by=actor_user_id,
            transferred_at=now,
        )
    )
    person.unit_id = moved.to_unit_id
    person.version += 1
    await session.flush()


async def holding_province(session: AsyncSession, *, unit_id: int) -> Unit | None:
    """The province whose tree holds the unit (the unit itself if it is one); a unit above the
    provinces (a central agency) is its own holder."""
    unit = await session.get(Unit, unit_id)
    if unit is None:
        return None
    province = await session.scalar(
        select(Unit)
        .where(Unit.path.bool_op("@>")(func.text2ltree(unit.path)), Unit.kind == UnitKind.PROVINCE)
        .order_by(func.nlevel(Unit.path).desc())
        .limit(1)
    )
    return province or unit


async def count(
    session: AsyncSession, *, reaches: Sequence[Reach], words: Sequence[str], unit_path: str | None
) -> int:
    """How many persons ``page`` would show over all its pages."""
    matching = _matching(reaches, words, unit_path).subquery()
    return (await session.scalar(select(func.count()).select_from(matching))) or 0
