"""Extending the approval clock once (gia hạn, QĐ 377 Art. 23, DOMAIN.md §5.4): the approving
unit's organization committee, which received the dossier and keeps its clock, adds up to the
rule set's working days, with the reason. Not a transition: the plan keeps its status, its
history records an EXTEND_DEADLINE edit. Reads like the workflow: admit → decide
(planning/workflow.py ``extend_deadline``) → write, remember, commit once → present."""

from __future__ import annotations

import strawberry

from db import access as access_db, calendar as calendar_db, workflow as workflow_db
from db.plan_models import Plan as PlanRow
from planning import workflow
from planning.decisions import DeadlineExtension
from planning.lifecycle import PlanEdit
from schema.context import Context
from schema.outcomes import NotAllowed, NotFound, not_allowed
from schema.permissions import official
from schema.plans.guard import PlanPayload, PlanResult, load, record, refused, remember, replay
from schema.plans.types import Plan

# Who keeps the clock: whoever receives the dossier (APPRAISER, exact on the approving unit).
PERMISSION = "receive"


@strawberry.input(description="The one extension of a running approval clock, and why.")
class ExtendDeadlineInput:
    plan: strawberry.ID
    version: int
    working_days: int = strawberry.field(
        description="1 to the rule set's most (15 under QĐ 377), added to the due date."
    )
    reason: str
    idempotency_key: str | None = None


@strawberry.type
class DeadlineMutation:
    @strawberry.mutation(
        description="Extend the approval deadline of a received plan once (gia hạn, QĐ 377 "
        "Art. 23): `dueOn` moves by `workingDays` working days (at most 15); a reason is "
        "required. By the approving unit's appraisers, while the clock runs.",
        extensions=official(),
    )
    async def extend_deadline(
        self, info: strawberry.Info[Context, None], input: ExtendDeadlineInput
    ) -> PlanResult:
        ctx = info.context
        plan = await _admit(ctx, input)
        if not isinstance(plan, PlanRow):
            return plan
        calendar = await ctx.db(calendar_db.work_calendar, since=plan.due_on or ctx.today)
        decided = workflow.extend_deadline(
            workflow_db.state_of(plan),
            version=input.version,
            working_days=input.working_days,
            reason=input.reason,
            most=ctx.rule_sets[plan.rule_set].approval_extension_working_days,
            calendar=calendar,
        )
        if not isinstance(decided, DeadlineExtension):
            return refused(ctx, decided)
        dossier = decided.dossier
        assert plan.due_on is not None
        assert dossier.due_on is not None
        before = {"due_on": plan.due_on.isoformat()}
        plan.due_on, plan.extended_by = dossier.due_on, dossier.extended_by
        plan.extension_reason = dossier.extension_reason
        after = {"due_on": dossier.due_on.isoformat(), "extended_by": dossier.extended_by}
        await record(
            ctx,
            plan,
            PlanEdit.EXTEND_DEADLINE,
            reason=dossier.extension_reason,
            before=before,
            after=after,
        )
        await remember(ctx, input.idempotency_key, plan)
        await ctx.session.commit()
        return PlanPayload(plan=Plan.from_row(plan))


async def _admit(
    ctx: Context, input: ExtendDeadlineInput
) -> PlanRow | PlanPayload | NotFound | NotAllowed | PlanResult:
    """The plan, locked, if the caller keeps its clock; else the answer to give, as the
    workflow's ``admit`` gives it: not found, the first answer of a retry, not allowed."""
    plan = await load(ctx, input.plan)
    if isinstance(plan, NotFound):
        return plan
    replayed = await replay(ctx, input.idempotency_key, PlanEdit.EXTEND_DEADLINE.value, input)
    if replayed is not None:
        return replayed
    path = await ctx.db(access_db.unit_path, unit_id=plan.approving_unit_id)
    assert path is not None
    if not ctx.allows(PERMISSION, "plan", path):
        return not_allowed(ctx, PERMISSION, "plan")
    return plan
