"""The subscriptions (theo dõi trực tiếp): a plan feed, one plan, and the caller's inbox.

Each waits on its watch (schema/live/hub.py), then reads in a moment of its own
(schema/live/connection.py) what its caller may see, exactly as the queries read it: the feed
subscriptions page through ``planEvents``'s own feed from their cursor, so a client that
reconnects with its last cursor misses nothing and sees nothing twice; the inbox reads which of
the notified plans wait on the caller now.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime, time, timedelta
from typing import Any

import strawberry

from db import plan_lists
from planning.lifecycle import overdue as is_overdue
from schema.enums import InboxMove
from schema.executor import answered_in
from schema.live.connection import LiveConnection
from schema.live.hub import PlanNotice, Watch
from schema.node import row_id_of, to_global_id
from schema.pagination import BY_NUMBER
from schema.permissions import logged_in, official
from schema.plans.feed import PlanChangeEdge, changes
from schema.plans.queries import awaited
from schema.plans.types import Plan

PAGE = 100  # events read at once while catching up
HELD_BACK_S = 0.05  # the first wait for an event an older running transaction holds back
HELD_BACK_MAX_S = 1.0

LiveInfo = strawberry.Info[LiveConnection, None]


@strawberry.type(description="How a plan moved in your inbox (hộp việc).")
class InboxChange:
    change: InboxMove = strawberry.field(description="ENTERED, CHANGED or LEFT.")
    plan_id: strawberry.ID = strawberry.field(description="The plan's id.")
    plan: Plan | None = strawberry.field(
        description="The plan now (status, dueOn, overdue, viewerCan…); null if you may no "
        "longer read it."
    )


async def _follow(
    live: LiveConnection,
    watch: Watch,
    unit_path: str,
    after: tuple[int, int] | None,
    plan_id: int | None = None,
) -> AsyncGenerator[PlanChangeEdge, None]:
    """The feed of ``unit_path`` (of one plan) after ``after``: the table, then live."""
    pending = 0  # the newest transaction a notice named that the feed has not yet settled
    held_back = HELD_BACK_S
    while True:
        _, latest, _ = watch.take()
        pending = max(pending, latest)
        async with live.moment() as ctx:
            settled = await ctx.db(plan_lists.settled_below)
            page = await changes(ctx, unit_path, after=after, limit=PAGE, plan_id=plan_id)
            for change in page:
                after = change.key()
                edge = PlanChangeEdge(cursor=BY_NUMBER.cursor(after), node=change.present())
                yield answered_in(edge, ctx)
        if len(page) == PAGE:
            continue  # catching up
        if pending >= settled:
            # An older transaction is still running: the notified event is held back until it
            # ends (the feed never serves an event another could precede).
            await watch.wait(held_back)
            held_back = min(held_back * 2, HELD_BACK_MAX_S)
            continue
        pending, held_back = 0, HELD_BACK_S
        await watch.wait()


@strawberry.type(description="Live updates over WebSocket (graphql-transport-ws): see docs/api.md.")
class Subscription:
    @strawberry.subscription(
        description="The plan changes of a unit's subtree as they commit: `planEvents` as a "
        "stream, with the same edges and cursors. With `after`, first every change after that "
        "cursor (from the table), then live ones: keep the last cursor and resume with it after "
        "a disconnect, missing none and seeing none twice. Without it, from the first change, "
        "as the query.",
        extensions=logged_in(),
    )
    async def plan_events(
        self, info: LiveInfo, unit: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[PlanChangeEdge, None]:
        live = info.context
        start = BY_NUMBER.position(after)
        unit_id = row_id_of(unit, "Unit")
        async with live.moment() as ctx:
            subtree = await ctx.loaders.unit.load(unit_id)
        if subtree is None:
            return
        path = subtree.path

        def concerns(notice: PlanNotice) -> bool:
            planning = notice.planning_path
            return (planning == path or planning.startswith(path + ".")) and live.within_wall(
                planning
            )

        async with live.watching(concerns) as watch:
            async for event in _follow(live, watch, path, start):
                yield event

    @strawberry.subscription(
        description="The changes of one plan as they commit, as `planEvents` edges (same "
        "cursors), from the first or after `after`, then live. Nothing comes for a plan you "
        "may not read.",
        extensions=logged_in(),
    )
    async def plan_changed(
        self, info: LiveInfo, plan: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[PlanChangeEdge, None]:
        live = info.context
        start = BY_NUMBER.position(after)
        plan_id = row_id_of(plan, "Plan")
        async with live.watching(lambda notice: notice.plan_id == plan_id) as watch:
            while True:  # until the plan is visible (it may become so, as grants change)
                async with live.moment() as ctx:
                    row = await ctx.loaders.plan.load(plan_id)
                    unit = await ctx.loaders.unit.load(row.planning_unit_id) if row else None
                if unit is not None:
                    break
                await watch.wait()
                watch.take()
            async for event in _follow(live, watch, unit.path, start, plan_id=plan_id):
                yield event

    @strawberry.subscription(
        description="Your inbox (hộp việc) as plans move: a plan ENTERED it (it waits on you "
        "now), CHANGED in it, or LEFT it. No snapshot: subscribe first, then query `inbox`, "
        "and apply the changes to what it answered.",
        extensions=official(),
    )
    async def inbox_changed(self, info: LiveInfo) -> AsyncGenerator[InboxChange, None]:
        live = info.context
        waiting: set[int] = set()

        def concerns(notice: PlanNotice) -> bool:
            return (
                notice.plan_id in waiting
                or live.within_wall(notice.planning_path)
                or live.within_wall(notice.approving_path)
            )

        async with live.watching(concerns) as watch:
            async with live.moment() as ctx:
                found = await ctx.db(plan_lists.waiting_among, awaited=awaited(ctx), plan_ids=None)
                today = ctx.today
            waiting = {plan.id for plan in found}
            due = {plan.id: (plan.status, plan.due_on) for plan in found}
            while True:
                # Woken by a change, or at midnight: a plan waiting on you past its due date
                # turns overdue then, with no event of its own.
                await watch.wait(_until_tomorrow(live.services.clock()))
                notified, _, everything = watch.take()
                async with live.moment() as ctx:
                    turned = {
                        plan_id
                        for plan_id, (status, due_on) in due.items()
                        if is_overdue(status, due_on, today)
                        != is_overdue(status, due_on, ctx.today)
                    }
                    today = ctx.today
                    asked = None if everything else sorted(notified | turned)
                    found = await ctx.db(
                        plan_lists.waiting_among, awaited=awaited(ctx), plan_ids=asked
                    )
                    now = {plan.id: plan for plan in found}
                    moved = sorted(set(now) | (waiting if everything else notified | turned))
                    for plan_id in moved:
                        move = InboxMove.of(waited=plan_id in waiting, waits=plan_id in now)
                        if move is None:
                            continue
                        row = now.get(plan_id) or await _readable(ctx, plan_id)
                        change = InboxChange(
                            change=move,
                            plan_id=strawberry.ID(to_global_id("Plan", plan_id)),
                            plan=Plan.from_row(row) if row is not None else None,
                        )
                        yield answered_in(change, ctx)
                    waiting = (waiting - set(moved)) | set(now)
                    for plan_id in moved:
                        due.pop(plan_id, None)
                    due.update((plan.id, (plan.status, plan.due_on)) for plan in found)


def _until_tomorrow(now: datetime) -> float:
    """Seconds until the next day starts on the server's clock (Vietnam time)."""
    tomorrow = datetime.combine(now.date() + timedelta(days=1), time(), now.tzinfo)
    return max((tomorrow - now).total_seconds(), 0.0)


async def _readable(ctx: Any, plan_id: int) -> Any:
    """The plan, if the caller may still read it (a plan that left an inbox may stay visible)."""
    row = await ctx.loaders.plan.load(plan_id)
    unit = await ctx.loaders.unit.load(row.planning_unit_id) if row else None
    return row if unit is not None and ctx.allows("read", "plan", unit.path) else None
