"""Queries and writes of plans, their entries and their history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from datetime import date
from typing import Any

from sqlalchemy import Text, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import rls
from db.models import Unit
from db.plan_models import (
    Cycle,
    Plan,
    PlanEntry,
    PlanEvent,
    Position,
)
from db.reader import Reader, Rows
from db.uniques import PLAN_KEY, guarded
from db.units import valid_at
from planning.cycles import PlanKind
from planning.lifecycle import (
    LIVE_PLAN_STATUSES,
    PLACE_HOLDING_STATUSES,
    EntryChange,
    EntryStatus,
    PlanStatus,
    restarts,
)
from planning.units import UnitKind


async def approving_unit(
    session: AsyncSession, *, planning_path: str, managed_by: UnitKind, at: date
) -> Unit | None:
    """The nearest ancestor-or-self of the planning unit whose kind manages the positions."""
    return await session.scalar(
        select(Unit)
        .where(
            Unit.path.bool_op("@>")(func.text2ltree(planning_path)),
            Unit.kind == managed_by,
            valid_at(at),
        )
        .order_by(func.nlevel(Unit.path).desc())
        .limit(1)
    )


async def cycle_by_code(session: AsyncSession, *, code: str) -> Cycle | None:
    return await session.scalar(select(Cycle).where(Cycle.code == code))


async def cycles_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, Cycle]:
    rows = await session.scalars(select(Cycle).where(Cycle.id.in_(ids)))
    return {row.id: row for row in rows}


async def add_plan(session: AsyncSession, /, **values: Any) -> Plan:
    """:raises Taken: the unit has a live term plan for the cycle and tier (perhaps created by
    a concurrent request: the unique index is what keeps it to one)"""
    plan = Plan(**values, status=PlanStatus.DRAFT, version=1)
    async with guarded(session, PLAN_KEY):
        session.add(plan)
    return plan


async def for_update(session: AsyncSession, *, plan_id: int) -> Plan | None:
    """The plan, locked: every change to a plan and its entries goes through this lock."""
    return await session.scalar(select(Plan).where(Plan.id == plan_id).with_for_update())


async def any_plan(session: AsyncSession) -> bool:
    """Whether any plan exists (the demo loads its plans only into an empty database)."""
    return bool(await session.scalar(select(Plan.id).limit(1)))


async def by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, Plan]:
    rows = await session.scalars(select(Plan).where(Plan.id.in_(ids)))
    return {row.id: row for row in rows}


async def entries_of(session: AsyncSession, plan_ids: Sequence[int]) -> dict[int, list[PlanEntry]]:
    rows = await session.scalars(
        select(PlanEntry).where(PlanEntry.plan_id.in_(plan_ids)).order_by(PlanEntry.id)
    )
    found: dict[int, list[PlanEntry]] = {plan_id: [] for plan_id in plan_ids}
    for row in rows:
        found[row.plan_id].append(row)
    return found


# The same reads without the ORM (db/reader.py), for the loaders of a query.
PLANS = Rows(Plan)
_CYCLES_BY_CODE = Rows(Cycle, by="code", key_type=Text)


async def read_cycle_by_code(reader: Reader, *, code: str) -> Cycle | None:
    """``cycle_by_code``, in one prepared statement."""
    found = await _CYCLES_BY_CODE.fetch(reader, [code])
    return found[0] if found else None


_ENTRIES_OF_PLANS = Rows(PlanEntry, by="plan_id")


async def read_entries_of(reader: Reader, plan_ids: Sequence[int]) -> dict[int, list[PlanEntry]]:
    """``entries_of``, in one prepared statement."""
    found: dict[int, list[PlanEntry]] = {plan_id: [] for plan_id in plan_ids}
    for row in await _ENTRIES_OF_PLANS.fetch(reader, plan_ids):
        found[row.plan_id].append(row)
    return found


async def entries_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> dict[int, tuple[PlanEntry, int]]:
    """Entries with their plan's planning unit: whoever may read that plan may read them."""
    rows = await session.execute(
        select(PlanEntry, Plan.planning_unit_id)
        .join(Plan, Plan.id == PlanEntry.plan_id)
        .where(PlanEntry.id.in_(ids))
    )
    return {entry.id: (entry, unit_id) for entry, unit_id in rows}


