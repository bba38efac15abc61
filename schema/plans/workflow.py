"""Moving a plan through its workflow (DOMAIN.md §5.1): submit, receive, return, appraise,
approve, reject, withdraw, reopen. The rules of the state machine live in planning.workflow."""

from __future__ import annotations

from datetime import date

import strawberry

from db import plans as plans_db
from db.plan_models import Plan as PlanRow
from planning.access import InputProblem
from planning.calendar import add_working_days
from planning.workflow import EntryStatus, PlanAction, PlanStatus
from schema.access.admin import row_id
from schema.context import Context
from schema.outcomes import NotFound, not_found, validation_failed
from schema.permissions import official
from schema.plans.drafting import PlanResult
from schema.plans.guard import PlanPayload, check, load, record, remember, replay
from schema.plans.report import report_for
from schema.plans.types import Plan

# The approval SLA: 30 working days from a complete dossier (QĐ 377 Art. 23, HD 45 II.3).
APPROVAL_WORKING_DAYS = 30


@strawberry.input(description="Which plan, at which version; a key makes retries safe.")
class PlanActionInput:
    plan: strawberry.ID
    version: int
    reason: str | None = None
    idempotency_key: str | None = None


@strawberry.input(description="The appraisal (thẩm định) of a received plan.")
class AppraisePlanInput:
    plan: strawberry.ID
    version: int
    report: str = strawberry.field(description="Báo cáo thẩm định.")
    idempotency_key: str | None = None


@strawberry.input(description="The decision on one entry; entries not listed are approved.")
class EntryResultInput:
    entry: strawberry.ID
    approved: bool
    reason: str | None = None


@strawberry.input(description="The approval decision (quyết định phê duyệt), possibly partial.")
class ApprovePlanInput:
    plan: strawberry.ID
    version: int
    decision_number: str
    decision_date: date
    results: list[EntryResultInput] = strawberry.field(default_factory=list)
    idempotency_key: str | None = None


async def _move(
    ctx: Context,
    plan_id: str,
    version: int,
    action: PlanAction,
    *,
    reason: str | None,
    key: str | None,
    given: object,
) -> tuple[PlanRow, PlanStatus] | PlanResult:
    plan = await load(ctx, plan_id)
    if isinstance(plan, NotFound):
        return plan
    replayed = await replay(ctx, key, action.value, given)
    if replayed is not None:
        return replayed
    verdict = await check(ctx, plan, action, version=version, reason=reason)
    if not isinstance(verdict, PlanStatus):
        return verdict
    return plan, verdict


async def _finish(
    ctx: Context,
    plan: PlanRow,
    to: PlanStatus,
    action: PlanAction,
    reason: str | None,
    key: str | None,
) -> PlanPayload:
    before = plan.status
    plan.status = to
    await record(ctx, plan, action.value, from_status=before, reason=reason)
    await remember(ctx, key, plan)
    await ctx.session.commit()
    return PlanPayload(plan=Plan.from_row(plan))


