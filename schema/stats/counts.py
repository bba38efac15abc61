"""Where the numbers of statistics and indicators come from, and who sees them exactly.

By default only approved plans count, read from the rollups (DHIS2's approval level). Officials
who may read the plans of a unit may ask to count the submitted plans too, as if approved as
they stand; the answer then says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import strawberry

from db import plans as plans_db, statistics as stats_db, submitted
from db.models import Unit as UnitRow
from planning.workflow import EntryStatus, PlanStatus
from schema.context import Context
from schema.errors import ClientError
from schema.node import row_id_of
from schema.plans.facts import facts_of_plans

Cell = tuple[tuple[str, ...], int, int]


@dataclass(frozen=True, slots=True)
class Counts:
    """The counts of one unit's subtree and cycle, approved only or with submitted plans."""

    unit: UnitRow
    cycle_id: int
    exact: bool  # False: small cells are suppressed for this caller (integrators)
    pending: submitted.Pending | None = None
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)

    @property
    def counted(self) -> list[PlanStatus]:
        """The plan statuses whose entries count."""
        extra = list(submitted.PENDING_STATUSES) if self.pending is not None else []
        return [PlanStatus.APPROVED, *extra]

    def filtered(self, filters: Mapping[str, Sequence[str]]) -> Counts:
        return Counts(self.unit, self.cycle_id, self.exact, self.pending, filters)

    async def entries(self, ctx: Context, group_by: Sequence[str]) -> list[Cell]:
        """(group values, entries, sum of ages in months) per group."""
        if self.pending is None:
            cells = stats_db.Cells(self.unit.id, self.cycle_id, self.filters)
            return await ctx.read(stats_db.entry_cells, scope=cells, group_by=group_by)
        return await ctx.read(submitted.entry_cells, scope=self._live(), group_by=group_by)

    async def persons(self, ctx: Context, group_by: Sequence[str]) -> list[Cell]:
        """(group values, distinct persons, sum of their ages in months) per group."""
        if self.pending is None:
            cells = stats_db.Cells(self.unit.id, self.cycle_id, self.filters)
            return await ctx.read(stats_db.person_cells, scope=cells, group_by=group_by)
        return await ctx.read(submitted.person_cells, scope=self._live(), group_by=group_by)

    async def titles(self, ctx: Context) -> list[tuple[int, int, int]]:
        """(planning unit, position, entries) for every planning unit of the subtree."""
        if self.pending is None:
            return await ctx.read(
                stats_db.titles_per_unit, unit_path=self.unit.path, cycle_id=self.cycle_id
            )
        return await ctx.read(submitted.titles_per_unit, scope=self._live())

    def _live(self) -> submitted.LiveCells:
        assert self.pending is not None
        return submitted.LiveCells(self.unit.path, self.cycle_id, self.pending, self.filters)


async def counts_for(
    ctx: Context, unit_id: strawberry.ID, cycle: str, *, include_submitted: bool
) -> Counts:
    """The counts a caller may read for a unit and cycle.

    :raises ClientError: INVALID_ID, NOT_ALLOWED, BAD_ARGUMENTS (unknown cycle)
    """
    unit = await ctx.loaders.unit.load(row_id_of(unit_id, "Unit"))
    if unit is None:
        raise ClientError("INVALID_ID", id=unit_id, expected="Unit")
    ctx.authorize("read", "statistics", unit.path)
    found = await ctx.read(plans_db.cycle_by_code, code=cycle)
    if found is None:
        raise ClientError("BAD_ARGUMENTS", vi=f"không có nhiệm kỳ {cycle}", en=f"no cycle {cycle}")
    # Officials who may read the persons of the unit see exact numbers; integrators do not.
    official = ctx.principal is not None and ctx.principal.is_official
    exact = official and ctx.allows("read", "person", unit.path)
    if not include_submitted:
        return Counts(unit, found.id, exact)
    # Undecided plans are the officials' working material, never an integrator's figure.
    if not official:
        raise ClientError("OFFICIALS_ONLY")
    ctx.authorize("read", "plan", unit.path)
    return Counts(unit, found.id, exact, await _pending(ctx, unit.path, found.id))


async def _pending(ctx: Context, unit_path: str, cycle_id: int) -> submitted.Pending:
    plans = await ctx.read(submitted.submitted_plans, unit_path=unit_path, cycle_id=cycle_id)
    entries = await ctx.read(plans_db.entries_of, [plan.id for plan in plans])
    # What approval as submitted would make active: every proposed entry not marked for removal.
    kept = [
        (
            plan,
            [
                e
                for e in entries[plan.id]
                if e.status is EntryStatus.PROPOSED and e.change != "REMOVE"
            ],
        )
        for plan in plans
    ]
    return submitted.Pending(
        facts=await facts_of_plans(ctx, kept),
        replaced_plans=[plan.base_plan_id for plan in plans if plan.base_plan_id is not None],
    )
