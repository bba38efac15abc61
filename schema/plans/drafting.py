"""Drafting plans: create one, add, change and remove entries (clerks of the planning unit)."""

from __future__ import annotations

import strawberry

from db import (
    access as access_db,
    persons as persons_db,
    plans as plans_db,
    positions as positions_db,
    removals as removals_db,
    reports as reports_db,
    workflow as workflow_db,
)
from db.plan_models import Plan as PlanRow, PlanEntry as PlanEntryRow
from db.uniques import Taken
from planning import workflow
from planning.cycles import PlanKind
from planning.decisions import Problems
from planning.lifecycle import (
    EntryChange,
    EntrySource,
    PlanAction,
    PlanEdit,
    PlanStatus,
    holds_place,
)
from planning.problems import Problem, problem
from planning.quotas import addition_problems, ballot_problems, leadership_titles
from planning.rulesets import in_force
from planning.units import closed_problem
from schema.context import Context
from schema.messages import Language
from schema.node import row_id, to_global_id
from schema.outcomes import NotFound, not_allowed, not_found, validation_failed
from schema.permissions import official
from schema.plans import consolidation
from schema.plans.guard import (
    PlanPayload,
    PlanRefusal,
    PlanResult,
    authorize,
    load,
    record,
    refused,
    remember,
    replay,
)
from schema.plans.inputs import (
    AddPlanEntryInput,
    BallotInput,
    CreatePlanInput,
    RemovePlanEntryInput,
    UpdatePlanEntryInput,
)
from schema.plans.types import Plan, removal_reason
from schema.units.types import successors_named


