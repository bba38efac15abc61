"""What every plan mutation does around its decision: first find the plan the caller may see,
answer a retried request with its first answer, and authorize the action; last, present the
refusal the decision returned, or write the decision (``write``), remember the answer and
commit once (``settle``)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from db import (
    access as access_db,
    consolidation as consolidation_db,
    plans as plans_db,
    workflow as workflow_db,
)
from db.plan_models import Plan as PlanRow
from planning import decisions
from planning.decisions import Decision
from planning.lifecycle import STEPS, PlanAction, Side
from schema import idempotency
from schema.audit import actor
from schema.context import Context
from schema.node import row_id, to_global_id
from schema.outcomes import (
    IdempotencyKeyReused,
    InvalidTransition,
    NotAllowed,
    NotFound,
    StaleVersion,
    ValidationFailed,
    invalid_transition,
    not_allowed,
    not_found,
    stale_version,
    validation_failed,
)
from schema.plans.consolidation import taken_problems
from schema.plans.types import Plan

# What a plan mutation answers instead of the plan (the decision's refusals as clients read them).
PlanRefusal = NotAllowed | NotFound | StaleVersion | InvalidTransition | ValidationFailed


@strawberry.type(description="The plan after the change.")
class PlanPayload:
    plan: Plan


PlanResult = Annotated[
    PlanPayload
    | NotAllowed
    | NotFound
    | ValidationFailed
    | StaleVersion
    | InvalidTransition
    | IdempotencyKeyReused,
    strawberry.union("PlanResult"),
]


async def load(ctx: Context, plan_id: str) -> PlanRow | NotFound:
    """The plan, locked for this transaction, if the caller may see it at all."""
    row = row_id(plan_id, "Plan")
    plan = await ctx.db(plans_db.for_update, plan_id=row) if row else None
    path = await ctx.db(access_db.unit_path, unit_id=plan.planning_unit_id) if plan else None
    if plan is None or path is None or not ctx.allows("read", "plan", path):
        return not_found(ctx, plan_id)
    return plan


async def admit(
    ctx: Context, plan_id: str, action: PlanAction, *, key: str | None, given: object
) -> PlanRow | PlanPayload | IdempotencyKeyReused | NotFound | NotAllowed:
    """The plan, locked, if the caller may take ``action`` on it; else the answer to give:
    not found, the first answer of this retried request, or not allowed. A retry of an applied
    request is answered before the version check it would now fail."""
    plan = await load(ctx, plan_id)
    if isinstance(plan, NotFound):
        return plan
    replayed = await replay(ctx, key, action.value, given)
    if replayed is not None:
        return replayed
    refusal = await authorize(ctx, plan, action)
    return plan if refusal is None else refusal


async def authorize(ctx: Context, plan: PlanRow, action: PlanAction) -> NotAllowed | None:
    """Whether the caller's roles allow ``action`` on the unit the action is checked on."""
    step = STEPS[action]
    unit_id = plan.planning_unit_id if step.side is Side.PLANNING_UNIT else plan.approving_unit_id
    path = await ctx.db(access_db.unit_path, unit_id=unit_id)
    assert path is not None
    if ctx.allows(step.permission, "plan", path):
        return None
    return not_allowed(ctx, step.permission, "plan")


def refused(
    ctx: Context, refusal: decisions.Refusal
) -> StaleVersion | InvalidTransition | ValidationFailed | NotFound:
    """A decision's refusal as the client reads it."""
    if isinstance(refusal, decisions.StaleVersion):
        return stale_version(ctx, refusal.current_version)
    if isinstance(refusal, decisions.NotPossible):
        return invalid_transition(ctx, refusal.status, refusal.action)
    if isinstance(refusal, decisions.UnknownEntry):
        return not_found(ctx, to_global_id("PlanEntry", refusal.entry_id))
    assert isinstance(refusal, decisions.Problems)
    return validation_failed(ctx, refusal.problems)


async def settle(
    ctx: Context, plan: PlanRow, decided: Decision | decisions.Refusal, *, key: str | None
) -> PlanPayload | StaleVersion | InvalidTransition | ValidationFailed | NotFound:
    """Present the refusal; or write the decision, remember the answer for retries and commit."""
    written = await write(ctx, plan, decided)
    if isinstance(written, PlanPayload):
        await remember(ctx, key, plan)
        await ctx.session.commit()
    return written


async def write(
    ctx: Context, plan: PlanRow, decided: Decision | decisions.Refusal
) -> PlanPayload | StaleVersion | InvalidTransition | ValidationFailed | NotFound:
    """Present the refusal; or write the decision in the caller's transaction, uncommitted
    (``settle`` commits it; a bulk action remembers its own answer first)."""
    if not isinstance(decided, Decision):
        return refused(ctx, decided)
    try:
        await ctx.db(
            workflow_db.apply,
            plan,
            decided,
            actor_user_id=actor(ctx),
            now=ctx.now,
            rule_sets=ctx.rule_sets,
        )
    except consolidation_db.PersonTaken as lost:
        # Another successor's approval kept the person first, after this one's validation:
        # nothing of this approval was written.
        return validation_failed(ctx, taken_problems(list(lost.taken)))
    return PlanPayload(plan=Plan.from_row(plan))


async def record(
    ctx: Context,
    plan: PlanRow,
    action: str,
    *,
    reason: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    bump: bool = True,
) -> None:
    """Append an edit of the plan by the caller to its history and bump its version."""
    await ctx.db(
        workflow_db.record,
        plan,
        action,
        actor_user_id=actor(ctx),
        now=ctx.now,
        reason=reason,
        before=before,
        after=after,
        bump=bump,
    )


async def replay(
    ctx: Context, key: str | None, operation: str, given: object
) -> PlanPayload | IdempotencyKeyReused | None:
    """The first answer of a retried request, or None to go ahead (and remember the key)."""
    earlier = await idempotency.earlier_result(ctx, key, operation, given)
    if earlier is None or isinstance(earlier, IdempotencyKeyReused):
        return earlier
    plan = (await ctx.db(plans_db.by_ids, [earlier["plan_id"]]))[earlier["plan_id"]]
    return PlanPayload(plan=Plan.from_row(plan))


async def remember(ctx: Context, key: str | None, plan: PlanRow) -> None:
    await idempotency.remember(ctx, key, {"plan_id": plan.id})
