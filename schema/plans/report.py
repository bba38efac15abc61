"""Assemble a plan's validation report: load what the pure rules need, then call them."""

from __future__ import annotations

from fractions import Fraction

from db import persons as persons_db, plans as plans_db, reference as reference_db
from db.models import Unit
from db.plan_models import Plan as PlanRow
from planning.cycles import PlanKind, age_reference_month
from planning.eligibility import Candidate, Discipline
from planning.persons import BirthDate
from planning.quotas import Ballot
from planning.retirement import Month, Sex
from planning.rulesets import CandidateTier, DisciplineForm, Indicator, with_province_targets
from planning.validation import EntryToCheck, PlannedPosition, Report, validate
from planning.workflow import EntryStatus
from schema.context import Context

COUNTED = (EntryStatus.PROPOSED, EntryStatus.ACTIVE)


async def report_for(ctx: Context, plan: PlanRow) -> Report:
    """The plan's report under its rule set, on the caller's today."""
    shipped = ctx.rule_sets[plan.rule_set]
    entries = [
        e
        for e in (await ctx.db(plans_db.entries_of, [plan.id]))[plan.id]
        if e.status in COUNTED and e.change != "REMOVE"
    ]
    person_ids = sorted({e.person_id for e in entries})
    persons = await ctx.db(persons_db.by_ids, person_ids)
    disciplines = await ctx.db(persons_db.disciplines_of, person_ids)
    unit: Unit | None = await ctx.loaders.unit.load(plan.planning_unit_id)
    assert unit is not None
    province = await ctx.db(plans_db.province_of, unit_path=unit.path)
    own = (
        await ctx.db(reference_db.province_targets, province_id=province.id, rule_set=plan.rule_set)
        if province
        else {}
    )
    rules = with_province_targets(
        shipped,
        {Indicator(k): (Fraction(str(v)), young) for k, (v, young) in own.items()},
    )
    positions = await ctx.db(
        plans_db.effective_positions,
        sorted({e.position_id for e in entries}),
        province_id=province.id if province else None,
    )
    elsewhere = await ctx.db(
        plans_db.planned_elsewhere,
        person_ids=person_ids,
        managed_by=plan.managed_by,
        except_plan=plan.id,
    )
    cycle = (await ctx.db(plans_db.cycles_by_ids, [plan.cycle_id]))[plan.cycle_id]

    def age_at(body: str) -> Month:
        return age_reference_month(
            rules=rules,
            kind=PlanKind(plan.kind),
            reference_months=cycle.reference_months,
            planning_level=unit.kind,
            body=body,
            today=ctx.today,
        )

    checks = []
    for entry in entries:
        person = persons[entry.person_id]
        last_ballot = entry.ballots[-1] if entry.ballots else None
        checks.append(
            EntryToCheck(
                entry_id=entry.id,
                person_id=entry.person_id,
                position_id=entry.position_id,
                tier=CandidateTier(entry.tier),
                candidate=Candidate(
                    sex=Sex(person.sex),
                    birth=BirthDate(person.birth_year, person.birth_month).month_for_rules(),
                    retirement_override_months=person.retirement_override_months,
                    current_rank=person.current_rank,
                    disciplines=tuple(
                        Discipline(DisciplineForm(d.form), d.decided_on)
                        for d in disciplines[person.id]
                    ),
                    political_standard_ok=person.political_standard_ok,
                    proposed_for_appointment=person.proposed_for_appointment,
                    political_theory=person.political_theory,
                ),
                decisive_ballot=(
                    Ballot(
                        summoned=last_ballot["summoned"],
                        present=last_ballot["present"],
                        votes_for=last_ballot["votes_for"],
                    )
                    if last_ballot
                    else None
                ),
                age_at=age_at(positions[entry.position_id].body),
            )
        )
    return validate(
        entries=checks,
        positions={
            p.id: PlannedPosition(
                p.id, p.title, p.seats, p.committee_seat, p.rank, p.political_theory_required
            )
            for p in positions.values()
        },
        elsewhere=elsewhere,
        level=unit.kind,
        age_at=age_at("PARTY"),
        on=ctx.today,
        rules=rules,
    )