@strawberry.type
class DraftingMutation:
    @strawberry.mutation(
        description="Start a plan for a unit, cycle and approving body (xây dựng quy hoạch). An "
        "annual review starts from the approved plan and records only changes against it. A "
        "consolidation (of a unit that continues others after a reorganisation, for a cycle "
        "they approved) starts from the ACTIVE entries of its predecessors' approved plans, "
        "each under its new title with its `origin`; titles with no successor are listed in "
        "`consolidationLeftovers` (`NOT_A_SUCCESSOR`, `NO_PREDECESSOR_PLAN`). It takes the "
        "place of the unit's next-term plan for the cycle (`PLAN_EXISTS`).",
        extensions=official(),
    )
    async def create_plan(
        self, info: strawberry.Info[Context, None], input: CreatePlanInput
    ) -> PlanResult:
        ctx = info.context
        unit_id = row_id(input.unit, "Unit")
        unit = await ctx.loaders.unit.load(unit_id) if unit_id else None
        if unit is None:
            return not_found(ctx, input.unit)
        if not ctx.allows("draft", "plan", unit.path):
            return not_allowed(ctx, "draft", "plan")
        replayed = await replay(ctx, input.idempotency_key, "createPlan", input)
        if replayed is not None:
            return replayed
        closed = closed_problem(
            unit.valid_to,
            today=ctx.today,
            field="unit",
            successors=await successors_named(ctx, unit),
        )
        if closed is not None:
            return validation_failed(ctx, [closed])
        source = await _source_plan(ctx, input.from_plan, unit_id=unit.id)
        if isinstance(source, NotFound):
            return source
        cycle = await ctx.db(plans_db.cycle_by_code, code=input.cycle)
        approver = await ctx.db(
            plans_db.approving_unit,
            planning_path=unit.path,
            managed_by=input.managed_by,
            at=ctx.today,
        )
        holdable = await ctx.db(
            positions_db.holdable_positions, unit=unit, managed_by=input.managed_by, today=ctx.today
        )
        rule_set = input.rule_set or in_force(ctx.rule_sets, on=ctx.today).code
        problems = []
        if cycle is None:
            problems.append(problem("UNKNOWN_CYCLE", "cycle", cycle=input.cycle))
        if approver is None:
            problems.append(problem("NO_APPROVING_UNIT", "managedBy", level=input.managed_by.value))
        elif not holdable:
            # The body would approve nothing: none of the titles this unit plans is its to manage.
            problems.append(problem("NOTHING_MANAGED", "managedBy", level=input.managed_by.value))
        if rule_set not in ctx.rule_sets:
            problems.append(problem("UNKNOWN_RULE_SET", "ruleSet", rule_set=rule_set))
        if source is not None:
            problems += _restart_problems(source, input, cycle_id=cycle.id if cycle else None)
        if problems:
            return validation_failed(ctx, problems)
        assert cycle is not None
        assert approver is not None
        base = None
        if input.kind is PlanKind.ANNUAL_REVIEW:
            base = await ctx.db(
                plans_db.approved_plan,
                unit_id=unit.id,
                cycle_id=cycle.id,
                managed_by=input.managed_by,
            )
            if base is None:
                return validation_failed(
                    ctx,
                    [problem("NO_APPROVED_PLAN", "kind")],
                )
        elif await ctx.db(
            plans_db.live_next_term_plan,
            unit_id=unit.id,
            cycle_id=cycle.id,
            managed_by=input.managed_by,
        ):
            return validation_failed(
                ctx,
                [problem("PLAN_EXISTS", "unit")],
            )
        # After PLAN_EXISTS: once a consolidation is approved its predecessors' plans are
        # superseded, and a second one is refused for existing, not for finding nothing.
        elif input.kind is PlanKind.CONSOLIDATION and (
            refusal := await consolidation.problems(ctx, unit, cycle)
        ):
            return validation_failed(ctx, refusal)
        try:
            plan = await ctx.db(
                plans_db.add_plan,
                planning_unit_id=unit.id,
                approving_unit_id=approver.id,
                cycle_id=cycle.id,
                kind=input.kind,
                managed_by=input.managed_by,
                rule_set=rule_set,
                base_plan_id=base.id if base else None,
                from_plan_id=source.id if source else None,
                created_at=ctx.now,
            )
        except Taken:  # created by a concurrent request since the check above
            return validation_failed(ctx, [problem("PLAN_EXISTS", "unit")])
        created: dict[str, object] = {"rule_set": rule_set, "kind": input.kind.value}
        entries: list[PlanEntryRow] = []
        if base is not None:
            # Entries a removal proposal is open on come over marked REMOVE, with its reason.
            proposals = (await ctx.db(removals_db.open_of_plans, [base.id]))[base.id]
            entries += await ctx.db(
                plans_db.carry_over,
                base_plan_id=base.id,
                review_plan_id=plan.id,
                removing={p.entry_id: removal_reason(p, Language.VI) for p in proposals},
            )
            # The review's history says which entries it started from (each KEEP).
            created["base_plan_id"] = base.id
        if input.kind is PlanKind.CONSOLIDATION:
            # The predecessors' approved entries, each with its origin (each a KEEP), and the
            # leftovers whose title has no successor; the history names the origin plans.
            kept, recorded = await consolidation.begin(ctx, plan, unit, holdable)
            entries += kept
            created.update(recorded)
        if source is not None:
            entries += await ctx.db(
                plans_db.restart,
                from_plan_id=source.id,
                plan_id=plan.id,
                holdable={p.id for p in holdable},
            )
            # The history says which rejected plan it starts again from (each copy an ADD).
            created["from_plan_id"] = source.id
        if entries:
            created["entries"] = [_kept(entry) for entry in entries]
        await record(ctx, plan, PlanEdit.CREATE, after=created, bump=False)
        await remember(ctx, input.idempotency_key, plan)
        await ctx.session.commit()
        return PlanPayload(plan=Plan.from_row(plan))

    @strawberry.mutation(
        description="Plan a person for a position of the plan (thêm lượt quy hoạch).",
        extensions=official(),
    )
    async def add_plan_entry(
        self, info: strawberry.Info[Context, None], input: AddPlanEntryInput
    ) -> PlanResult:
        ctx = info.context
        plan = await load(ctx, input.plan)
        if isinstance(plan, NotFound):
            return plan
        # A retry of an applied request is answered before the version check it would fail.
        replayed = await replay(ctx, input.idempotency_key, "addPlanEntry", input)
        if replayed is not None:
            return replayed
        refusal = await editable(ctx, plan, version=input.version)
        if refusal is not None:
            return refusal
        person_id, position_id = row_id(input.person, "Person"), row_id(input.position, "Position")
        # Locking the person serialises concurrent plans adding them (Q3 counts across plans).
        person = await ctx.db(persons_db.for_update, person_id=person_id) if person_id else None
        person_path = await ctx.db(access_db.unit_path, unit_id=person.unit_id) if person else None
        if person is None or person_path is None or not ctx.allows("read", "person", person_path):
            return not_found(ctx, input.person)
        unit = await ctx.loaders.unit.load(plan.planning_unit_id)
        assert unit is not None
        allowed = {
            p.id
            for p in await ctx.db(
                positions_db.holdable_positions,
                unit=unit,
                managed_by=plan.managed_by,
                today=ctx.today,
            )
        }
        if position_id not in allowed:
            return not_found(ctx, input.position)
        problems = _ballot_problems(input.ballots) + _source_problems(input.source)
        if await ctx.db(
            plans_db.entry_exists, plan_id=plan.id, person_id=person.id, position_id=position_id
        ):
            problems.append(problem("DUPLICATE_ENTRY", "person"))
        problems += await _cap_problems(ctx, plan, person.id, position_id)
        if problems:
            return validation_failed(ctx, problems)
        entry = await ctx.db(
            plans_db.add_entry,
            plan_id=plan.id,
            person_id=person.id,
            position_id=position_id,
            tier=input.tier,
            source=EntrySource(input.source),
            change=EntryChange.ADD,
            ballots=[vars(b) for b in input.ballots],
        )
        await record(
            ctx,
            plan,
            PlanEdit.ADD_ENTRY,
            after={
                "entry_id": entry.id,
                "person_id": person.id,
                "position_id": position_id,
                "change": entry.change.value,
                "status": entry.status.value,
                "tier": entry.tier,
                "source": entry.source,
                "ballots": entry.ballots,
            },
        )
        await remember(ctx, input.idempotency_key, plan)
        await ctx.session.commit()
        return PlanPayload(plan=Plan.from_row(plan))

    @strawberry.mutation(
        description="Change an entry of a draft: tier, source, ballots.", extensions=official()
    )
    async def update_plan_entry(
        self, info: strawberry.Info[Context, None], input: UpdatePlanEntryInput
    ) -> PlanResult:
        ctx = info.context
        found = await _editable_entry(ctx, input.entry, version=input.version)
        if not isinstance(found, tuple):
            return found
        entry, plan = found
        problems = _ballot_problems(input.ballots or []) + _source_problems(input.source)
        if problems:
            return validation_failed(ctx, problems)
        before = {"tier": entry.tier, "source": entry.source, "ballots": entry.ballots}
        if input.tier is not None:
            entry.tier = input.tier
        if input.source is not None:
            entry.source = EntrySource(input.source)
        if input.ballots is not None:
            entry.ballots = [vars(b) for b in input.ballots]
        await record(
            ctx,
            plan,
            PlanEdit.UPDATE_ENTRY,
            before={"entry_id": entry.id, **before},
            after={
                "entry_id": entry.id,
                "tier": entry.tier,
                "source": entry.source,
                "ballots": entry.ballots,
            },
        )
        await ctx.session.commit()
        return PlanPayload(plan=Plan.from_row(plan))

    @strawberry.mutation(
        description="Take an entry out of a draft (đưa ra khỏi quy hoạch), with the reason. In "
        "an annual review this records a removal from the approved set.",
        extensions=official(),
    )
    async def remove_plan_entry(
        self, info: strawberry.Info[Context, None], input: RemovePlanEntryInput
    ) -> PlanResult:
        ctx = info.context
        found = await _editable_entry(ctx, input.entry, version=input.version)
        if not isinstance(found, tuple):
            return found
        entry, plan = found
        removal = workflow.remove_entry(workflow_db.entry_state(entry), reason=input.reason)
        if isinstance(removal, Problems):
            return validation_failed(ctx, removal.problems)
        before = {"entry_id": entry.id, "change": entry.change, "status": entry.status.value}
        entry.change, entry.status = removal.change, removal.status
        entry.removal_reason = removal.reason
        await record(
            ctx,
            plan,
            PlanEdit.REMOVE_ENTRY,
            reason=entry.removal_reason,
            before=before,
            after={"entry_id": entry.id, "change": entry.change, "status": entry.status.value},
        )
        await ctx.session.commit()
        return PlanPayload(plan=Plan.from_row(plan))


