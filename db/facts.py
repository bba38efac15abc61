"""The facts of approved (or to-be-approved) entries: load what ``planning.facts.fact_of``
needs, in one statement per kind of row, and let it decide."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from db import (
    persons as persons_db,
    plans as plans_db,
    positions as positions_db,
    reference as reference_db,
    units as units_db,
)
from db.plan_models import Plan, PlanEntry
from planning.cycles import age_reference
from planning.facts import Fact, PersonAttributes, PlanningUnit, PositionAttributes, fact_of
from planning.persons import BirthDate
from planning.positions import PositionBody
from planning.rulesets import RuleSet


async def facts_of(
    session: AsyncSession,
    plans: Sequence[tuple[Plan, Sequence[PlanEntry]]],
    *,
    rule_sets: Mapping[str, RuleSet],
    today: date,
) -> list[Fact]:
    """One fact per entry given, each plan's under its own rule set."""
    entries = [entry for _, some in plans for entry in some]
    if not entries:
        return []
    units = await units_db.by_ids(session, sorted({p.planning_unit_id for p, _ in plans}))
    cycles = await plans_db.cycles_by_ids(session, sorted({p.cycle_id for p, _ in plans}))
    persons = await persons_db.by_ids(session, sorted({e.person_id for e in entries}))
    positions = await positions_db.positions_by_ids(
        session, sorted({e.position_id for e in entries})
    )
    hometown_ids = sorted({p.hometown_unit_id for p in persons.values() if p.hometown_unit_id})
    hometowns = {u.id: u.path for u in (await units_db.by_ids(session, hometown_ids)).values()}
    # Each plan's rule set as its province applies it: a province's own young threshold sets
    # the age bands of its facts, as it sets those of its plans' validation.
    applied = {
        code: await reference_db.as_applied_under(
            session,
            rule_sets[code],
            unit_paths={units[p.planning_unit_id].path for p, _ in plans if p.rule_set == code},
        )
        for code in sorted({p.rule_set for p, _ in plans})
    }
    facts = []
    for plan, some in plans:
        unit = units[plan.planning_unit_id]
        rules = applied[plan.rule_set][unit.path]
        # Every fact's age is taken at the party month, whichever body the title belongs to.
        age_at = age_reference(
            rules=rules,
            kind=plan.kind,
            reference_months=cycles[plan.cycle_id].reference_months,
            planning_level=unit.kind,
            body=PositionBody.PARTY,
            decided_on=plan.decision_date,
            due_on=plan.due_on,
            today=today,
        ).month
        for entry in some:
            person, position = persons[entry.person_id], positions[entry.position_id]
            facts.append(
                fact_of(
                    entry_id=entry.id,
                    plan_id=plan.id,
                    cycle_id=plan.cycle_id,
                    unit=PlanningUnit(unit.id, unit.kind, unit.path),
                    person=PersonAttributes(
                        id=person.id,
                        sex=person.sex,
                        birth=BirthDate(person.birth_year, person.birth_month).month_for_rules(),
                        education=person.education,
                        theory=person.political_theory,
                        grade=person.civil_service_grade,
                        ethnicity=person.ethnicity,
                        hometown_path=hometowns.get(person.hometown_unit_id or 0),
                        sci_tech=person.is_sci_tech,
                    ),
                    position=PositionAttributes(
                        position.id, position.code, position.body, position.managed_by
                    ),
                    age_at=age_at,
                    rules=rules,
                )
            )
    return facts
