"""Acting on many plans in one request: a province's organization committee or standing committee
facing a backlog receives, appraises, approves or returns plans in bulk (xử lý hàng loạt).

Each plan goes through exactly what its single mutation does — load, authorize, decide
(planning/workflow.py), write (guard.write) — and is **committed on its own**: a plan is never
half-written, one plan's refusal or failure never undoes another's success, and a batch holds
one plan's lock at a time, as a single mutation does. One transaction over the whole batch
would hold every plan's lock and the statistics rows approvals update until its end, blocking
the other approvers and deadlocking with them (a batch holding a province's rollup rows waits
for a plan another batch holds while that one waits for the rollup rows).

**Idempotent as a whole.** The batch's key is claimed with a fingerprint of the whole input, so
the same key with another input is ``IdempotencyKeyReused``. Each plan's answer, refusals
included, is remembered under a key derived from the batch's, in that plan's transaction: a
retry answers every plan as first answered without acting again, a concurrent retry waits for
each plan's first answer, and a retry after a failure midway answers the plans already settled
and goes on with the rest.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import Annotated, Any, Protocol, TypeVar

import strawberry

from db import calendar as calendar_db, plans as plans_db, workflow as workflow_db
from db.plan_models import Plan as PlanRow
from planning import workflow
from planning.decisions import Decision, Refusal
from planning.lifecycle import PlanAction
from planning.problems import Problem, problem
from schema import idempotency
from schema.context import Context
from schema.errors import ClientError
from schema.node import row_id
from schema.outcomes import (
    IdempotencyKeyReused,
    InvalidTransition,
    NotAllowed,
    NotFound,
    Problem as ProblemType,
    StaleVersion,
    ValidationFailed,
    validation_failed,
)
from schema.permissions import official
from schema.plans.guard import PlanPayload, authorize, load, write
from schema.plans.inputs import ApprovePlanInput, EntryResultInput
from schema.plans.types import Plan
from schema.plans.workflow import decide_appraisal, decide_approval

MAX_PLANS = 100  # a page of an inbox; beyond it one request would run for minutes
# Joins the batch's key and a plan's place in it into that plan's key (a control character no
# client puts in a key by accident).
_ITEM_KEY = "\x1f"

Outcome = PlanPayload | NotAllowed | NotFound | ValidationFailed | StaleVersion | InvalidTransition
PlanOutcome = Annotated[
    Outcome,
    strawberry.union(
        "PlanOutcome", description="What became of one plan: the answer its single mutation gives."
    ),
]


@strawberry.type(description="The outcome for one plan of a bulk action (xử lý hàng loạt).")
class PlanActionOutcome:
    plan: strawberry.ID = strawberry.field(description="The plan, as the input named it.")
    result: PlanOutcome = strawberry.field(
        description="The plan after the change, or why it was not changed."
    )


@strawberry.type(description="The answer to a bulk action: one outcome per plan.")
class PlanActionsPayload:
    results: list[PlanActionOutcome] = strawberry.field(
        description="One outcome per plan, in the order of the input."
    )


PlanActionsResult = Annotated[
    PlanActionsPayload | ValidationFailed | IdempotencyKeyReused,
    strawberry.union(
        "PlanActionsResult",
        description="The outcomes, plan by plan; or the batch refused as a whole (too many "
        "plans, a plan listed twice, a reused idempotency key), nothing done.",
    ),
]


@strawberry.input(description="A plan, at the version you read.")
class PlanAtVersionInput:
    plan: strawberry.ID = strawberry.field(description="The plan (danh sách quy hoạch).")
    version: int = strawberry.field(description="The plan's version you read (optimistic lock).")


@strawberry.input(description="A plan to return to its unit (trả lại), and why.")
class PlanReturnInput:
    plan: strawberry.ID = strawberry.field(description="The plan (danh sách quy hoạch).")
    version: int = strawberry.field(description="The plan's version you read (optimistic lock).")
    reason: str | None = strawberry.field(
        default=None, description="Lý do trả lại, yêu cầu bổ sung: required."
    )


@strawberry.input(description="The appraisal (thẩm định) of one received plan.")
class PlanAppraisalInput:
    plan: strawberry.ID = strawberry.field(description="The plan (danh sách quy hoạch).")
    version: int = strawberry.field(description="The plan's version you read (optimistic lock).")
    report: str = strawberry.field(description="Báo cáo thẩm định.")


@strawberry.input(description="The approval decision (quyết định phê duyệt) on one plan.")
class PlanApprovalInput:
    plan: strawberry.ID = strawberry.field(description="The plan (danh sách quy hoạch).")
    version: int = strawberry.field(description="The plan's version you read (optimistic lock).")
    decision_number: str = strawberry.field(description="Số quyết định phê duyệt.")
    decision_date: date = strawberry.field(description="Ngày quyết định.")
    results: list[EntryResultInput] = strawberry.field(
        default_factory=list,
        description="Entries not approved (with the reason); entries not listed are approved.",
    )

    def single(self) -> ApprovePlanInput:
        """The same decision as ``approvePlan`` takes it."""
        return ApprovePlanInput(
            plan=self.plan,
            version=self.version,
            decision_number=self.decision_number,
            decision_date=self.decision_date,
            results=self.results,
        )


_PLANS = f"At most {MAX_PLANS} plans, each listed once."
_KEY = "Makes retrying the whole batch safe: a retry answers every plan as first answered."


@strawberry.input(description="Plans to receive (tiếp nhận hồ sơ) in one request.")
class ReceivePlansInput:
    plans: list[PlanAtVersionInput] = strawberry.field(description=_PLANS)
    idempotency_key: str | None = strawberry.field(default=None, description=_KEY)


@strawberry.input(description="Plans to return to their units (trả lại) in one request.")
class ReturnPlansInput:
    plans: list[PlanReturnInput] = strawberry.field(description=_PLANS)
    idempotency_key: str | None = strawberry.field(default=None, description=_KEY)


@strawberry.input(description="Appraisals (thẩm định) of several plans in one request.")
class AppraisePlansInput:
    plans: list[PlanAppraisalInput] = strawberry.field(description=_PLANS)
    idempotency_key: str | None = strawberry.field(default=None, description=_KEY)


@strawberry.input(description="Approval decisions (phê duyệt) on several plans in one request.")
class ApprovePlansInput:
    plans: list[PlanApprovalInput] = strawberry.field(description=_PLANS)
    idempotency_key: str | None = strawberry.field(default=None, description=_KEY)


class _Item(Protocol):
    @property
    def plan(self) -> strawberry.ID: ...


ItemT = TypeVar("ItemT", bound=_Item)
ItemCo = TypeVar("ItemCo", bound=_Item, covariant=True)
# How one plan's transition is decided from the plan (locked) and its part of the input.
Decide = Callable[[PlanRow, ItemT], Awaitable[Decision | Refusal | NotFound]]


@strawberry.type
class BulkWorkflowMutation:
    @strawberry.mutation(
        description="Receive several complete dossiers (tiếp nhận), as `receivePlan` does each: "
        "one outcome per plan, in input order.",
        extensions=official(),
    )
    async def receive_plans(
        self, info: strawberry.Info[Context, None], input: ReceivePlansInput
    ) -> PlanActionsResult:
        ctx = info.context
        calendar = await ctx.db(calendar_db.work_calendar, since=ctx.today)

        async def decide(plan: PlanRow, item: PlanAtVersionInput) -> Decision | Refusal:
            return workflow.receive(
                workflow_db.state_of(plan),
                version=item.version,
                working_days=ctx.rule_sets[plan.rule_set].approval_working_days,
                calendar=calendar,
                now=ctx.now,
            )

        return await act_on_each(ctx, PlanAction.RECEIVE, "receivePlans", input, decide)

    @strawberry.mutation(
        description="Return several plans to their units (trả lại), as `returnPlan` does each; "
        "each needs its reason.",
        extensions=official(),
    )
    async def return_plans(
        self, info: strawberry.Info[Context, None], input: ReturnPlansInput
    ) -> PlanActionsResult:
        ctx = info.context

        async def decide(plan: PlanRow, item: PlanReturnInput) -> Decision | Refusal:
            return workflow.return_to_unit(
                workflow_db.state_of(plan), version=item.version, reason=item.reason
            )

        return await act_on_each(ctx, PlanAction.RETURN, "returnPlans", input, decide)

    @strawberry.mutation(
        description="Record the appraisal reports of several plans (thẩm định), as "
        "`appraisePlan` does each (with the findings as of now).",
        extensions=official(),
    )
    async def appraise_plans(
        self, info: strawberry.Info[Context, None], input: AppraisePlansInput
    ) -> PlanActionsResult:
        ctx = info.context

        async def decide(plan: PlanRow, item: PlanAppraisalInput) -> Decision | Refusal:
            return await decide_appraisal(ctx, plan, version=item.version, report=item.report)

        return await act_on_each(ctx, PlanAction.APPRAISE, "appraisePlans", input, decide)

    @strawberry.mutation(
        description="Approve several plans (phê duyệt), each entry by entry as `approvePlan` "
        "does: one outcome per plan, in input order.",
        extensions=official(),
    )
    async def approve_plans(
        self, info: strawberry.Info[Context, None], input: ApprovePlansInput
    ) -> PlanActionsResult:
        ctx = info.context

        async def decide(plan: PlanRow, item: PlanApprovalInput) -> Decision | Refusal | NotFound:
            return await decide_approval(ctx, plan, item.single())

        return await act_on_each(ctx, PlanAction.APPROVE, "approvePlans", input, decide)


class _Batch(Protocol[ItemCo]):
    """A bulk action's input: the plans, each with its part of the input, and one key."""

    @property
    def plans(self) -> Sequence[ItemCo]: ...

    @property
    def idempotency_key(self) -> str | None: ...