async def editable(ctx: Context, plan: PlanRow, *, version: int) -> PlanRefusal | None:
    """Why the caller may not edit the plan now (roles, version, status), or None."""
    not_allowed_here = await authorize(ctx, plan, PlanAction.EDIT)
    if not_allowed_here is not None:
        return not_allowed_here
    status = workflow.movable(workflow_db.state_of(plan), PlanAction.EDIT, version=version)
    return None if isinstance(status, PlanStatus) else refused(ctx, status)


async def _editable_entry(
    ctx: Context, entry_gid: strawberry.ID, *, version: int
) -> tuple[PlanEntryRow, PlanRow] | PlanRefusal:
    """The entry and its plan, both locked, if the caller may edit that plan now; an entry
    of a plan the caller may not see is not found, like the plan itself."""
    entry_id = row_id(entry_gid, "PlanEntry")
    entry = await ctx.db(plans_db.entry_for_update, entry_id=entry_id) if entry_id else None
    if entry is None:
        return not_found(ctx, entry_gid)
    plan = await load(ctx, to_global_id("Plan", entry.plan_id))
    if isinstance(plan, NotFound):
        return not_found(ctx, entry_gid)
    refusal = await editable(ctx, plan, version=version)
    return (entry, plan) if refusal is None else refusal


