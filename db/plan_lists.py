"""The lists of plans a caller pages through: a unit's plans, the inbox, the change feed.

Each is a filter said once, scoped in SQL by the caller's reaches, and read two ways: a page in
a stable keyset order, and a count of the whole list (only when a client asks for it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    Text,
    cast,
    false,
    func,
    or_,
    select,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Unit
from db.plan_models import Plan, PlanEvent
from db.reach import within
from planning.access import Reach
from planning.lifecycle import PlanStatus, Side


async def _count(session: AsyncSession, statement: Select[Any]) -> int:
    return (await session.scalar(select(func.count()).select_from(statement.subquery()))) or 0


# --- The plans of a unit ----------------------------------------------------------------------


def _of_unit(unit_id: int, reaches: Sequence[Reach]) -> Select[Plan]:
    """The plans a unit makes (its own, not its subtree's), if the caller may read them."""
    return (
        select(Plan)
        .join(Unit, Unit.id == Plan.planning_unit_id)
        .where(Plan.planning_unit_id == unit_id, within(Unit.path, reaches))
    )


async def of_unit(
    session: AsyncSession,
    *,
    unit_id: int,
    reaches: Sequence[Reach],
    after: tuple[datetime, int] | None,
    limit: int,
) -> list[Plan]:
    """A page of the unit's plans, newest first (by creation, then id)."""
    statement = _of_unit(unit_id, reaches)
    if after is not None:
        statement = statement.where(tuple_(Plan.created_at, Plan.id) < tuple_(*after))
    statement = statement.order_by(Plan.created_at.desc(), Plan.id.desc()).limit(limit)
    return list((await session.scalars(statement)).all())


async def count_of_unit(session: AsyncSession, *, unit_id: int, reaches: Sequence[Reach]) -> int:
    return await _count(session, _of_unit(unit_id, reaches))


# --- The inbox --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Awaited:
    """One action the caller could take now: on plans in ``statuses`` whose unit on ``side``
    (the unit the action is checked on) lies inside ``reaches``."""

    side: Side
    statuses: frozenset[PlanStatus]
    reaches: tuple[Reach, ...]


def _waiting(awaited: Sequence[Awaited]) -> Select[Plan]:
    """Plans on which at least one of the ``awaited`` actions is open to the caller."""
    clauses: list[ColumnElement[bool]] = []
    for action in awaited:
        if not action.statuses or not action.reaches:
            continue
        unit_id = (
            Plan.planning_unit_id if action.side is Side.PLANNING_UNIT else Plan.approving_unit_id
        )
        units = select(Unit.id).where(within(Unit.path, action.reaches))
        clauses.append(Plan.status.in_(action.statuses) & unit_id.in_(units))
    return select(Plan).where(or_(false(), *clauses))


def waiting_since() -> ColumnElement[datetime]:
    """The inbox's order: when the plan was sent, or made if it never was."""
    return func.coalesce(Plan.submitted_at, Plan.created_at)


async def inbox(
    session: AsyncSession,
    *,
    awaited: Sequence[Awaited],
    after: tuple[datetime, int] | None,
    limit: int,
) -> list[Plan]:
    """A page of the plans waiting for one of the caller's ``awaited`` actions, oldest first."""
    since = waiting_since()
    statement = _waiting(awaited)
    if after is not None:
        statement = statement.where(tuple_(since, Plan.id) > tuple_(*after))
    statement = statement.order_by(since, Plan.id).limit(limit)
    return list((await session.scalars(statement)).all())


async def waiting_among(
    session: AsyncSession, *, awaited: Sequence[Awaited], plan_ids: Sequence[int] | None
) -> list[Plan]:
    """Which of ``plan_ids`` (None: any plan) wait for one of the caller's ``awaited`` actions."""
    statement = _waiting(awaited)
    if plan_ids is not None:
        statement = statement.where(Plan.id.in_(plan_ids))
    return list((await session.scalars(statement)).all())


async def inbox_count(session: AsyncSession, *, awaited: Sequence[Awaited]) -> int:
    return await _count(session, _waiting(awaited))


# --- The change feed --------------------------------------------------------------------------

# The transaction id (xid8) orders the feed; clients see it as a number in the cursor.
_XACT = PlanEvent.__table__.c.txid
_TXID = cast(cast(_XACT, Text), BigInteger)


def _feed(reaches: Sequence[Reach], unit_path: str, *columns: Any) -> Select[Any]:
    """``columns`` of the events of plans in ``unit_path``'s subtree that the reaches cover, of
    transactions older than every one still running (none can commit below them)."""
    return (
        select(*columns)
        .select_from(PlanEvent)
        .join(Plan, Plan.id == PlanEvent.plan_id)
        .join(Unit, Unit.id == Plan.planning_unit_id)
        .where(
            within(Unit.path, reaches),
            Unit.path.bool_op("<@")(func.text2ltree(unit_path)),
            func.pg_snapshot_xmin(func.pg_current_snapshot()) > _XACT,
        )
    )


async def event_feed(
    session: AsyncSession,
    *,
    reaches: Sequence[Reach],
    unit_path: str,
    after: tuple[int, int] | None,
    limit: int,
    plan_id: int | None = None,
) -> list[tuple[int, PlanEvent, Plan]]:
    """Plan events in commit-safe order (transaction id, id) of plans the reaches cover (of
    one plan only, given ``plan_id``)."""
    statement = (
        _feed(reaches, unit_path, _TXID, PlanEvent, Plan).order_by(_XACT, PlanEvent.id).limit(limit)
    )
    if plan_id is not None:
        statement = statement.where(PlanEvent.plan_id == plan_id)
    if after is not None:
        statement = statement.where(tuple_(_TXID, PlanEvent.id) > tuple_(after[0], after[1]))
    rows = await session.execute(statement)
    return [(int(t), event, plan) for t, event, plan in rows]


async def settled_below(session: AsyncSession) -> int:
    """The feed's watermark: every transaction below it has ended, so each of their events is
    in the feed now. A subscriber told of an event of a transaction at or above it (migration
    0025) reads again later: an older transaction still running holds that event back."""
    watermark = func.pg_snapshot_xmin(func.pg_current_snapshot())
    return int(await session.scalar(select(cast(cast(watermark, Text), BigInteger))) or 0)


async def event_feed_count(
    session: AsyncSession, *, reaches: Sequence[Reach], unit_path: str
) -> int:
    """How many events the feed holds now, over all its pages."""
    return await _count(session, _feed(reaches, unit_path, PlanEvent.id))
