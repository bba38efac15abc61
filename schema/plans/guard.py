"""What every plan mutation does first: load and lock, authorize, check version and status,
replay a retried request; and what it does last: record the event, bump the version."""

from __future__ import annotations

from typing import Any

import strawberry

from db import access as access_db, plans as plans_db
from db.plan_models import Plan as PlanRow
from planning.access import InputProblem
from planning.workflow import (
    STEPS,
    InvalidTransition as Refused,
    PlanAction,
    PlanStatus,
    ReasonRequired,
    Side,
    next_status,
)
from schema import idempotency
from schema.context import Context
from schema.errors import Language
from schema.node import row_id
from schema.outcomes import (
    IdempotencyKeyReused,
    InvalidTransition,
    NotAllowed,
    NotFound,
    StaleVersion,
    ValidationFailed,
    not_allowed,
    not_found,
    stale_version,
    validation_failed,
)
from schema.plans.types import Plan

Refusal = NotAllowed | NotFound | StaleVersion | InvalidTransition | ValidationFailed


@strawberry.type(description="The plan after the change.")
class PlanPayload:
    plan: Plan


async def load(ctx: Context, plan_id: str) -> PlanRow | NotFound:
    """The plan, locked for this transaction, if the caller may see it at all."""
    row = row_id(plan_id, "Plan")
    plan = await ctx.db(plans_db.for_update, plan_id=row) if row else None
    path = await ctx.db(access_db.unit_path, unit_id=plan.planning_unit_id) if plan else None
    if plan is None or path is None or not ctx.allows("read", "plan", path):
        return not_found(ctx, plan_id)
    return plan


async def side_path(ctx: Context, plan: PlanRow, side: Side) -> str:
    unit_id = plan.planning_unit_id if side is Side.PLANNING_UNIT else plan.approving_unit_id
    path = await ctx.db(access_db.unit_path, unit_id=unit_id)
    assert path is not None
    return path


async def check(
    ctx: Context, plan: PlanRow, action: PlanAction, *, version: int, reason: str | None = None
) -> PlanStatus | Refusal:
    """The plan's next status, or why the caller may not take ``action`` now."""
    step = STEPS[action]
    if not ctx.allows(step.permission, "plan", await side_path(ctx, plan, step.side)):
        return not_allowed(ctx, step.permission, "plan")
    if version != plan.version:
        return stale_version(ctx, plan.version)
    try:
        return next_status(plan.status, action, reason=reason)
    except Refused:
        english = ctx.language is Language.EN
        return InvalidTransition(
            message=(
                f"A {plan.status} plan cannot be {action.lower()}ed."
                if english
                else f"Không thể thực hiện {action} khi danh sách đang ở trạng thái {plan.status}."
            ),
            status=plan.status.value,
            action=action.value,
        )
    except ReasonRequired:
        return validation_failed(
            ctx,
            [InputProblem("REASON_REQUIRED", "reason", "cần nêu lý do", "a reason is required")],
        )


async def record(
    ctx: Context,
    plan: PlanRow,
    action: str,
    *,
    from_status: PlanStatus | None = None,
    reason: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    bump: bool = True,
) -> None:
    """Append the change to the plan's history and bump its version (not on creation)."""
    assert ctx.principal is not None
    if bump:
        plan.version += 1
    await ctx.db(
        plans_db.add_event,
        plan_id=plan.id,
        at=ctx.now,
        actor_user_id=ctx.principal.user_id,
        action=action,
        from_status=from_status,
        to_status=plan.status if from_status is not None else None,
        reason=reason,
        before=before,
        after=after,
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