async def act_on_each(
    ctx: Context,
    action: PlanAction,
    operation: str,
    batch: _Batch[ItemT],
    decide: Decide[ItemT],
) -> PlanActionsResult:
    """Refuse a batch too large or naming a plan twice; answer a reused key; else take
    ``action`` on each plan in turn, each committed with its remembered answer."""
    problems = batch_problems([item.plan for item in batch.plans])
    if problems:
        return validation_failed(ctx, problems)
    key = batch.idempotency_key
    # Claimed in the first plan's transaction; a retry finds it and each plan's own answer.
    earlier = await idempotency.earlier_result(ctx, key, operation, batch)
    if isinstance(earlier, IdempotencyKeyReused):
        return earlier
    results = []
    for index, item in enumerate(batch.plans):
        item_key = f"{key}{_ITEM_KEY}{index}" if key else None
        result = await _settled(ctx, item_key, operation, item)
        if result is None:
            result = await _decided(ctx, action, item, decide)
            await idempotency.remember(ctx, item_key, _stored(result))
        await ctx.session.commit()  # this plan's change and answer, or its lock released
        results.append(PlanActionOutcome(plan=item.plan, result=result))
    await ctx.session.commit()  # an empty batch: its key
    return PlanActionsPayload(results=results)


def batch_problems(plans: Sequence[str]) -> list[Problem]:
    """Why a batch is refused as a whole: too many plans, or one plan listed twice (a batch
    decides each plan once; the second listing would only ever be stale)."""
    if len(plans) > MAX_PLANS:
        return [problem("TOO_MANY_PLANS", "plans", most=MAX_PLANS, given=len(plans))]
    seen: set[int | str] = set()
    repeated = []
    for plan in plans:
        identity = row_id(plan, "Plan") or plan
        if identity in seen and plan not in repeated:
            repeated.append(plan)
        seen.add(identity)
    return [problem("DUPLICATE_PLAN", "plans", plan=plan) for plan in repeated]


