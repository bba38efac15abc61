"""Consolidation after a reorganisation (DOMAIN.md A.11): the origin of a consolidation's
entries, its leftovers, and what ``createPlan(kind: CONSOLIDATION)`` checks and starts with."""

from __future__ import annotations

from typing import Self

import strawberry

from db import consolidation as consolidation_db, lineage as lineage_db
from db.models import Unit as UnitRow
from db.plan_models import Cycle as CycleRow, Plan as PlanRow, PlanEntry as EntryRow, Position
from planning.problems import Problem, problem
from schema.context import Context
from schema.node import to_global_id
from schema.persons.types import Person
from schema.plans.position_types import Position as PositionType
from schema.units.types import Unit, tree_date


@strawberry.type(
    description="Where an entry of a consolidation comes from (nguồn kế thừa): the predecessor "
    "unit, its approved plan and the entry the successor kept."
)
class EntryOrigin:
    plan: strawberry.ID = strawberry.field(description="The predecessor's approved plan.")
    entry: strawberry.ID = strawberry.field(description="The entry of that plan.")
    unit_id: strawberry.Private[int]

    @classmethod
    def of(cls, *, unit_id: int, plan_id: int, entry_id: int) -> Self:
        return cls(
            plan=to_global_id("Plan", plan_id),
            entry=to_global_id("PlanEntry", entry_id),
            unit_id=unit_id,
        )

    @classmethod
    def of_entry(cls, row: EntryRow) -> Self | None:
        if row.origin_entry_id is None:
            return None
        assert row.origin_unit_id is not None
        assert row.origin_plan_id is not None
        return cls.of(
            unit_id=row.origin_unit_id, plan_id=row.origin_plan_id, entry_id=row.origin_entry_id
        )

    @strawberry.field(description="The predecessor unit (of the tree before the reorganisation).")
    async def unit(self, info: strawberry.Info[Context, None]) -> Unit:
        row = await info.context.loaders.unit.load(self.unit_id)
        assert row is not None
        return Unit.from_row(row, at=tree_date(row, None, info.context.today))


@strawberry.type(
    description="An approved entry of a predecessor whose title has no successor (a district "
    "title): not copied into the consolidation but listed for its approving tier to re-plan "
    "(add the person for a title of the plan) or let go."
)
class ConsolidationLeftover:
    origin: EntryOrigin = strawberry.field(description="The predecessor, plan and entry.")
    row: strawberry.Private[EntryRow]

    @classmethod
    def of(cls, row: EntryRow, unit_id: int) -> Self:
        origin = EntryOrigin.of(unit_id=unit_id, plan_id=row.plan_id, entry_id=row.id)
        return cls(origin=origin, row=row)

    @strawberry.field(description="The person planned.")
    async def person(self, info: strawberry.Info[Context, None]) -> Person:
        row = await info.context.loaders.person.load(self.row.person_id)
        assert row is not None
        return Person.from_row(row)

    @strawberry.field(description="The old title they were planned for.")
    async def position(self, info: strawberry.Info[Context, None]) -> PositionType:
        row = await info.context.loaders.position.load(self.row.position_id)
        assert row is not None
        return PositionType.from_row(row)


async def problems(ctx: Context, unit: UnitRow, cycle: CycleRow) -> list[Problem]:
    """Why ``unit`` cannot consolidate ``cycle``: it continues no unit (lineage), or none of
    the units it continues has an approved plan of the cycle."""
    predecessors = (await ctx.db(lineage_db.predecessors_of, [unit.id])).get(unit.id, [])
    if not predecessors:
        return [problem("NOT_A_SUCCESSOR", "unit")]
    sources = await ctx.db(consolidation_db.source_plans, unit_id=unit.id, cycle_id=cycle.id)
    if not sources:
        return [problem("NO_PREDECESSOR_PLAN", "kind", cycle=cycle.code)]
    return []


async def begin(
    ctx: Context, plan: PlanRow, unit: UnitRow, holdable: list[Position]
) -> tuple[list[EntryRow], dict[str, object]]:
    """Start the consolidation: its entries, and what its history records beside them (the
    origin plans, the leftovers)."""
    started = await ctx.db(consolidation_db.begin, plan=plan, unit=unit, holdable=holdable)
    recorded: dict[str, object] = {"origin_plan_ids": started.origin_plans}
    if started.leftovers:
        recorded["leftover_entry_ids"] = [row.origin_entry_id for row in started.leftovers]
    return started.entries, recorded


def taken_problems(taken: list[consolidation_db.Taken]) -> list[Problem]:
    """PERSON_TAKEN for each entry whose person another successor kept, naming that unit."""
    return [
        problem(
            "PERSON_TAKEN",
            "results",
            taken=to_global_id("PlanEntry", t.entry_id),
            unit=t.unit.name,
        )
        for t in taken
    ]
