"""Moving a plan through its workflow (DOMAIN.md §5.1): submit, withdraw, receive, return,
appraise, approve, reject, reopen. Each resolver reads straight down: admit (load, replay,
authorize) → decide (planning/workflow.py) → settle (write, remember, commit, present)."""

from __future__ import annotations

import strawberry

from db import (
    calendar as calendar_db,
    consolidation as consolidation_db,
    reports as reports_db,
    workflow as workflow_db,
)
from db.plan_models import Plan as PlanRow
from planning import workflow
from planning.decisions import Decision, Problems, Refusal
from planning.lifecycle import PlanAction, PlanStatus, holds_place
from planning.problems import Problem, problem
from schema.context import Context
from schema.node import to_global_id
from schema.outcomes import NotFound, not_found
from schema.permissions import official
from schema.plans import consolidation
from schema.plans.guard import PlanResult, admit, refused, settle
from schema.plans.inputs import AppraisePlanInput, ApprovePlanInput, PlanActionInput


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
        plan = await admit(
            ctx, input.plan, PlanAction.SUBMIT, key=input.idempotency_key, given=input
        )
        if not isinstance(plan, PlanRow):
            return plan
        state = workflow_db.state_of(plan)
        # The report costs a dozen statements: not for a stale version or a wrong status.
        blocked = workflow.movable(state, PlanAction.SUBMIT, version=input.version)
        if not isinstance(blocked, PlanStatus):
            return refused(ctx, blocked)
        report = await ctx.db(reports_db.report_of, plan, rule_sets=ctx.rule_sets, today=ctx.today)
        entries = await ctx.db(workflow_db.entry_states, plan)
        decided = workflow.submit(
            state,
            entries,
            version=input.version,
            report=report,
            now=ctx.now,
            reason=input.reason,
        )
        return await settle(ctx, plan, decided, key=input.idempotency_key)

    @strawberry.mutation(
        description="Take a submitted plan back to draft (rút lại).", extensions=official()
    )
    async def withdraw_plan(
        self, info: strawberry.Info[Context, None], input: PlanActionInput
    ) -> PlanResult:
        ctx = info.context
        plan = await admit(
            ctx, input.plan, PlanAction.WITHDRAW, key=input.idempotency_key, given=input
        )
        if not isinstance(plan, PlanRow):
            return plan
        decided = workflow.withdraw(
            workflow_db.state_of(plan), version=input.version, reason=input.reason
        )
        return await settle(ctx, plan, decided, key=input.idempotency_key)

    @strawberry.mutation(
        description="Receive a complete dossier (tiếp nhận): starts the 30-working-day clock.",
        extensions=official(),
    )
    async def receive_plan(
        self, info: strawberry.Info[Context, None], input: PlanActionInput
    ) -> PlanResult:
        ctx = info.context
        plan = await admit(
            ctx, input.plan, PlanAction.RECEIVE, key=input.idempotency_key, given=input
        )
        if not isinstance(plan, PlanRow):
            return plan
        decided = workflow.receive(
            workflow_db.state_of(plan),
            version=input.version,
            working_days=ctx.rule_sets[plan.rule_set].approval_working_days,
            calendar=await ctx.db(calendar_db.work_calendar, since=ctx.today),
            now=ctx.now,
            reason=input.reason,
        )
        return await settle(ctx, plan, decided, key=input.idempotency_key)

    @strawberry.mutation(
        description="Return the plan to its unit (trả lại, yêu cầu bổ sung); a reason is required.",
        extensions=official(),
    )
    async def return_plan(
        self, info: strawberry.Info[Context, None], input: PlanActionInput
    ) -> PlanResult:
        ctx = info.context
        plan = await admit(
            ctx, input.plan, PlanAction.RETURN, key=input.idempotency_key, given=input
        )
        if not isinstance(plan, PlanRow):
            return plan
        decided = workflow.return_to_unit(
            workflow_db.state_of(plan), version=input.version, reason=input.reason
        )
        return await settle(ctx, plan, decided, key=input.idempotency_key)

    @strawberry.mutation(
        description="Record the appraisal report (thẩm định). The HARD findings of the "
        "validation as of now are kept with it (`Plan.appraisalFindings`: the entries the "
        "appraisal recommends not approving); they do not refuse the appraisal, the approver "
        "decides on them.",
        extensions=official(),
    )
    async def appraise_plan(
        self, info: strawberry.Info[Context, None], input: AppraisePlanInput
    ) -> PlanResult:
        ctx = info.context
        plan = await admit(
            ctx, input.plan, PlanAction.APPRAISE, key=input.idempotency_key, given=input
        )
        if not isinstance(plan, PlanRow):
            return plan
        decided = await decide_appraisal(ctx, plan, version=input.version, report=input.report)
        return await settle(ctx, plan, decided, key=input.idempotency_key)

    @strawberry.mutation(
        description="Approve the plan (phê duyệt), entry by entry: listed entries with "
        "`approved: false` are not approved (a reason is required); the others become ACTIVE. "
        "The entries to approve are validated as of now: an entry with a HARD finding must be "
        "refused (`ENTRY_BLOCKED` names it and the rule), a plan-wide one (e.g. Q2) resolved "
        "by refusals (`PLAN_BLOCKED`), or the plan returned. The decision date lies between "
        "the dossier's receipt and today (`DECISION_DATE_BEFORE_RECEIPT`, "
        "`DECISION_DATE_IN_FUTURE`).",
        extensions=official(),
    )
    async def approve_plan(
        self, info: strawberry.Info[Context, None], input: ApprovePlanInput
    ) -> PlanResult:
        ctx = info.context
        plan = await admit(
            ctx, input.plan, PlanAction.APPROVE, key=input.idempotency_key, given=input
        )
        if not isinstance(plan, PlanRow):
            return plan
        decided = await decide_approval(ctx, plan, input)
        if isinstance(decided, NotFound):
            return decided
        return await settle(ctx, plan, decided, key=input.idempotency_key)

    @strawberry.mutation(
        description="Reject the whole plan (không phê duyệt), with the reason.",
        extensions=official(),
    )
    async def reject_plan(
        self, info: strawberry.Info[Context, None], input: PlanActionInput
    ) -> PlanResult:
        ctx = info.context
        plan = await admit(
            ctx, input.plan, PlanAction.REJECT, key=input.idempotency_key, given=input
        )
        if not isinstance(plan, PlanRow):
            return plan
        entries = await ctx.db(workflow_db.entry_states, plan)
        decided = workflow.reject(
            workflow_db.state_of(plan),
            entries,
            version=input.version,
            reason=input.reason,
            now=ctx.now,
        )
        return await settle(ctx, plan, decided, key=input.idempotency_key)

    @strawberry.mutation(
        description="Unlock an approved plan for changes (mở lại), with the reason: its entries "
        "stop counting until it is approved again.",
        extensions=official(),
    )
    async def reopen_plan(
        self, info: strawberry.Info[Context, None], input: PlanActionInput
    ) -> PlanResult:
        ctx = info.context
        plan = await admit(
            ctx, input.plan, PlanAction.REOPEN, key=input.idempotency_key, given=input
        )
        if not isinstance(plan, PlanRow):
            return plan
        entries = await ctx.db(workflow_db.entry_states, plan)
        decided = workflow.reopen(
            workflow_db.state_of(plan),
            entries,
            version=input.version,
            reason=input.reason,
        )
        return await settle(ctx, plan, decided, key=input.idempotency_key)