async def add_entry(session: AsyncSession, /, **values: Any) -> PlanEntry:
    entry = PlanEntry(**values, status=EntryStatus.PROPOSED)
    session.add(entry)
    await session.flush()
    return entry


async def entry_for_update(session: AsyncSession, *, entry_id: int) -> PlanEntry | None:
    return await session.scalar(select(PlanEntry).where(PlanEntry.id == entry_id).with_for_update())


@rls.reads_beyond_scope(rls.PLACEMENTS)  # the cap counts a person's places in every plan
async def planned_elsewhere(
    session: AsyncSession,
    *,
    person_ids: Sequence[int],
    cycle_id: int,
    managed_by: UnitKind,
    except_plan: int,
) -> dict[int, frozenset[int]]:
    """Leadership positions each person holds in other live plans of the same cycle and
    approving level (Q3): a person may hold entries in two cycles at once (DOMAIN §4.2)."""
    rows = await session.execute(
        select(PlanEntry.person_id, PlanEntry.position_id)
        .join(Plan, Plan.id == PlanEntry.plan_id)
        .join(Position, Position.id == PlanEntry.position_id)
        .where(
            PlanEntry.person_id.in_(person_ids),
            Plan.id != except_plan,
            Plan.cycle_id == cycle_id,
            Plan.managed_by == managed_by,
            Plan.status.in_(LIVE_PLAN_STATUSES),
            # holds_place(), in SQL
            PlanEntry.status.in_(PLACE_HOLDING_STATUSES),
            PlanEntry.change != EntryChange.REMOVE,
            Position.committee_seat.is_(False),
        )
    )
    found: dict[int, set[int]] = {}
    for person_id, position_id in rows:
        found.setdefault(person_id, set()).add(position_id)
    return {person_id: frozenset(ids) for person_id, ids in found.items()}


async def add_event(session: AsyncSession, /, **values: Any) -> None:
    session.add(PlanEvent(**values))
    await session.flush()


async def events_of(session: AsyncSession, plan_ids: Sequence[int]) -> dict[int, list[PlanEvent]]:
    rows = await session.scalars(
        select(PlanEvent).where(PlanEvent.plan_id.in_(plan_ids)).order_by(PlanEvent.id)
    )
    found: dict[int, list[PlanEvent]] = {plan_id: [] for plan_id in plan_ids}
    for row in rows:
        found[row.plan_id].append(row)
    return found


async def approved_plan(
    session: AsyncSession, *, unit_id: int, cycle_id: int, managed_by: UnitKind
) -> Plan | None:
    """The approved plan in force for a unit, cycle and approving body (base of a review)."""
    return await session.scalar(
        select(Plan)
        .where(
            Plan.planning_unit_id == unit_id,
            Plan.cycle_id == cycle_id,
            Plan.managed_by == managed_by,
            Plan.status == PlanStatus.APPROVED,
        )
        .order_by(Plan.decided_at.desc(), Plan.id.desc())
        .limit(1)
    )


# The kinds that hold a unit's one place per cycle and approving tier (ux_plan_next_term): a
# consolidation takes the place of the next-term plan.
TERM_PLAN_KINDS = (PlanKind.NEXT_TERM, PlanKind.CONSOLIDATION)


async def live_next_term_plan(
    session: AsyncSession, *, unit_id: int, cycle_id: int, managed_by: UnitKind
) -> bool:
    """Whether the unit has a live next-term plan or consolidation for the cycle and tier."""
    found = await session.scalar(
        select(Plan.id).where(
            Plan.planning_unit_id == unit_id,
            Plan.cycle_id == cycle_id,
            Plan.managed_by == managed_by,
            Plan.kind.in_(TERM_PLAN_KINDS),
            Plan.status.in_(LIVE_PLAN_STATUSES),
        )
    )
    return found is not None