async def _source_plan(
    ctx: Context, given: str | None, *, unit_id: int
) -> PlanRow | NotFound | None:
    """The plan ``fromPlan`` names, if it is one of the unit's own (else not found, as a plan
    the caller may not see); None when none is named."""
    if given is None:
        return None
    row = row_id(given, "Plan")
    source = (await ctx.db(plans_db.by_ids, [row])).get(row) if row else None
    if source is None or source.planning_unit_id != unit_id:
        return not_found(ctx, given)
    return source


def _restart_problems(
    source: PlanRow, given: CreatePlanInput, *, cycle_id: int | None
) -> list[Problem]:
    """A plan starts again only from a rejected plan, and as the same plan: cycle, kind and
    approving body (so the rejected plan's place is the one it takes)."""
    if source.status is not PlanStatus.REJECTED:
        return [problem("PLAN_NOT_REJECTED", "fromPlan", status=source.status.value)]
    same = (source.cycle_id, source.kind, source.managed_by)
    if cycle_id is not None and same != (cycle_id, given.kind, given.managed_by):
        return [problem("FROM_PLAN_MISMATCH", "fromPlan")]
    return []


def _kept(entry: PlanEntryRow) -> dict[str, object]:
    kept: dict[str, object] = {
        "entry_id": entry.id,
        "person_id": entry.person_id,
        "position_id": entry.position_id,
        "change": entry.change.value,
        "status": entry.status.value,
    }
    if entry.removal_reason is not None:  # came over marked REMOVE (a removal proposal)
        kept["reason"] = entry.removal_reason
    if entry.origin_entry_id is not None:  # a consolidation's, kept from a predecessor
        kept["origin_entry_id"] = entry.origin_entry_id
    return kept


def _ballot_problems(ballots: list[BallotInput]) -> list[Problem]:
    return ballot_problems([b.ballot() for b in ballots])


def _source_problems(source: str | None) -> list[Problem]:
    if source is None or source in set(EntrySource):
        return []
    return [problem("BAD_SOURCE", "source")]


async def _cap_problems(
    ctx: Context, plan: PlanRow, person_id: int, position_id: int
) -> list[Problem]:
    """Q1/Q2 and Q3 at write time, on what the plan's and the person's locks hold still."""
    unit = await ctx.loaders.unit.load(plan.planning_unit_id)
    assert unit is not None
    province = await ctx.db(plans_db.province_of, unit_path=unit.path)
    effective = await ctx.db(
        positions_db.effective_positions,
        [position_id],
        province_id=province.id if province else None,
    )
    position = effective[position_id]
    cycle = await ctx.loaders.cycle.load(plan.cycle_id)
    assert cycle is not None
    rules = ctx.rule_sets[plan.rule_set]
    # The seats of the committee sizes the validation counts on (Q4–Q6), not more.
    seats = (
        await ctx.db(
            reports_db.sized_positions,
            unit=unit,
            cycle=cycle.code,
            positions=[position],
            rules=rules,
        )
    )[position_id].seats
    entries = (await ctx.db(plans_db.entries_of, [plan.id]))[plan.id]
    live = [e for e in entries if holds_place(e.status, e.change)]
    elsewhere = await ctx.db(
        plans_db.planned_elsewhere,
        person_ids=[person_id],
        cycle_id=plan.cycle_id,
        managed_by=plan.managed_by,
        except_plan=plan.id,
    )
    positions = await ctx.db(
        positions_db.positions_by_ids, [e.position_id for e in live if e.person_id == person_id]
    )
    here = leadership_titles({p.id: p.committee_seat for p in positions.values()})
    return addition_problems(
        title=position.title,
        seats=seats,
        committee_seat=position.committee_seat,
        planned=sum(e.position_id == position_id for e in live),
        held=frozenset(here | elsewhere.get(person_id, frozenset()) | {position_id}),
        rules=rules,
    )