async def decide_appraisal(
    ctx: Context, plan: PlanRow, *, version: int, report: str
) -> Decision | Refusal:
    """The appraisal of ``plan`` (appraisePlan and appraisePlans alike), with the validation
    as of now."""
    state = workflow_db.state_of(plan)
    blocked = workflow.movable(state, PlanAction.APPRAISE, version=version)
    if not isinstance(blocked, PlanStatus):
        return blocked  # the report costs a dozen statements: not for a refused action
    validation = await ctx.db(reports_db.report_of, plan, rule_sets=ctx.rule_sets, today=ctx.today)
    return workflow.appraise(state, version=version, report=report, validation=validation)


async def decide_approval(
    ctx: Context, plan: PlanRow, input: ApprovePlanInput
) -> Decision | Refusal | NotFound:
    """The approval of ``plan`` as ``input`` asks (approvePlan and approvePlans alike), on the
    validation as of now of the entries it would approve. A malformed entry id is answered
    after what the plan itself refuses (stale, not possible)."""
    state = workflow_db.state_of(plan)
    results = input.entry_results()
    blocked = workflow.movable(state, PlanAction.APPROVE, version=input.version)
    if not isinstance(results, list):
        return blocked if not isinstance(blocked, PlanStatus) else not_found(ctx, results)
    if not isinstance(blocked, PlanStatus):
        return blocked
    entries = await ctx.db(workflow_db.entry_states, plan)
    refused = workflow.refused_entries(results)
    # A consolidation may not keep a person another successor of the same split predecessor
    # kept first: the approval names that successor (the entry can be refused instead).
    keeping = [e.id for e in entries if holds_place(e.status, e.change) and e.id not in refused]
    taken = await ctx.db(consolidation_db.taken, plan=plan, entry_ids=keeping)
    if taken:
        return Problems(tuple(consolidation.taken_problems(taken)))
    report = await ctx.db(
        reports_db.report_of,
        plan,
        rule_sets=ctx.rule_sets,
        today=ctx.today,
        leaving_out=refused,
    )
    decided = workflow.approve(
        state,
        entries,
        version=input.version,
        results=results,
        decision=input.decision(),
        report=report,
        now=ctx.now,
    )
    return _named(decided) if isinstance(decided, Problems) else decided


def _named(refusal: Problems) -> Problems:
    """The blocked entries named by their global ids, as clients know them."""
    return Problems(tuple(_with_global_id(p) for p in refusal.problems))


def _with_global_id(found: Problem) -> Problem:
    if found.code != "ENTRY_BLOCKED":
        return found
    values = dict(found.values)
    return problem(
        "ENTRY_BLOCKED",
        found.field,
        blocked=to_global_id("PlanEntry", int(values["blocked"])),
        rule=values["rule"],
    )
