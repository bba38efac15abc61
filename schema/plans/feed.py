"""The change feeds: every plan event, in an order that never skips one, for syncing; and the
audit trail of a subtree's records and reference data, for its administrators."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import strawberry

from db import plan_lists
from db.plan_models import Plan as PlanRow, PlanEvent
from schema.audit_trail import AuditEventConnection, audit_events
from schema.context import Context
from schema.enums import PlanStatus
from schema.errors import ClientError
from schema.node import row_id_of, to_global_id
from schema.pagination import (
    BY_NUMBER,
    DEFAULT_PAGE_SIZE,
    CountedConnection,
    Edge,
    Once,
    described,
    page_request,
    paginate,
)
from schema.permissions import logged_in, official
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


@described(cursor="Resume after it with `after`; keep the last one.")
@strawberry.type(description="A change with its cursor.")
class PlanChangeEdge(Edge[PlanChange]):
    pass


@described(
    edges="The changes of this page, in feed order.",
    page_info="Whether more changes follow now; keep `endCursor` to ask again later.",
    total_count="How many changes the feed holds now, over all pages (one more statement): "
    "with `after`, still the whole feed, not what follows the cursor.",
)
@strawberry.type(description="A page of plan changes, oldest first.")
class PlanChangeConnection(CountedConnection[PlanChangeEdge]):
    pass


class Change(NamedTuple):
    txid: int  # the committing transaction: the feed's order, with the event id
    event: PlanEvent
    plan: PlanRow
    official: bool  # whether the caller may read the plan itself, reasons included

    def key(self) -> tuple[int, int]:
        """Its place in the feed, which its cursor holds."""
        return self.txid, self.event.id

    def present(self) -> PlanChange:
        return PlanChange(
            at=self.event.at,
            plan=to_global_id("Plan", self.plan.id),
            action=self.event.action,
            from_status=self.event.from_status,
            to_status=self.event.to_status,
            reason=self.event.reason if self.official else None,
            planning_unit_id=self.plan.planning_unit_id,
        )


async def changes(
    ctx: Context,
    unit_path: str,
    *,
    after: tuple[int, int] | None,
    limit: int,
    plan_id: int | None = None,
) -> list[Change]:
    """The feed of ``unit_path``'s subtree after ``after`` (of one plan, given ``plan_id``), as
    the caller may see it: the query's pages and the subscriptions' events (schema/live/)."""
    found = await ctx.db(
        plan_lists.event_feed,
        reaches=ctx.reaches("read", "statistics"),
        unit_path=unit_path,
        after=after,
        limit=limit,
        plan_id=plan_id,
    )
    planning = await ctx.loaders.unit.load_many([plan.planning_unit_id for *_, plan in found])
    return [
        Change(txid, event, plan, row is not None and ctx.allows("read", "plan", row.path))
        for (txid, event, plan), row in zip(found, planning, strict=True)
    ]


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
        request = page_request(first, after, BY_NUMBER)
        subtree = await ctx.loaders.unit.load(row_id_of(unit, "Unit"))
        if subtree is None:
            raise ClientError("INVALID_ID", id=unit, expected="Unit")

        return PlanChangeConnection(
            page=paginate(
                request,
                lambda: changes(ctx, subtree.path, after=request.after, limit=request.fetch),
                key=Change.key,
                node=Change.present,
                edge=PlanChangeEdge,
            ),
            count=Once(
                lambda: ctx.db(
                    plan_lists.event_feed_count,
                    reaches=ctx.reaches("read", "statistics"),
                    unit_path=subtree.path,
                )
            ),
        )

    @strawberry.field(
        description="The audit trail (nhật ký thay đổi) of a unit's subtree, newest first: "
        "every change to cadre records, grants and accounts, and reference data (targets, "
        "seats, deadlines; holidays and cycles at the national root), with who, when, before "
        "and after. For administrators: only what lies where you administer accounts.",
        extensions=official(),
    )
    async def audit_events(
        self,
        info: strawberry.Info[Context, None],
        unit: strawberry.ID,
        first: int | None = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> AuditEventConnection:
        return await audit_events(info.context, unit, first, after)