async def _decided(ctx: Context, action: PlanAction, item: ItemT, decide: Decide[ItemT]) -> Outcome:
    """What the single mutation does between admitting and committing: load (locked),
    authorize, decide, write."""
    plan = await load(ctx, item.plan)
    if isinstance(plan, NotFound):
        return plan
    refusal = await authorize(ctx, plan, action)
    if refusal is not None:
        return refusal
    decided = await decide(plan, item)
    if isinstance(decided, NotFound):
        return decided
    return await write(ctx, plan, decided)


# The refusals a plan's answer can be, by GraphQL type name, for replaying them.
_REFUSALS: dict[str, type[Any]] = {
    cls.__name__: cls for cls in (NotAllowed, NotFound, StaleVersion, InvalidTransition)
}


def _stored(result: object) -> dict[str, Any]:
    """A plan's answer as remembered: the plan's id, or the refusal as it was worded."""
    if isinstance(result, PlanPayload):
        return {"plan_id": result.plan.row.id}
    assert dataclasses.is_dataclass(result)
    assert not isinstance(result, type)
    return {"refusal": type(result).__name__, "fields": dataclasses.asdict(result)}


async def _settled(
    ctx: Context, item_key: str | None, operation: str, item: object
) -> (
    PlanPayload | NotAllowed | NotFound | ValidationFailed | StaleVersion | InvalidTransition | None
):
    """The answer a plan of this batch was first given, or None to act on it now (its key then
    stays claimed in this transaction until the plan's answer is committed)."""
    earlier = await idempotency.earlier_result(ctx, item_key, operation, item)
    if earlier is None:
        return None
    if isinstance(earlier, IdempotencyKeyReused):
        # Only a client putting the separator into its own keys can get here.
        raise ClientError("IDEMPOTENCY_KEY_REUSED")
    if "plan_id" in earlier:
        plan = (await ctx.db(plans_db.by_ids, [earlier["plan_id"]]))[earlier["plan_id"]]
        return PlanPayload(plan=Plan.from_row(plan))
    fields = earlier["fields"]
    if earlier["refusal"] == "ValidationFailed":
        problems = [ProblemType(**p) for p in fields["problems"]]
        return ValidationFailed(message=fields["message"], problems=problems)
    refusal: NotAllowed | NotFound | StaleVersion | InvalidTransition = _REFUSALS[
        earlier["refusal"]
    ](**fields)
    return refusal
