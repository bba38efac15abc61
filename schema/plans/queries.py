"""Reading plans: one by id, the plans of a unit, and the caller's inbox."""

from __future__ import annotations

import strawberry

from db import access as access_db, plan_lists, plans as plans_db
from planning.lifecycle import PENDING_PLAN_STATUSES, STEPS, PlanStatus, Side
from schema.context import Context
from schema.node import row_id_of
from schema.pagination import (
    BY_TIME,
    DEFAULT_PAGE_SIZE,
    CountedConnection,
    Edge,
    Once,
    described,
    page_request,
    paginate,
)
from schema.permissions import official
from schema.plans.types import Plan, ValidationReport, validation_report

# On whom a plan waits: a sent plan on its approving unit until it is decided, a returned one
# on its planning unit. A draft waits on nobody (its unit is still working on it), and an
# approved plan neither: withdrawing and reopening are choices, never awaited of anyone.
WAITING_ON = {
    Side.APPROVING_UNIT: PENDING_PLAN_STATUSES,
    Side.PLANNING_UNIT: frozenset({PlanStatus.RETURNED}),
}


def awaited(ctx: Context) -> list[plan_lists.Awaited]:
    """The actions of the state machine (planning.lifecycle.STEPS) a plan may wait on, each
    with where the caller's roles allow it: the inbox holds the plans where one is open now,
    which is exactly when `Plan.viewerCan` says so."""
    return [
        plan_lists.Awaited(
            side=step.side,
            statuses=step.allowed_from & WAITING_ON[step.side],
            reaches=tuple(ctx.reaches(step.permission, "plan")),
        )
        for step in STEPS.values()
    ]


@described(cursor="Pass as `after` to read the plans after this one.", node="The plan.")
@strawberry.type(description="A plan waiting for you, with its cursor.")
class InboxEdge(Edge[Plan]):
    pass


@described(
    edges="The plans of this page, oldest first.",
    page_info="Whether more pages follow, and cursors.",
    total_count="How many plans wait for you, over all pages (one more statement).",
)
@strawberry.type(description="Plans waiting for your action (hộp việc), oldest first.")
class InboxConnection(CountedConnection[InboxEdge]):
    pass


@described(cursor="Pass as `after` to read the plans after this one.", node="The plan.")
@strawberry.type(description="A plan of a unit, with its cursor.")
class PlanEdge(Edge[Plan]):
    pass


@described(
    edges="The plans of this page, newest first.",
    page_info="Whether more pages follow, and cursors.",
    total_count="How many plans the unit has that you may read (one more statement).",
)
@strawberry.type(description="A page of a unit's plans (danh sách quy hoạch), newest first.")
class PlanConnection(CountedConnection[PlanEdge]):
    pass


@strawberry.type
class PlanQuery:
    @strawberry.field(
        description="Plans waiting for your action (hộp việc), oldest first: each is a plan on "
        "which you may take an action now — receive, return or appraise a plan addressed to "
        "a unit where you appraise (thẩm định), approve or reject one where you approve, "
        "edit or resubmit a plan returned to a unit where you draft or submit. "
        "`overdue` flags decisions past their 30-working-day due date.",
        extensions=official(),
    )
    async def inbox(
        self,
        info: strawberry.Info[Context, None],
        first: int | None = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> InboxConnection:
        ctx = info.context
        request = page_request(first, after, BY_TIME)
        actions = awaited(ctx)
        return InboxConnection(
            page=paginate(
                request,
                lambda: ctx.db(
                    plan_lists.inbox, awaited=actions, after=request.after, limit=request.fetch
                ),
                # the order of the inbox: when the plan was sent, or made if never sent
                key=lambda row: (row.submitted_at or row.created_at, row.id),
                node=Plan.from_row,
                edge=InboxEdge,
            ),
            count=Once(lambda: ctx.db(plan_lists.inbox_count, awaited=actions)),
        )

    @strawberry.field(
        description="The validation report of a plan now (same as `Plan.validation`): HARD "
        "errors per entry and per plan, TARGET warnings with their values.",
        extensions=official(),
    )
    async def validate_plan(
        self, info: strawberry.Info[Context, None], plan: strawberry.ID
    ) -> ValidationReport | None:
        ctx = info.context
        plan_id = row_id_of(plan, "Plan")
        row = (await ctx.db(plans_db.by_ids, [plan_id])).get(plan_id)
        path = await ctx.db(access_db.unit_path, unit_id=row.planning_unit_id) if row else None
        if row is None or path is None or not ctx.allows("read", "plan", path):
            return None
        return await validation_report(ctx, row)

    @strawberry.field(
        description="The plans of a unit (its own, not its subtree's), newest first: empty "
        "where you may not read plans.",
        extensions=official(),
    )
    async def plans(
        self,
        info: strawberry.Info[Context, None],
        unit: strawberry.ID,
        first: int | None = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> PlanConnection:
        ctx = info.context
        request = page_request(first, after, BY_TIME)
        unit_id = row_id_of(unit, "Unit")
        reaches = ctx.reaches("read", "plan")
        return PlanConnection(
            page=paginate(
                request,
                lambda: ctx.db(
                    plan_lists.of_unit,
                    unit_id=unit_id,
                    reaches=reaches,
                    after=request.after,
                    limit=request.fetch,
                ),
                key=lambda row: (row.created_at, row.id),
                node=Plan.from_row,
                edge=PlanEdge,
            ),
            count=Once(lambda: ctx.db(plan_lists.count_of_unit, unit_id=unit_id, reaches=reaches)),
        )
