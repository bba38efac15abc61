"""The approved plan list of a subtree (danh sách quy hoạch), read through a server-side cursor."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import date
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.models import Unit
from db.plan_models import Cycle, Person, Plan, PlanEntry, Position
from db.reach import within
from planning.access import Reach
from planning.lifecycle import EntryStatus, PlanStatus
from planning.units import UnitKind

BATCH_SIZE = 1000


class ApprovedEntry(NamedTuple):
    """One person planned for one position by an approved plan: a line of the list."""

    planning_unit_code: str
    planning_unit_name: str
    approving_unit_code: str
    approving_unit_name: str
    cycle: str
    plan_id: int
    plan_kind: str
    decision_number: str | None
    decision_date: date | None
    entry_id: int
    full_name: str
    sex: str
    birth_year: int
    birth_month: int | None
    ethnicity: str | None
    current_position: str | None
    education: str | None
    political_theory: str | None
    position_code: str
    position_title: str
    body: str
    managed_by: UnitKind
    tier: str
    source: str
    status: EntryStatus


@asynccontextmanager
async def approved_entries(
    session: AsyncSession,
    *,
    unit_path: str,
    cycle_id: int,
    person_reaches: Sequence[Reach],
    plan_reaches: Sequence[Reach],
    batch_size: int = BATCH_SIZE,
) -> AsyncIterator[AsyncIterator[Sequence[ApprovedEntry]]]:
    """The active entries of the approved plans of ``unit_path``'s subtree for a cycle, in
    batches, ordered by planning unit, plan and position rank.

    Personal data: only plans whose planning unit both reaches cover come out, whatever the
    subtree asked for. The rows come from a server-side cursor ``batch_size`` at a time, so a
    national list costs the memory of one batch; the cursor is closed on leaving the block.
    """
    planning, approving = aliased(Unit), aliased(Unit)
    statement = (
        select(
            planning.code,
            planning.name,
            approving.code,
            approving.name,
            Cycle.code,
            Plan.id,
            Plan.kind,
            Plan.decision_number,
            Plan.decision_date,
            PlanEntry.id,
            Person.full_name,
            Person.sex,
            Person.birth_year,
            Person.birth_month,
            Person.ethnicity,
            Person.current_position,
            Person.education,
            Person.political_theory,
            Position.code,
            Position.title,
            Position.body,
            Position.managed_by,
            PlanEntry.tier,
            PlanEntry.source,
            PlanEntry.status,
        )
        .select_from(PlanEntry)
        .join(Plan, Plan.id == PlanEntry.plan_id)
        .join(planning, planning.id == Plan.planning_unit_id)
        .join(approving, approving.id == Plan.approving_unit_id)
        .join(Cycle, Cycle.id == Plan.cycle_id)
        .join(Person, Person.id == PlanEntry.person_id)
        .join(Position, Position.id == PlanEntry.position_id)
        .where(
            Plan.cycle_id == cycle_id,
            Plan.status == PlanStatus.APPROVED,
            PlanEntry.status == EntryStatus.ACTIVE,
            # The path as a value (not a sub-select), so the planner can use the GiST index.
            planning.path.bool_op("<@")(func.text2ltree(unit_path)),
            within(planning.path, person_reaches),
            within(planning.path, plan_reaches),
        )
        .order_by(
            planning.code,
            Plan.id,
            Position.rank.asc().nulls_last(),
            Position.id,
            PlanEntry.id,
        )
    )
    result = await session.stream(statement, execution_options={"yield_per": batch_size})
    try:
        yield (
            [ApprovedEntry._make(row) for row in partition]
            async for partition in result.partitions()
        )
    finally:
        await result.close()
