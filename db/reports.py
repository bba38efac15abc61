"""A plan's validation report: load what the pure rules of planning/validation.py need, then
call them. Submission (schema and demo alike) and the report a client reads use this one."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from db import (
    consolidation as consolidation_db,
    lineage as lineage_db,
    persons as persons_db,
    plans as plans_db,
    positions as positions_db,
    reference as reference_db,
    units as units_db,
)
from db.models import Unit
from db.plan_models import Plan, Position
from planning.cycles import AgeAt, age_reference
from planning.eligibility import Candidate, Discipline
from planning.lifecycle import holds_place
from planning.persons import BirthDate
from planning.positions import PositionBody
from planning.quotas import Ballot, Sized, committee_seats
from planning.retirement import Sex
from planning.rulesets import (
    DisciplineForm,
    RuleSet,
)
from planning.validation import EntryToCheck, PlannedPosition, Report, validate


async def sized_positions(
    session: AsyncSession,
    *,
    unit: Unit,
    cycle: str,
    positions: Iterable[Position],
    rules: RuleSet,
) -> dict[int, Sized]:
    """The seats each position counts on in a plan of ``unit`` for ``cycle`` (Q4–Q6): its
    configured seats capped at the committee size of the unit's merger, the number of its
    predecessors read from the lineage (an unmerged unit counts as one)."""
    merged_from = len((await lineage_db.predecessors_of(session, [unit.id])).get(unit.id, []))
    return {
        p.id: committee_seats(
            unit_kind=unit.kind,
            code=p.code,
            cycle=cycle,
            merged_from=max(merged_from, 1),
            seats=p.seats,
            rules=rules,
        )
        for p in positions
    }


async def report_of(
    session: AsyncSession,
    plan: Plan,
    *,
    rule_sets: Mapping[str, RuleSet],
    today: date,
    leaving_out: Collection[int] = frozenset(),
) -> Report:
    """The plan's report under its rule set, as of ``today``; without the entries
    ``leaving_out`` (an approval validates the entries it would approve, not those it refuses)."""
    shipped = rule_sets[plan.rule_set]
    entries = [
        e
        for e in (await plans_db.entries_of(session, [plan.id]))[plan.id]
        if holds_place(e.status, e.change) and e.id not in leaving_out
    ]
    person_ids = sorted({e.person_id for e in entries})
    persons = await persons_db.by_ids(session, person_ids)
    disciplines = await persons_db.disciplines_of(session, person_ids)
    unit = (await units_db.by_ids(session, [plan.planning_unit_id]))[plan.planning_unit_id]
    province = await plans_db.province_of(session, unit_path=unit.path)
    rules = await reference_db.as_applied(
        session, shipped, province_id=province.id if province else None
    )
    positions = await positions_db.effective_positions(
        session,
        sorted({e.position_id for e in entries}),
        province_id=province.id if province else None,
    )
    elsewhere = await plans_db.planned_elsewhere(
        session,
        person_ids=person_ids,
        cycle_id=plan.cycle_id,
        managed_by=plan.managed_by,
        except_plan=plan.id,
    )
    cycle = (await plans_db.cycles_by_ids(session, [plan.cycle_id]))[plan.cycle_id]
    sized = await sized_positions(
        session, unit=unit, cycle=cycle.code, positions=positions.values(), rules=rules
    )
    kept_elsewhere = {
        t.entry_id: t.unit.name
        for t in await consolidation_db.taken(session, plan=plan, entry_ids=[e.id for e in entries])
    }

    def age_at(body: PositionBody) -> AgeAt:
        return age_reference(
            rules=rules,
            kind=plan.kind,
            reference_months=cycle.reference_months,
            planning_level=unit.kind,
            body=body,
            decided_on=plan.decision_date,
            due_on=plan.due_on,
            today=today,
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
                tier=entry.tier,
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
                    sci_tech=person.is_sci_tech,
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
                age_at=age_at(positions[entry.position_id].body).month,
            )
        )
    return validate(
        entries=checks,
        positions={
            p.id: PlannedPosition(
                p.id,
                p.title,
                sized[p.id].seats,
                p.committee_seat,
                p.rank,
                p.political_theory_required,
            )
            for p in positions.values()
        },
        sized={i: size for i, size in sized.items() if size.capped},
        kept_elsewhere=kept_elsewhere,
        elsewhere=elsewhere,
        level=unit.kind,
        age_at=age_at(PositionBody.PARTY),
        on=today,
        rules=rules,
    )