@strawberry.type
class WorkflowMutation:
    @strawberry.mutation(
        description="Submit the plan to its approving unit (trình). Refused while the "
        "validation report has HARD errors: they come back as `ValidationFailed`.",
        extensions=official(),
    )
    async def submit_plan(
        self, info: strawberry.Info[Context, None], input: PlanActionInput
    ) -> PlanResult:
        ctx = info.context
        moved = await _move(
            ctx,
            input.plan,
            input.version,
            PlanAction.SUBMIT,
            reason=input.reason,
            key=input.idempotency_key,
            given=input,
        )
        if not isinstance(moved, tuple):
            return moved
        plan, to = moved
        report = await report_for(ctx, plan)
        if report.blocks_submission:
            return validation_failed(
                ctx, [InputProblem(f.rule, "entries", f.vi, f.en) for f in report.errors]
            )
        plan.submitted_at = ctx.now
        return await _finish(ctx, plan, to, PlanAction.SUBMIT, input.reason, input.idempotency_key)

    @strawberry.mutation(
        description="Take a submitted plan back to draft (rút lại).", extensions=official()
    )
    async def withdraw_plan(
        self, info: strawberry.Info[Context, None], input: PlanActionInput
    ) -> PlanResult:
        ctx = info.context
        moved = await _move(
            ctx,
            input.plan,
            input.version,
            PlanAction.WITHDRAW,
            reason=input.reason,
            key=input.idempotency_key,
            given=input,
        )
        if not isinstance(moved, tuple):
            return moved
        plan, to = moved
        plan.received_at, plan.due_on = None, None
        return await _finish(
            ctx, plan, to, PlanAction.WITHDRAW, input.reason, input.idempotency_key
        )

    @strawberry.mutation(
        description="Receive a complete dossier (tiếp nhận): starts the 30-working-day clock.",
        extensions=official(),
    )
    async def receive_plan(
        self, info: strawberry.Info[Context, None], input: PlanActionInput
    ) -> PlanResult:
        ctx = info.context
        moved = await _move(
            ctx,
            input.plan,
            input.version,
            PlanAction.RECEIVE,
            reason=input.reason,
            key=input.idempotency_key,
            given=input,
        )
        if not isinstance(moved, tuple):
            return moved
        plan, to = moved
        holidays = await ctx.read(plans_db.holidays)
        plan.received_at = ctx.now
        plan.due_on = add_working_days(ctx.today, APPROVAL_WORKING_DAYS, holidays=holidays)
        return await _finish(ctx, plan, to, PlanAction.RECEIVE, input.reason, input.idempotency_key)

    @strawberry.mutation(
        description="Return the plan to its unit (trả lại, yêu cầu bổ sung); a reason is required.",
        extensions=official(),
    )
    async def return_plan(
        self, info: strawberry.Info[Context, None], input: PlanActionInput
    ) -> PlanResult:
        ctx = info.context
        moved = await _move(
            ctx,
            input.plan,
            input.version,
            PlanAction.RETURN,
            reason=input.reason,
            key=input.idempotency_key,
            given=input,
        )
        if not isinstance(moved, tuple):
            return moved
        plan, to = moved
        plan.received_at, plan.due_on = None, None
        return await _finish(ctx, plan, to, PlanAction.RETURN, input.reason, input.idempotency_key)

    @strawberry.mutation(
        description="Record the appraisal report (thẩm định).", extensions=official()
    )
    async def appraise_plan(
        self, info: strawberry.Info[Context, None], input: AppraisePlanInput
    ) -> PlanResult:
        ctx = info.context
        moved = await _move(
            ctx,
            input.plan,
            input.version,
            PlanAction.APPRAISE,
            reason=None,
            key=input.idempotency_key,
            given=input,
        )
        if not isinstance(moved, tuple):
            return moved
        plan, to = moved
        if not input.report.strip():
            return validation_failed(
                ctx,
                [
                    InputProblem(
                        "REPORT_REQUIRED", "report", "cần báo cáo thẩm định", "the report is empty"
                    )
                ],
            )
        plan.appraisal_report = input.report.strip()
        return await _finish(ctx, plan, to, PlanAction.APPRAISE, None, input.idempotency_key)

    @strawberry.mutation(
        description="Approve the plan (phê duyệt), entry by entry: listed entries with "
        "`approved: false` are not approved (a reason is required); the others become ACTIVE.",
        extensions=official(),
    )
    async def approve_plan(
        self, info: strawberry.Info[Context, None], input: ApprovePlanInput
    ) -> PlanResult:
        ctx = info.context
        moved = await _move(
            ctx,
            input.plan,
            input.version,
            PlanAction.APPROVE,
            reason=None,
            key=input.idempotency_key,
            given=input,
        )
        if not isinstance(moved, tuple):
            return moved
        plan, to = moved
        entries = (await ctx.read(plans_db.entries_of, [plan.id]))[plan.id]
        by_id = {e.id: e for e in entries if e.status is EntryStatus.PROPOSED}
        refused: dict[int, str] = {}
        problems = []
        for result in input.results:
            entry_id = row_id(result.entry, "PlanEntry")
            if entry_id not in by_id:
                return not_found(ctx, result.entry)
            if not result.approved:
                if not (result.reason and result.reason.strip()):
                    problems.append(
                        InputProblem(
                            "REASON_REQUIRED",
                            "results",
                            "cần nêu lý do không phê duyệt",
                            "a reason is required for each entry not approved",
                        )
                    )
                refused[entry_id] = (result.reason or "").strip()
        if not input.decision_number.strip():
            problems.append(
                InputProblem(
                    "DECISION_REQUIRED",
                    "decisionNumber",
                    "cần số quyết định",
                    "the decision number is empty",
                )
            )
        if problems:
            return validation_failed(ctx, problems)
        for entry in by_id.values():
            if entry.change == "REMOVE":
                entry.status = EntryStatus.REMOVED
            elif entry.id in refused:
                entry.status, entry.result_reason = EntryStatus.NOT_APPROVED, refused[entry.id]
            else:
                entry.status = EntryStatus.ACTIVE
        if plan.base_plan_id is not None:
            await ctx.read(plans_db.supersede, plan_id=plan.base_plan_id)
        plan.decided_at, plan.decision_number = ctx.now, input.decision_number.strip()
        plan.decision_date = input.decision_date
        return await _finish(ctx, plan, to, PlanAction.APPROVE, None, input.idempotency_key)

    @strawberry.mutation(
        description="Reject the whole plan (không phê duyệt), with the reason.",
        extensions=official(),
    )
    async def reject_plan(
        self, info: strawberry.Info[Context, None], input: PlanActionInput
    ) -> PlanResult:
        ctx = info.context
        moved = await _move(
            ctx,
            input.plan,
            input.version,
            PlanAction.REJECT,
            reason=input.reason,
            key=input.idempotency_key,
            given=input,
        )
        if not isinstance(moved, tuple):
            return moved
        plan, to = moved
        plan.decided_at = ctx.now
        return await _finish(ctx, plan, to, PlanAction.REJECT, input.reason, input.idempotency_key)

    @strawberry.mutation(
        description="Unlock an approved plan for changes (mở lại), with the reason: its entries "
        "stop counting until it is approved again.",
        extensions=official(),
    )
    async def reopen_plan(
        self, info: strawberry.Info[Context, None], input: PlanActionInput
    ) -> PlanResult:
        ctx = info.context
        moved = await _move(
            ctx,
            input.plan,
            input.version,
            PlanAction.REOPEN,
            reason=input.reason,
            key=input.idempotency_key,
            given=input,
        )
        if not isinstance(moved, tuple):
            return moved
        plan, to = moved
        for entry in (await ctx.read(plans_db.entries_of, [plan.id]))[plan.id]:
            if entry.status in (EntryStatus.ACTIVE, EntryStatus.NOT_APPROVED):
                entry.status, entry.result_reason = EntryStatus.PROPOSED, None
        plan.decided_at = plan.decision_number = plan.decision_date = None
        plan.received_at = plan.due_on = plan.submitted_at = None
        return await _finish(ctx, plan, to, PlanAction.REOPEN, input.reason, input.idempotency_key)
