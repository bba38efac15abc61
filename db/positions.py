"""Reads of positions (chức danh): the titles a plan may hold, and each as a province has it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.models import Unit
from db.plan_models import Plan, Position, PositionOverride
from db.reach import within
from db.reader import Reader, Rows
from planning.access import Reach
from planning.units import UnitKind


async def positions_for(
    session: AsyncSession, *, unit_kind: UnitKind, managed_by: UnitKind, at: date
) -> list[Position]:
    """The titles a plan of this kind of unit covers for this approving body, on ``at``."""
    rows = await session.scalars(
        select(Position)
        .where(
            Position.unit_kind == unit_kind,
            Position.managed_by == managed_by,
            or_(Position.valid_from.is_(None), Position.valid_from <= at),
            or_(Position.valid_to.is_(None), Position.valid_to >= at),
        )
        .order_by(Position.rank, Position.id)
    )
    return list(rows)


def holding_day(unit: Unit, today: date) -> date:
    """The day whose titles a plan of ``unit`` holds: a unit that has ended, its last day's."""
    return unit.valid_to or today


async def holdable_positions(
    session: AsyncSession, *, unit: Unit, managed_by: UnitKind, today: date
) -> list[Position]:
    """The titles a plan of ``unit`` for the ``managed_by`` tier may hold: what addPlanEntry
    accepts, and what a client lists before and after creating the plan (there through a
    loader, on the same ``positions_for`` and ``holding_day``)."""
    return await positions_for(
        session, unit_kind=unit.kind, managed_by=managed_by, at=holding_day(unit, today)
    )


async def positions_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, Position]:
    """Positions as the national catalogue has them."""
    rows = await session.scalars(select(Position).where(Position.id.in_(ids)))
    return {row.id: row for row in rows}


async def positions_in_reach(
    session: AsyncSession, ids: Sequence[int], *, reaches: Sequence[Reach]
) -> dict[int, Position]:
    """Those positions whose kind of unit the reaches cover at least one unit of: the titles a
    caller could list for some unit whose plans they may read."""
    readable = select(Unit.id).where(Unit.kind == Position.unit_kind, within(Unit.path, reaches))
    rows = await session.scalars(select(Position).where(Position.id.in_(ids), readable.exists()))
    return {row.id: row for row in rows}


async def provinces_of_plans(
    session: AsyncSession, plan_ids: Sequence[int]
) -> dict[int, int | None]:
    """The province each plan's planning unit lies in (None above the provinces): whose seats
    and ranks the plan's positions have."""
    planning = aliased(Unit)
    province = aliased(Unit)
    rows = await session.execute(
        select(Plan.id, province.id)
        .join(planning, planning.id == Plan.planning_unit_id)
        .outerjoin(
            province,
            province.path.bool_op("@>")(planning.path) & (province.kind == UnitKind.PROVINCE),
        )
        .where(Plan.id.in_(plan_ids))
    )
    return {row[0]: row[1] for row in rows}


async def effective_positions(
    session: AsyncSession, ids: Sequence[int], *, province_id: int | None
) -> dict[int, Position]:
    """Positions with the province's seats and ranks applied (detached copies, not saved)."""
    found = await effective_positions_in(session, [(i, province_id) for i in ids])
    return {position_id: position for (position_id, _), position in found.items()}


async def effective_positions_in(
    session: AsyncSession, keys: Sequence[tuple[int, int | None]]
) -> dict[tuple[int, int | None], Position]:
    """Each (position, province) with that province's seats and ranks applied, in at most two
    statements however many provinces the keys name; a province of None reads the catalogue.
    Keys of unknown positions are left out."""
    positions = await positions_by_ids(session, sorted({i for i, _ in keys}))
    found, wanted = _catalogue(positions, keys)
    if not wanted:
        return found
    overrides = await session.scalars(
        select(PositionOverride).where(
            tuple_(PositionOverride.position_id, PositionOverride.province_id).in_(wanted)
        )
    )
    return _overridden(
        found, positions, ((o.position_id, o.province_id, o.seats, o.rank) for o in overrides)
    )


def _catalogue(
    positions: dict[int, Position], keys: Sequence[tuple[int, int | None]]
) -> tuple[dict[tuple[int, int | None], Position], list[tuple[int, int]]]:
    """Each known key with the catalogue's position, and the (position, province) keys whose
    province may have its own seats."""
    found: dict[tuple[int, int | None], Position] = {
        (i, p): positions[i] for i, p in keys if i in positions
    }
    return found, sorted({(i, p) for i, p in found if p is not None})


def _overridden(
    found: dict[tuple[int, int | None], Position],
    positions: dict[int, Position],
    overrides: Iterable[tuple[int, int, int, int | None]],
) -> dict[tuple[int, int | None], Position]:
    """``found`` with each (position, province, seats, rank) override applied to a copy."""
    for position_id, province_id, seats, rank in overrides:
        base = positions[position_id]
        found[(base.id, province_id)] = Position(
            id=base.id,
            unit_kind=base.unit_kind,
            code=base.code,
            title=base.title,
            body=base.body,
            rank=rank if rank is not None else base.rank,
            seats=seats,
            committee_seat=base.committee_seat,
            managed_by=base.managed_by,
            valid_from=base.valid_from,
            valid_to=base.valid_to,
            political_theory_required=base.political_theory_required,
        )
    return found


# The same reads without the ORM (db/reader.py), for the loaders of a query.
POSITIONS = Rows(Position)

_PROVINCES_OF_PLANS = (
    "SELECT plan.id, province.id FROM plan"
    " JOIN unit planning ON planning.id = plan.planning_unit_id"
    " LEFT JOIN unit province"
    "  ON province.path @> planning.path AND province.kind = 'PROVINCE'"
    " WHERE plan.id = ANY($1::bigint[])"
)

_OVERRIDES = (
    "SELECT position_id, province_id, seats, rank FROM position_override"
    " WHERE (position_id, province_id) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[]))"
)


async def read_provinces_of_plans(reader: Reader, plan_ids: Sequence[int]) -> dict[int, int | None]:
    """``provinces_of_plans``, in one prepared statement."""
    return {row[0]: row[1] for row in await reader.fetch(_PROVINCES_OF_PLANS, list(plan_ids))}


async def read_effective_positions_in(
    reader: Reader, keys: Sequence[tuple[int, int | None]]
) -> dict[tuple[int, int | None], Position]:
    """``effective_positions_in``, in at most two prepared statements."""
    positions = await POSITIONS.by_id(reader, sorted({i for i, _ in keys}))
    found, wanted = _catalogue(positions, keys)
    if not wanted:
        return found
    rows = await reader.fetch(_OVERRIDES, [i for i, _ in wanted], [p for _, p in wanted])
    return _overridden(found, positions, (tuple(row) for row in rows))
