"""progress: who is late, per child unit, against the province's deadlines and the SLA."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import strawberry

from db import progress as progress_db, units as units_db
from db.models import Unit as UnitRow
from planning.lifecycle import UNSUBMITTED_STATUSES
from schema.context import Context
from schema.enums import PlanStatus
from schema.permissions import logged_in
from schema.plans.types import Plan
from schema.stats.counts import subtree_and_cycle
from schema.units.types import Unit, tree_date


@strawberry.type(description="How many plans are in one status.")
class StatusCount:
    status: PlanStatus
    count: int


@strawberry.type(description="Where one child unit (and everything below it) stands.")
class ChildProgress:
    counts: list[StatusCount] = strawberry.field(
        description="Plans of its subtree, by status, and those it carries over (`carriedOver`)."
    )
    carried_over: list[StatusCount] = strawberry.field(
        description="Plans of its predecessors (tiền thân) that it reads through the lineage of a "
        "reorganisation, by status, already counted in `counts`: a successor carries its "
        "predecessors' plans of a cycle over until its consolidation for the cycle is approved "
        "(a split predecessor's for each of its successors)."
    )
    overdue_decisions: int = strawberry.field(
        description="Plans of its subtree waiting for a decision past their due date."
    )
    deadline: date | None = strawberry.field(
        description="The submission deadline its province set for its kind of unit."
    )
    submission_overdue: bool = strawberry.field(
        description="The deadline passed and none of its own plans is submitted yet, nor does "
        "it carry over an approved plan of its predecessors."
    )
    plans: list[Plan] = strawberry.field(
        description="Its own plans (officials who may read them; empty for integrators)."
    )
    # The row the children's page already read: presenting it costs no statement.
    row: strawberry.Private[UnitRow]

    @strawberry.field(description="The child unit.")
    def unit(self, info: strawberry.Info[Context, None]) -> Unit:
        return Unit.from_row(self.row, at=tree_date(self.row, None, info.context.today))


@strawberry.type(description="The progress of a unit's subtree for a cycle (tiến độ).")
class Progress:
    totals: list[StatusCount]
    overdue_decisions: int
    late_children: int = strawberry.field(description="Children whose submission is overdue.")
    children: list[ChildProgress]


def _counts(by_status: dict[str, int]) -> list[StatusCount]:
    return [StatusCount(status=PlanStatus(s), count=n) for s, n in sorted(by_status.items())]


@strawberry.input(description="Whose progress (tiến độ), for which cycle.")
class ProgressInput:
    unit: strawberry.ID = strawberry.field(description="The unit whose children to follow.")
    cycle: str = strawberry.field(description="The cycle, e.g. `2030-2035`.")


@strawberry.type
class ProgressQuery:
    @strawberry.field(
        description="For each child unit: its subtree's plans by status, decisions past their "
        "30-working-day due date, and whether it missed the province's submission deadline.",
        extensions=logged_in(),
    )
    async def progress(
        self, info: strawberry.Info[Context, None], input: ProgressInput
    ) -> Progress:
        ctx = info.context
        row, found = await subtree_and_cycle(ctx, input.unit, input.cycle)
        day = tree_date(row, None, ctx.today)
        children = await ctx.db(
            units_db.page,
            where=units_db.UnitFilter(at=day, parent_id=row.id),
            after=None,
            limit=10_000,
        )
        # A constant number of statements whatever the number of children (a test counts them).
        counts = await ctx.db(
            progress_db.status_per_child, unit_path=row.path, cycle_id=found.id, today=ctx.today
        )
        own = await ctx.db(progress_db.plans_of_children, unit_id=row.id, cycle_id=found.id)
        per_child: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        carried: dict[int, dict[str, int]] = defaultdict(dict)
        late: dict[int, int] = defaultdict(int)
        totals: dict[str, int] = defaultdict(int)
        total_late = 0
        for child_id, inherited, status, n, overdue in counts:
            per_child[child_id][status] += n
            late[child_id] += overdue
            if inherited:
                carried[child_id][status] = n
            # The unit's own roots cover those of its children: each plan counts once.
            if not inherited or child_id == row.id:
                totals[status] += n
                total_late += overdue
        deadlines = await ctx.db(progress_db.deadlines, unit_path=row.path, cycle_id=found.id)
        rows = []
        for child in children:
            deadline = deadlines.get(child.kind.value)
            plans = own.get(child.id, [])
            submitted = any(p.status not in UNSUBMITTED_STATUSES for p in plans)
            carries = carried.get(child.id, {}).get(PlanStatus.APPROVED, 0) > 0
            rows.append(
                ChildProgress(
                    counts=_counts(per_child.get(child.id, {})),
                    carried_over=_counts(carried.get(child.id, {})),
                    overdue_decisions=late.get(child.id, 0),
                    deadline=deadline,
                    submission_overdue=deadline is not None
                    and ctx.today > deadline
                    and not submitted
                    and not carries,
                    plans=[Plan.from_row(p) for p in plans]
                    if ctx.allows("read", "plan", child.path)
                    else [],
                    row=child,
                )
            )
        return Progress(
            totals=_counts(totals),
            overdue_decisions=total_late,
            late_children=sum(r.submission_overdue for r in rows),
            children=rows,
        )