async def carry_over(
    session: AsyncSession,
    *,
    base_plan_id: int,
    review_plan_id: int,
    removing: Mapping[int, str] | None = None,
) -> list[PlanEntry]:
    """Start a review from the approved set: each active entry is kept until changed, except
    those ``removing`` maps (by the approved entry's id) to a removal reason: they come over
    marked REMOVE (a removal proposal of DOMAIN.md §6.4). Returns the review's entries (its
    history records them)."""
    removing = removing or {}
    active = await session.scalars(
        select(PlanEntry)
        .where(PlanEntry.plan_id == base_plan_id, PlanEntry.status == EntryStatus.ACTIVE)
        .order_by(PlanEntry.id)
    )
    kept = [
        proposal(
            entry,
            plan_id=review_plan_id,
            change=EntryChange.REMOVE if entry.id in removing else EntryChange.KEEP,
            removal_reason=removing.get(entry.id),
        )
        for entry in active
    ]
    session.add_all(kept)
    await session.flush()
    return kept


def proposal(entry: PlanEntry, *, plan_id: int, change: EntryChange, **values: Any) -> PlanEntry:
    """A new plan's proposal of ``entry`` (a review carrying it over, a restart, a
    consolidation): the same person, title, tier, source and ballots unless ``values`` says
    otherwise (another title, no ballots, an origin)."""
    copied: dict[str, Any] = {
        "person_id": entry.person_id,
        "position_id": entry.position_id,
        "tier": entry.tier,
        "source": entry.source,
        "ballots": entry.ballots,
    }
    return PlanEntry(
        **{**copied, **values}, plan_id=plan_id, status=EntryStatus.PROPOSED, change=change
    )


async def restart(
    session: AsyncSession, *, from_plan_id: int, plan_id: int, holdable: Set[int]
) -> list[PlanEntry]:
    """Start a plan again from a rejected one: each entry it added (lifecycle.restarts) becomes
    a fresh proposal of the new plan, with its person, title, tier and source. Ballots are not
    copied: they were cast in the rejected procedure, and the new plan's are cast again.
    Titles the unit can no longer plan, and pairs the new plan already holds (a review's
    carried-over entries), are left out. Returns the new entries."""
    rows = await session.scalars(
        select(PlanEntry).where(PlanEntry.plan_id == from_plan_id).order_by(PlanEntry.id)
    )
    held = {
        (person_id, position_id)
        for person_id, position_id in await session.execute(
            select(PlanEntry.person_id, PlanEntry.position_id).where(PlanEntry.plan_id == plan_id)
        )
    }
    copied = []
    for entry in rows:
        pair = (entry.person_id, entry.position_id)
        if not restarts(entry.status, entry.change) or entry.position_id not in holdable:
            continue
        if pair in held:
            continue
        held.add(pair)
        copied.append(proposal(entry, plan_id=plan_id, change=EntryChange.ADD, ballots=[]))
    session.add_all(copied)
    await session.flush()
    return copied


async def entry_exists(
    session: AsyncSession, *, plan_id: int, person_id: int, position_id: int | None
) -> bool:
    found = await session.scalar(
        select(PlanEntry.id).where(
            PlanEntry.plan_id == plan_id,
            PlanEntry.person_id == person_id,
            PlanEntry.position_id == position_id,
        )
    )
    return found is not None


async def supersede(session: AsyncSession, *, plan_id: int) -> tuple[Plan, list[PlanEntry]] | None:
    """An approved review replaces the approved set it started from (history kept): the plan is
    SUPERSEDED and so is each of its entries in force, so none of them still reads ACTIVE (the
    review's entries hold those people now). Returns the plan and the entries it changed, or
    None if it was no longer approved."""
    plan = await session.scalar(select(Plan).where(Plan.id == plan_id).with_for_update())
    if plan is None or plan.status is not PlanStatus.APPROVED:
        return None
    plan.status = PlanStatus.SUPERSEDED
    entries = list(
        await session.scalars(
            select(PlanEntry)
            .where(PlanEntry.plan_id == plan_id, PlanEntry.status == EntryStatus.ACTIVE)
            .order_by(PlanEntry.id)
        )
    )
    for entry in entries:
        entry.status = EntryStatus.SUPERSEDED
    await session.flush()
    return plan, entries


async def province_of(session: AsyncSession, *, unit_path: str) -> Unit | None:
    """The province a unit lies in (itself if it is one)."""
    return await session.scalar(
        select(Unit).where(
            Unit.path.bool_op("@>")(func.text2ltree(unit_path)), Unit.kind == UnitKind.PROVINCE
        )
    )
