"""The change feed of plans: every event, in an order that never skips one, for syncing."""

from __future__ import annotations

import base64
import json
from datetime import datetime

import strawberry

from db import plans as plans_db
from schema.context import Context
from schema.enums import PlanStatus
from schema.errors import ClientError
from schema.node import row_id_of, to_global_id
from schema.pagination import DEFAULT_PAGE_SIZE, PageInfo, page_info, page_size
from schema.permissions import logged_in
from schema.units.types import Unit, tree_date


@strawberry.type(description="One change of a plan (submitted, approved, entry added…).")
class PlanChange:
    at: datetime
    plan: strawberry.ID
    action: str
    from_status: PlanStatus | None
    to_status: PlanStatus | None
    reason: str | None = strawberry.field(description="Officials only; null for integrators.")
    planning_unit_id: strawberry.Private[int]

    @strawberry.field(description="The unit whose plan changed.")
    async def planning_unit(self, info: strawberry.Info[Context, None]) -> Unit:
        row = await info.context.loaders.unit.load(self.planning_unit_id)
        assert row is not None
        return Unit.from_row(row, at=tree_date(row, None, info.context.today))


@strawberry.type(description="A change with its cursor.")
class PlanChangeEdge:
    cursor: str = strawberry.field(description="Resume after it with `after`; keep the last one.")
    node: PlanChange


@strawberry.type(description="A page of plan changes, oldest first.")
class PlanChangeConnection:
    edges: list[PlanChangeEdge]
    page_info: PageInfo


def _cursor(txid: int, event_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([txid, event_id]).encode()).decode()


def _position(cursor: str | None) -> tuple[int, int] | None:
    if cursor is None:
        return None
    try:
        txid, event_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return int(txid), int(event_id)
    except (ValueError, TypeError):
        raise ClientError("INVALID_CURSOR") from None


@strawberry.type
class FeedQuery:
    @strawberry.field(
        description="Plan changes in a unit's subtree, oldest first, for incremental sync: keep "
        "the last cursor and ask again with `after`. The order is by commit, so a change is "
        "never skipped or repeated, across restarts too; changes of transactions still running "
        "appear once they commit. Integrators get no reasons (they may hold personal data).",
        extensions=logged_in(),
    )
    async def plan_events(
        self,
        info: strawberry.Info[Context, None],
        unit: strawberry.ID,
        after: str | None = None,
        first: int | None = DEFAULT_PAGE_SIZE,
    ) -> PlanChangeConnection:
        ctx = info.context
        limit = page_size(first)
        position = _position(after)
        subtree = await ctx.loaders.unit.load(row_id_of(unit, "Unit"))
        if subtree is None:
            raise ClientError("INVALID_ID", id=unit, expected="Unit")
        rows = await ctx.db(
            plans_db.event_feed,
            reaches=ctx.reaches("read", "statistics"),
            unit_path=subtree.path,
            after=position,
            limit=limit + 1,
        )
        edges = []
        for txid, event, plan in rows[:limit]:
            planning = await ctx.loaders.unit.load(plan.planning_unit_id)
            official = planning is not None and ctx.allows("read", "plan", planning.path)
            edges.append(
                PlanChangeEdge(
                    cursor=_cursor(txid, event.id),
                    node=PlanChange(
                        at=event.at,
                        plan=to_global_id("Plan", plan.id),
                        action=event.action,
                        from_status=event.from_status,
                        to_status=event.to_status,
                        reason=event.reason if official else None,
                        planning_unit_id=plan.planning_unit_id,
                    ),
                )
            )
        return PlanChangeConnection(
            edges=edges,
            page_info=page_info(
                [e.cursor for e in edges],
                fetched=len(rows),
                limit=limit,
                had_previous=position is not None,
            ),
        )
