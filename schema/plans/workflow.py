"""Moving a plan through its workflow (DOMAIN.md §5.1): submit, receive, return, appraise,
approve, reject, withdraw, reopen. The rules of the state machine live in planning.workflow."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

import strawberry

from db import facts as facts_db, plans as plans_db, rollups
from db.plan_models import Plan as PlanRow
from planning.access import InputProblem
from planning.calendar import add_working_days
from planning.workflow import EntryStatus, PlanAction, PlanStatus
from schema.context import Context
from schema.node import row_id
from schema.outcomes import NotFound, not_found, validation_failed
from schema.permissions import official
from schema.plans.drafting import PlanResult
from schema.plans.guard import PlanPayload, check, load, record, remember, replay
from schema.plans.report import report_for
from schema.plans.types import Plan


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


Effect = Callable[[PlanRow], Awaitable[PlanResult | None]]


async def _nothing(plan: PlanRow) -> None:
    return None


async def _act(
    ctx: Context,
    action: PlanAction,
    *,
    plan_id: str,
    version: int,
    reason: str | None,
    key: str | None,
    given: object,
    effect: Effect = _nothing,
) -> PlanResult:
    """Load, replay, check, apply ``effect`` (which may refuse), move, record, commit."""
    plan = await load(ctx, plan_id)
    if isinstance(plan, NotFound):
        return plan
    replayed = await replay(ctx, key, action.value, given)
    if replayed is not None:
        return replayed
    to = await check(ctx, plan, action, version=version, reason=reason)
    if not isinstance(to, PlanStatus):
        return to
    refusal = await effect(plan)
    if refusal is not None:
        return refusal
    before = plan.status
    plan.status = to
    await record(ctx, plan, action.value, from_status=before, reason=reason)
    await remember(ctx, key, plan)
    await ctx.session.commit()
    return PlanPayload(plan=Plan.from_row(plan))


def _simple(
    ctx: Context, action: PlanAction, input: PlanActionInput, effect: Effect = _nothing
) -> Awaitable[PlanResult]:
    return _act(
        ctx,
        action,
        plan_id=input.plan,
        version=input.version,
        reason=input.reason,
        key=input.idempotency_key,
        given=input,
        effect=effect,
    )


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

        async def valid(plan: PlanRow) -> PlanResult | None:
            report = await report_for(ctx, plan)
            if report.blocks_submission:
                return validation_failed(
                    ctx, [InputProblem(f.rule, "entries", f.vi, f.en) for f in report.errors]
                )
            plan.submitted_at = ctx.now
            return None

        return await _simple(ctx, PlanAction.SUBMIT, input, valid)

    @strawberry.mutation(
        description="Take a submitted plan back to draft (rút lại).", extensions=official()
    )
    async def withdraw_plan(
        self, info: strawberry.Info[Context, None], input: PlanActionInput
    ) -> PlanResult:
        return await _simple(info.context, PlanAction.WITHDRAW, input, _stop_clock)

    @strawberry.mutation(
        description="Receive a complete dossier (tiếp nhận): starts the 30-working-day clock.",
        extensions=official(),
    )
    async def receive_plan(
        self, info: strawberry.Info[Context, None], input: PlanActionInput
    ) -> PlanResult:
        ctx = info.context

        async def start_clock(plan: PlanRow) -> None:
            holidays = await ctx.db(plans_db.holidays)
            plan.received_at = ctx.now
            days = ctx.rule_sets[plan.rule_set].approval_working_days
            plan.due_on = add_working_days(ctx.today, days, holidays=holidays)

        return await _simple(ctx, PlanAction.RECEIVE, input, start_clock)

    @strawberry.mutation(
        description="Return the plan to its unit (trả lại, yêu cầu bổ sung); a reason is required.",
        extensions=official(),
    )
    async def return_plan(
        self, info: strawberry.Info[Context, None], input: PlanActionInput
    ) -> PlanResult:
        return await _simple(info.context, PlanAction.RETURN, input, _stop_clock)

    @strawberry.mutation(
        description="Record the appraisal report (thẩm định).", extensions=official()
    )
    async def appraise_plan(
        self, info: strawberry.Info[Context, None], input: AppraisePlanInput
    ) -> PlanResult:
        ctx = info.context

        async def report(plan: PlanRow) -> PlanResult | None:
            if not input.report.strip():
                problem = InputProblem(
                    "REPORT_REQUIRED", "report", "cần báo cáo thẩm định", "the report is empty"
                )
                return validation_failed(ctx, [problem])
            plan.appraisal_report = input.report.strip()
            return None

        return await _act(
            ctx,
            PlanAction.APPRAISE,
            plan_id=input.plan,
            version=input.version,
            reason=None,
            key=input.idempotency_key,
            given=input,
            effect=report,
        )

    @strawberry.mutation(
        description="Approve the plan (phê duyệt), entry by entry: listed entries with "
        "`approved: false` are not approved (a reason is required); the others become ACTIVE.",
        extensions=official(),
    )
    async def approve_plan(
        self, info: strawberry.Info[Context, None], input: ApprovePlanInput
    ) -> PlanResult:
        ctx = info.context

        async def decide(plan: PlanRow) -> PlanResult | None:
            entries = (await ctx.db(plans_db.entries_of, [plan.id]))[plan.id]
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
            active = [e for e in by_id.values() if e.status is EntryStatus.ACTIVE]
            facts = await ctx.db(
                facts_db.facts_of, [(plan, active)], rule_sets=ctx.rule_sets, today=ctx.today
            )
            await ctx.db(rollups.add, facts, at=ctx.now)
            if plan.base_plan_id is not None:
                base = await ctx.db(plans_db.supersede, plan_id=plan.base_plan_id)
                if base is not None:
                    # Its status changes too: the feed and its history must say so.
                    await record(ctx, base, "SUPERSEDE", from_status=PlanStatus.APPROVED)
                await ctx.db(rollups.remove, plan_id=plan.base_plan_id, at=ctx.now)
            plan.decided_at, plan.decision_number = ctx.now, input.decision_number.strip()
            plan.decision_date = input.decision_date
            return None

        return await _act(
            ctx,
            PlanAction.APPROVE,
            plan_id=input.plan,
            version=input.version,
            reason=None,
            key=input.idempotency_key,
            given=input,
            effect=decide,
        )

    @strawberry.mutation(
        description="Reject the whole plan (không phê duyệt), with the reason.",
        extensions=official(),
    )
    async def reject_plan(
        self, info: strawberry.Info[Context, None], input: PlanActionInput
    ) -> PlanResult:
        ctx = info.context

        async def decided(plan: PlanRow) -> None:
            plan.decided_at = ctx.now

        return await _simple(ctx, PlanAction.REJECT, input, decided)

    @strawberry.mutation(
        description="Unlock an approved plan for changes (mở lại), with the reason: its entries "
        "stop counting until it is approved again.",
        extensions=official(),
    )
    async def reopen_plan(
        self, info: strawberry.Info[Context, None], input: PlanActionInput
    ) -> PlanResult:
        ctx = info.context

        async def unlock(plan: PlanRow) -> None:
            await ctx.db(rollups.remove, plan_id=plan.id, at=ctx.now)
            for entry in (await ctx.db(plans_db.entries_of, [plan.id]))[plan.id]:
                if entry.status in (EntryStatus.ACTIVE, EntryStatus.NOT_APPROVED):
                    entry.status, entry.result_reason = EntryStatus.PROPOSED, None
            plan.decided_at = plan.decision_number = plan.decision_date = None
            plan.received_at = plan.due_on = plan.submitted_at = None

        return await _simple(ctx, PlanAction.REOPEN, input, unlock)


async def _stop_clock(plan: PlanRow) -> None:
    plan.received_at, plan.due_on = None, None
