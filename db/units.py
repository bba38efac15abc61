"""Queries over the unit hierarchy. Every read takes the date whose tree it reads (``at``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    Text,
    and_,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    tuple_,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.models import Unit
from db.reader import Reader, Rows
from db.search import words_match
from planning.units import UnitKind

# A keyset position in the (code, id) order every unit list uses.
Position = tuple[str, int]


def valid_at(at: date, unit: type[Unit] = Unit) -> ColumnElement[bool]:
    """Whether a unit row belongs to the tree valid on ``at`` (both ends inclusive)."""
    return and_(
        or_(unit.valid_from.is_(None), unit.valid_from <= at),
        or_(unit.valid_to.is_(None), unit.valid_to >= at),
    )


@dataclass(frozen=True, slots=True)
class UnitFilter:
    """Which units a list holds: the tree valid on ``at``, narrowed by the other fields."""

    at: date
    kind: UnitKind | None = None
    parent_id: int | None = None
    words: tuple[str, ...] = ()

    def select(self) -> Select[Unit]:
        statement = select(Unit).where(valid_at(self.at))
        if self.kind is not None:
            statement = statement.where(Unit.kind == self.kind)
        if self.parent_id is not None:
            statement = statement.where(Unit.parent_id == self.parent_id)
        if self.words:
            statement = statement.where(words_match(Unit.name, self.words))
        return statement


async def page(
    session: AsyncSession, *, where: UnitFilter, after: Position | None, limit: int
) -> list[Unit]:
    """Return up to ``limit`` units after ``after`` in (code, id) order."""
    statement = where.select()
    if after is not None:
        statement = statement.where(tuple_(Unit.code, Unit.id) > tuple_(*after))
    statement = statement.order_by(Unit.code, Unit.id).limit(limit)
    return list((await session.scalars(statement)).all())


async def count(session: AsyncSession, *, where: UnitFilter) -> int:
    """Count the units a ``page`` call with the same filter walks through."""
    filtered = where.select().subquery()
    return (await session.scalar(select(func.count()).select_from(filtered))) or 0


async def by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, Unit]:
    """Return the units with these ids, whatever their validity (history stays addressable)."""
    rows = await session.scalars(select(Unit).where(Unit.id.in_(ids)))
    return {row.id: row for row in rows}


# Read without the ORM (db/reader.py), for the loaders: units, each with its parent in the
# same statement (a unit is rarely shown without `parent`, and it cost a round trip of its own).
UNITS_AND_PARENTS = Rows(
    Unit,
    # ARRAY(… UNION …) keeps the primary key's index scan; an OR of the two scanned all units.
    where=lambda unit, ids: text(
        "unit.id = ANY (ARRAY(SELECT unnest(:keys) UNION"
        " SELECT parent_id FROM unit WHERE id = ANY (:keys)))"
    ).bindparams(ids),
)


async def read_with_parents(reader: Reader, ids: Sequence[int]) -> dict[int, Unit]:
    """The units of these ids, and their parents."""
    return await UNITS_AND_PARENTS.by_id(reader, ids)


async def by_code(session: AsyncSession, *, code: str, at: date) -> Unit | None:
    """Return the unit that bore ``code`` on ``at``; codes are unique at any date."""
    return await session.scalar(select(Unit).where(Unit.code == code, valid_at(at)))


async def last_by_code(session: AsyncSession, *, code: str, before: date) -> Unit | None:
    """The unit that last bore ``code`` and closed before ``before`` (the most recent to close):
    where a code of an abolished or merged unit was last seen."""
    return await session.scalar(
        select(Unit)
        .where(Unit.code == code, Unit.valid_to < before)
        .order_by(Unit.valid_to.desc(), Unit.id.desc())
        .limit(1)
    )


async def children_pages(
    session: AsyncSession,
    *,
    at: date,
    parents: Sequence[tuple[int, Position | None]],
    limit: int,
) -> dict[tuple[int, Position | None], list[Unit]]:
    """Return one page of children per (parent id, position), in one statement."""
    keys = (
        func.unnest(
            literal([parent for parent, _ in parents], ARRAY(BigInteger)),
            literal([position[0] if position else None for _, position in parents], ARRAY(Text)),
            literal(
                [position[1] if position else None for _, position in parents], ARRAY(BigInteger)
            ),
        )
        .table_valued("parent_id", "after_code", "after_id")
        .render_derived(name="keys")
    )
    child = aliased(Unit)
    per_parent = (
        select(child)
        .where(
            child.parent_id == keys.c.parent_id,
            valid_at(at, child),
            or_(
                keys.c.after_code.is_(None),
                tuple_(child.code, child.id) > tuple_(keys.c.after_code, keys.c.after_id),
            ),
        )
        .order_by(child.code, child.id)
        .limit(limit)
        .lateral()
    )
    child_row = aliased(Unit, per_parent)
    rows = await session.execute(
        select(keys.c.parent_id, keys.c.after_code, keys.c.after_id, child_row).select_from(
            keys.join(per_parent, literal_column("true"))
        )
    )
    pages: dict[tuple[int, Position | None], list[Unit]] = {key: [] for key in parents}
    for parent_id, after_code, after_id, unit in rows:
        position = (after_code, after_id) if after_code is not None else None
        pages[(parent_id, position)].append(unit)
    return pages


async def child_counts(
    session: AsyncSession, *, at: date, parent_ids: Sequence[int]
) -> dict[int, int]:
    """Return how many children each parent has in the tree valid on ``at``."""
    rows = await session.execute(
        select(Unit.parent_id, func.count())
        .where(Unit.parent_id.in_(parent_ids), valid_at(at))
        .group_by(Unit.parent_id)
    )
    counts = dict.fromkeys(parent_ids, 0)
    counts.update({parent_id: n for parent_id, n in rows if parent_id is not None})
    return counts


async def descendant_counts(
    session: AsyncSession, *, at: date, unit_ids: Sequence[int]
) -> dict[int, int]:
    """Return how many units lie below each unit (at any depth) in the tree valid on ``at``."""
    unit, below = aliased(Unit), aliased(Unit)
    rows = await session.execute(
        select(unit.id, func.count(below.id))
        .select_from(unit)
        .outerjoin(
            below,
            and_(
                below.path.op("<@")(unit.path),
                below.id != unit.id,
                valid_at(at, below),
            ),
        )
        .where(unit.id.in_(unit_ids))
        .group_by(unit.id)
    )
    return dict(rows.all())


async def root_path(session: AsyncSession) -> str:
    """The path of the national root (every tree hangs under it)."""
    path = await session.scalar(select(Unit.path).where(Unit.parent_id.is_(None)))
    assert path is not None, "migration 0001 creates the national root"
    return path
