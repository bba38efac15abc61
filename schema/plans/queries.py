"""Reading plans: one by id, the plans of a unit, and the caller's inbox."""

from __future__ import annotations

import strawberry

from db import access as access_db, plans as plans_db
from schema.context import Context
from schema.node import row_id_of
from schema.pagination import (
    BY_TIME,
    DEFAULT_PAGE_SIZE,
    Connection,
    Edge,
    page_request,
    paginate,
)
from schema.permissions import official
from schema.plans.types import Plan, ValidationReport, validation_report


@strawberry.type(description="A plan waiting for you, with its cursor.")
class InboxEdge(Edge[Plan]):
    pass


@strawberry.type(description="Plans waiting for your action, oldest first.")
class InboxConnection(Connection[InboxEdge]):
    pass


@strawberry.type
class PlanQuery:
    @strawberry.field(
        description="Plans waiting for your action (hộp việc), oldest first: plans addressed to "
        "a unit where you receive, appraise or approve, and plans returned to a unit where you "
        "submit. `overdue` flags decisions past their 30-working-day due date.",
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
        approver_reaches = [
            *ctx.reaches("receive", "plan"),
            *ctx.reaches("appraise", "plan"),
            *ctx.reaches("approve", "plan"),
        ]
        return InboxConnection(
            page=paginate(
                request,
                lambda: ctx.db(
                    plans_db.inbox,
                    approver_reaches=approver_reaches,
                    submitter_reaches=ctx.reaches("submit", "plan") + ctx.reaches("draft", "plan"),
                    after=request.after,
                    limit=request.fetch,
                ),
                # the order of the inbox: when the plan was sent, or made if never sent
                key=lambda row: (row.submitted_at or row.created_at, row.id),
                node=Plan.from_row,
                edge=InboxEdge,
            )
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
        description="The plans of a unit (its own, not its subtree's), newest first.",
        extensions=official(),
    )
    async def plans(self, info: strawberry.Info[Context, None], unit: strawberry.ID) -> list[Plan]:
        ctx = info.context
        path = await ctx.db(access_db.unit_path, unit_id=row_id_of(unit, "Unit"))
        if path is None or not ctx.allows("read", "plan", path):
            return []
        rows = await ctx.db(plans_db.of_unit, unit_id=row_id_of(unit, "Unit"))
        return [Plan.from_row(row) for row in rows]
