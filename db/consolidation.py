"""Consolidation after a reorganisation (planning/consolidation.py): the approved plans a
successor starts from, its entries with their origin and its leftovers, who keeps each person of
a split predecessor, and what its approval supersedes."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from sqlalchemy import and_, exists, func, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from db.fact_tables import entry_fact
from db.models import Unit, UnitLineage
from db.plan_models import (
    ConsolidationKeep,
    ConsolidationLeftover,
    Plan,
    PlanEntry,
    Position,
)
from db.plans import proposal
from planning.consolidation import Catalogue, Offered, TitleTable, parse_titles, start
from planning.cycles import PlanKind
from planning.lifecycle import EntryChange, EntryStatus, PlanStatus

# The title table of the 2025 reorganisation, shipped beside the positions it maps.
TITLES_FILE = Path(__file__).resolve().parent.parent / "data" / "rules" / "titles-2025.json"


@cache
def title_table() -> TitleTable:
    """The shipped title table (read once)."""
    return parse_titles(json.loads(TITLES_FILE.read_text(encoding="utf-8")))


async def origin_units(session: AsyncSession, *, unit_id: int) -> list[int]:
    """The units whose approved plans a consolidation of ``unit_id`` starts from: its
    predecessors (and theirs, transitively), and the units inside a predecessor that closed
    with no successor of their own (the districts, whose plans the province approved)."""
    chain = (
        select(UnitLineage.predecessor_id.label("id"))
        .where(UnitLineage.successor_id == unit_id)
        .cte("chain", recursive=True)
    )
    chain = chain.union(
        select(UnitLineage.predecessor_id).join(chain, UnitLineage.successor_id == chain.c.id)
    )
    predecessor, inner = aliased(Unit), aliased(Unit)
    orphan = and_(
        inner.valid_to.is_not(None),
        ~exists().where(UnitLineage.predecessor_id == inner.id),
    )
    rows = await session.scalars(
        select(inner.id)
        .join(predecessor, inner.path.bool_op("<@")(predecessor.path))
        .where(predecessor.id.in_(select(chain.c.id)), or_(inner.id == predecessor.id, orphan))
        .distinct()
    )
    return sorted(rows)


async def source_plans(session: AsyncSession, *, unit_id: int, cycle_id: int) -> list[Plan]:
    """The approved plans of the cycle a consolidation of ``unit_id`` starts from."""
    units = await origin_units(session, unit_id=unit_id)
    rows = await session.scalars(
        select(Plan)
        .where(
            Plan.planning_unit_id.in_(units),
            Plan.cycle_id == cycle_id,
            Plan.status == PlanStatus.APPROVED,
        )
        .order_by(Plan.id)
    )
    return list(rows)


async def offered(session: AsyncSession, plans: Sequence[Plan]) -> list[tuple[Offered, PlanEntry]]:
    """The ACTIVE entries of ``plans`` as a consolidation is offered them."""
    rows = await session.execute(
        select(PlanEntry, Position.code, Unit.kind, Plan.managed_by)
        .join(Plan, Plan.id == PlanEntry.plan_id)
        .join(Unit, Unit.id == Plan.planning_unit_id)
        .join(Position, Position.id == PlanEntry.position_id)
        .where(
            PlanEntry.plan_id.in_([p.id for p in plans]),
            PlanEntry.status == EntryStatus.ACTIVE,
        )
        .order_by(PlanEntry.plan_id, PlanEntry.id)
    )
    units = {p.id: p.planning_unit_id for p in plans}
    return [
        (
            Offered(
                entry_id=entry.id,
                plan_id=entry.plan_id,
                unit_id=units[entry.plan_id],
                person_id=entry.person_id,
                catalogue=Catalogue(kind, managed_by),
                code=code,
            ),
            entry,
        )
        for entry, code, kind, managed_by in rows
    ]


@dataclass(frozen=True, slots=True)
class Started:
    entries: list[PlanEntry]
    leftovers: list[ConsolidationLeftover]
    origin_plans: list[int]


async def begin(
    session: AsyncSession, *, plan: Plan, unit: Unit, holdable: Sequence[Position]
) -> Started:
    """Start the consolidation ``plan`` of ``unit``: each kept entry a proposal (KEEP) under its
    new title with its ballots and origin, each title with no successor a leftover. An old
    title whose new one the unit cannot hold is a leftover too."""
    sources = await source_plans(session, unit_id=unit.id, cycle_id=plan.cycle_id)
    rows = await offered(session, sources)
    decided = start(
        [o for o, _ in rows], table=title_table(), into=Catalogue(unit.kind, plan.managed_by)
    )
    entries = {o.entry_id: entry for o, entry in rows}
    by_code = {p.code: p.id for p in holdable}
    copied, listed = [], []
    for kept in decided.kept:
        position_id = by_code.get(kept.code)
        origin = entries[kept.origin.entry_id]
        if position_id is None:
            listed.append(ConsolidationLeftover(plan_id=plan.id, origin_entry_id=origin.id))
            continue
        copied.append(
            proposal(
                origin,
                plan_id=plan.id,
                change=EntryChange.KEEP,
                position_id=position_id,
                origin_unit_id=kept.origin.unit_id,
                origin_plan_id=kept.origin.plan_id,
                origin_entry_id=origin.id,
            )
        )
    listed += [
        ConsolidationLeftover(plan_id=plan.id, origin_entry_id=o.entry_id)
        for o in decided.leftovers
    ]
    session.add_all([*copied, *listed])
    await session.flush()
    return Started(copied, listed, sorted(decided.origin_plans))


async def leftovers_of(
    session: AsyncSession, plan_ids: Sequence[int]
) -> dict[int, list[tuple[PlanEntry, int]]]:
    """Each consolidation's leftovers: the origin entry and its plan's planning unit."""
    rows = await session.execute(
        select(ConsolidationLeftover.plan_id, PlanEntry, Plan.planning_unit_id)
        .join(PlanEntry, PlanEntry.id == ConsolidationLeftover.origin_entry_id)
        .join(Plan, Plan.id == PlanEntry.plan_id)
        .where(ConsolidationLeftover.plan_id.in_(plan_ids))
        .order_by(ConsolidationLeftover.plan_id, PlanEntry.id)
    )
    found: dict[int, list[tuple[PlanEntry, int]]] = {plan_id: [] for plan_id in plan_ids}
    for plan_id, entry, unit_id in rows:
        found[plan_id].append((entry, unit_id))
    return found


@dataclass(frozen=True, slots=True)
class Taken:
    """An entry whose person another successor has already kept from the same predecessor."""

    entry_id: int
    unit: Unit  # the successor that kept them


class PersonTaken(Exception):
    """Raised by ``keep`` when another successor kept one of the persons first (the race its
    validation could not see); nothing of the keep is written."""

    def __init__(self, taken: Sequence[Taken]) -> None:
        super().__init__(f"taken: {[t.entry_id for t in taken]}")
        self.taken = tuple(taken)


def _key() -> tuple[object, ...]:
    keep = ConsolidationKeep
    return (keep.origin_unit_id, keep.cycle_id, keep.person_id)


async def taken(
    session: AsyncSession, *, plan: Plan, entry_ids: Collection[int] | None = None
) -> list[Taken]:
    """The plan's entries (of ``entry_ids``, or all) whose person another successor kept from
    the same origin unit and cycle."""
    if plan.kind is not PlanKind.CONSOLIDATION:
        return []
    query = (
        select(PlanEntry.id, Unit)
        .join(
            ConsolidationKeep,
            and_(
                ConsolidationKeep.origin_unit_id == PlanEntry.origin_unit_id,
                ConsolidationKeep.cycle_id == plan.cycle_id,
                ConsolidationKeep.person_id == PlanEntry.person_id,
            ),
        )
        .join(Unit, Unit.id == ConsolidationKeep.unit_id)
        .where(PlanEntry.plan_id == plan.id, ConsolidationKeep.unit_id != plan.planning_unit_id)
        .order_by(PlanEntry.id)
    )
    if entry_ids is not None:
        query = query.where(PlanEntry.id.in_(list(entry_ids)))
    return [Taken(entry_id, unit) for entry_id, unit in await session.execute(query)]


async def keep(
    session: AsyncSession, *, plan: Plan, entries: Sequence[PlanEntry], now: datetime
) -> None:
    """Record that the successor of ``plan`` keeps the persons of ``entries`` (those with an
    origin) for the cycle. Under the primary key, a concurrent approval of the same person by
    another successor waits for this one's transaction and then finds its row.

    :raises PersonTaken: naming the first successor; the savepoint is rolled back
    """
    keys = {(e.origin_unit_id, e.person_id): e.id for e in entries if e.origin_unit_id is not None}
    if not keys:
        return
    async with session.begin_nested():
        await session.execute(
            insert(ConsolidationKeep)
            .values(
                [
                    {
                        "origin_unit_id": origin,
                        "cycle_id": plan.cycle_id,
                        "person_id": person,
                        "unit_id": plan.planning_unit_id,
                        "plan_id": plan.id,
                        "kept_at": now,
                    }
                    for origin, person in sorted(keys)  # one order: no deadlock between two
                ]
            )
            .on_conflict_do_nothing()
        )
        holders = await session.execute(
            select(ConsolidationKeep.origin_unit_id, ConsolidationKeep.person_id, Unit)
            .join(Unit, Unit.id == ConsolidationKeep.unit_id)
            .where(
                tuple_(*_key()).in_([(o, plan.cycle_id, p) for o, p in keys]),
                ConsolidationKeep.unit_id != plan.planning_unit_id,
            )
        )
        found = sorted(
            (Taken(keys[(origin, person)], unit) for origin, person, unit in holders),
            key=lambda t: t.entry_id,
        )
        if found:
            raise PersonTaken(found)


async def successor_counts(session: AsyncSession, unit_ids: Sequence[int]) -> dict[int, int]:
    """How many successors each unit has (0 for a unit closed without one)."""
    rows = await session.execute(
        select(UnitLineage.predecessor_id, func.count())
        .where(UnitLineage.predecessor_id.in_(unit_ids))
        .group_by(UnitLineage.predecessor_id)
    )
    counts = dict.fromkeys(unit_ids, 0)
    counts.update({unit: int(n) for unit, n in rows})
    return counts


async def consolidated_successors(
    session: AsyncSession, *, unit_id: int, cycle_id: int, managed_by: object, besides: int
) -> int:
    """How many successors of ``unit_id`` have an approved consolidation of the cycle and
    tier, plus the one of plan ``besides`` being approved now."""
    others = await session.scalar(
        select(func.count(func.distinct(Plan.planning_unit_id))).where(
            Plan.planning_unit_id.in_(
                select(UnitLineage.successor_id).where(UnitLineage.predecessor_id == unit_id)
            ),
            Plan.kind == PlanKind.CONSOLIDATION,
            Plan.cycle_id == cycle_id,
            Plan.managed_by == managed_by,
            Plan.status.in_((PlanStatus.APPROVED, PlanStatus.SUPERSEDED)),
            Plan.id != besides,
        )
    )
    return int(others or 0) + 1


async def origin_plans(session: AsyncSession, *, plan_id: int) -> list[Plan]:
    """The approved plans a consolidation took entries or leftovers from, locked."""
    from_entries = select(PlanEntry.origin_plan_id).where(
        PlanEntry.plan_id == plan_id, PlanEntry.origin_plan_id.is_not(None)
    )
    from_leftovers = (
        select(PlanEntry.plan_id)
        .join(ConsolidationLeftover, ConsolidationLeftover.origin_entry_id == PlanEntry.id)
        .where(ConsolidationLeftover.plan_id == plan_id)
    )
    rows = await session.scalars(
        select(Plan)
        .where(
            or_(Plan.id.in_(from_entries), Plan.id.in_(from_leftovers)),
            Plan.status == PlanStatus.APPROVED,
        )
        .order_by(Plan.id)
        .with_for_update()
    )
    return list(rows)


async def supersede_taken(
    session: AsyncSession, *, plan_id: int, origin_plan_id: int
) -> list[PlanEntry]:
    """Supersede the ACTIVE entries of ``origin_plan_id`` that consolidation ``plan_id`` took
    over (approved), and stop counting them; return them."""
    taken_ids = select(PlanEntry.origin_entry_id).where(
        PlanEntry.plan_id == plan_id,
        PlanEntry.origin_plan_id == origin_plan_id,
        PlanEntry.status == EntryStatus.ACTIVE,
    )
    ended = list(
        await session.scalars(
            select(PlanEntry)
            .where(
                PlanEntry.id.in_(taken_ids),
                PlanEntry.status == EntryStatus.ACTIVE,
            )
            .order_by(PlanEntry.id)
            .with_for_update()
        )
    )
    for entry in ended:
        entry.status = EntryStatus.SUPERSEDED
    await session.flush()
    return ended


def facts_of_entries(ids: Sequence[int]) -> ColumnElement[bool]:
    """The facts of ``ids``, as ``rollups.remove_entries`` selects them."""
    return entry_fact.c.entry_id.in_(list(ids))
