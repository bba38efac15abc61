"""Where the numbers of statistics and indicators come from, and who sees them exactly.

By default only approved plans count, read from the rollups (DHIS2's approval level), as they
stand now or at the end of a past day. Officials who may read the plans of a unit may ask to
count the submitted plans too, as if approved as they stand; the answer then says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

import strawberry

from db import (
    consolidation as consolidation_db,
    fact_statistics as fact_stats,
    facts as facts_db,
    plans as plans_db,
    statistics as stats_db,
)
from db.models import Unit as UnitRow
from db.plan_models import Cycle
from planning.lifecycle import PENDING_PLAN_STATUSES, PlanStatus, is_live
from planning.problems import problem
from schema.context import Context
from schema.errors import ClientError
from schema.node import row_id_of

Cell = tuple[tuple[str, ...], int, int]


@dataclass(frozen=True, slots=True)
class Counts:
    """The counts of one unit's subtree and cycle: from the rollups (approved now), or from the
    facts (approved at the end of a past day, or with submitted plans counted in)."""

    unit: UnitRow
    cycle_id: int
    exact: bool  # False: small cells are suppressed for this caller (integrators)
    facts: fact_stats.FactCells | None = None
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)

    @property
    def counted(self) -> list[PlanStatus]:
        """The plan statuses whose entries count."""
        pending = [s for s in PlanStatus if s in PENDING_PLAN_STATUSES]
        return [PlanStatus.APPROVED, *(pending if self.includes_submitted else [])]

    @property
    def includes_submitted(self) -> bool:
        return self.facts is not None and self.facts.pending is not None

    def filtered(self, filters: Mapping[str, Sequence[str]]) -> Counts:
        return Counts(self.unit, self.cycle_id, self.exact, self.facts, filters)

    async def entries(self, ctx: Context, group_by: Sequence[str]) -> list[Cell]:
        """(group values, entries, sum of ages in months) per group."""
        if self.facts is None:
            cells = stats_db.Cells(self.unit.id, self.cycle_id, self.filters)
            return await stats_db.entry_cells(ctx.reads, scope=cells, group_by=group_by)
        return await ctx.db(fact_stats.entry_cells, scope=self._facts(), group_by=group_by)

    async def persons(self, ctx: Context, group_by: Sequence[str]) -> list[Cell]:
        """(group values, distinct persons, sum of their ages in months) per group."""
        if self.facts is None:
            cells = stats_db.Cells(self.unit.id, self.cycle_id, self.filters)
            return await stats_db.person_cells(ctx.reads, scope=cells, group_by=group_by)
        return await ctx.db(fact_stats.person_cells, scope=self._facts(), group_by=group_by)

    async def titles(self, ctx: Context) -> list[tuple[int, int, int]]:
        """(planning units, position, entries): how many planning units of the subtree have
        exactly ``entries`` entries for the position."""
        if self.facts is None:
            return await ctx.db(
                stats_db.title_histogram, unit_id=self.unit.id, cycle_id=self.cycle_id
            )
        return await ctx.db(fact_stats.title_histogram, scope=self._facts())

    def _facts(self) -> fact_stats.FactCells:
        assert self.facts is not None
        return replace(self.facts, filters=self.filters)


async def subtree_and_cycle(
    ctx: Context, unit_id: strawberry.ID, cycle: str
) -> tuple[UnitRow, Cycle]:
    """The unit whose subtree the caller may read aggregates of, and the cycle named.

    :raises ClientError: INVALID_ID, NOT_ALLOWED, BAD_ARGUMENTS (unknown cycle)
    """
    unit = await ctx.loaders.unit.load(row_id_of(unit_id, "Unit"))
    if unit is None:
        raise ClientError("INVALID_ID", id=unit_id, expected="Unit")
    ctx.authorize("read", "statistics", unit.path)
    found = await plans_db.read_cycle_by_code(ctx.reads, code=cycle)
    if found is None:
        raise ClientError("BAD_ARGUMENTS", reason=problem("UNKNOWN_CYCLE", "cycle", cycle=cycle))
    return unit, found


async def counts_for(
    ctx: Context,
    unit_id: strawberry.ID,
    cycle: str,
    *,
    include_submitted: bool = False,
    at: date | None = None,
) -> Counts:
    """The counts a caller may read for a unit and cycle, as of the end of day ``at``.

    :raises ClientError: INVALID_ID, NOT_ALLOWED, OFFICIALS_ONLY, BAD_ARGUMENTS
    """
    unit, found = await subtree_and_cycle(ctx, unit_id, cycle)
    # Officials who may read the persons of the unit see exact numbers; integrators do not.
    official = ctx.principal is not None and ctx.principal.is_official
    exact = official and ctx.allows("read", "person", unit.path)
    past = at is not None and at < ctx.today
    if past and include_submitted:
        raise ClientError(
            "BAD_ARGUMENTS",
            reason=problem("SUBMITTED_IN_PAST"),
        )
    if past:
        assert at is not None
        # The end of that day in Vietnam: what every commit of the day had made of it.
        end = datetime.combine(at + timedelta(days=1), time(0), tzinfo=ctx.now.tzinfo)
        return Counts(unit, found.id, exact, fact_stats.FactCells(unit.path, found.id, as_of=end))
    if not include_submitted:
        return Counts(unit, found.id, exact)
    # Undecided plans are the officials' working material, never an integrator's figure.
    if not official:
        raise ClientError("OFFICIALS_ONLY")
    ctx.authorize("read", "plan", unit.path)
    pending = await _pending(ctx, unit.path, found.id)
    return Counts(unit, found.id, exact, fact_stats.FactCells(unit.path, found.id, pending))


async def _pending(ctx: Context, unit_path: str, cycle_id: int) -> fact_stats.Pending:
    plans = await ctx.db(fact_stats.submitted_plans, unit_path=unit_path, cycle_id=cycle_id)
    entries = await ctx.db(plans_db.entries_of, [plan.id for plan in plans])
    # What approval as submitted would make active: every proposed entry not marked for removal.
    kept = [(plan, [e for e in entries[plan.id] if is_live(e.status, e.change)]) for plan in plans]
    # And what it would end: the plan a review replaces; a consolidation's origins, whole for a
    # predecessor with one successor, the entries it keeps for a split one (db/workflow.py).
    origins = [e for plan in plans for e in entries[plan.id] if e.origin_plan_id is not None]
    successors = await ctx.db(
        consolidation_db.successor_counts, sorted({e.origin_unit_id or 0 for e in origins})
    )
    split = {e.origin_unit_id for e in origins if successors[e.origin_unit_id or 0] > 1}
    return fact_stats.Pending(
        facts=await ctx.db(facts_db.facts_of, kept, rule_sets=ctx.rule_sets, today=ctx.today),
        replaced_plans=[plan.base_plan_id for plan in plans if plan.base_plan_id is not None]
        + sorted({e.origin_plan_id or 0 for e in origins if e.origin_unit_id not in split}),
        replaced_entries=sorted(
            e.origin_entry_id or 0
            for e in origins
            if e.origin_unit_id in split and is_live(e.status, e.change)
        ),
    )
