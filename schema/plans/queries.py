"""Reading plans: one by id, the plans of a unit, and the caller's inbox."""

from __future__ import annotations

import base64
import json
from datetime import datetime

import strawberry

from db import access as access_db, plans as plans_db
from schema.context import Context
from schema.errors import ClientError
from schema.node import row_id_of
from schema.pagination import DEFAULT_PAGE_SIZE, PageInfo, page_info, page_size
from schema.permissions import official
from schema.plans.types import Plan, ValidationReport, validation_report


def _cursor(at: datetime, plan_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([at.isoformat(), plan_id]).encode()).decode()


def _position(cursor: str | None) -> tuple[datetime, int] | None:
    if cursor is None:
        return None
    try:
        at, plan_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return datetime.fromisoformat(at), int(plan_id)
    except (ValueError, TypeError):
        raise ClientError("INVALID_CURSOR") from None


@strawberry.type(description="A plan waiting for you, with its cursor.")
class InboxEdge:
    cursor: str
    node: Plan


@strawberry.type(description="Plans waiting for your action, oldest first.")
class InboxConnection:
    edges: list[InboxEdge]
    page_info: PageInfo


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
        limit = page_size(first)
        position = _position(after)
        approver_reaches = [
            *ctx.reaches("receive", "plan"),
            *ctx.reaches("appraise", "plan"),
            *ctx.reaches("approve", "plan"),
        ]
        rows = await ctx.db(
            plans_db.inbox,
            approver_reaches=approver_reaches,
            submitter_reaches=ctx.reaches("submit", "plan") + ctx.reaches("draft", "plan"),
            after=position,
            limit=limit + 1,
        )
        edges = [
            InboxEdge(
                cursor=_cursor(row.submitted_at or row.created_at, row.id), node=Plan.from_row(row)
            )
            for row in rows[:limit]
        ]
        return InboxConnection(
            edges=edges,
            page_info=page_info(
                [edge.cursor for edge in edges],
                fetched=len(rows),
                limit=limit,
                had_previous=position is not None,
            ),
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
