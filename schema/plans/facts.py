"""Turn approved entries into the facts statistics count (attributes as at approval)."""

from __future__ import annotations

from typing import Any

from db import access as access_db, persons as persons_db, plans as plans_db
from db.plan_models import Plan as PlanRow, PlanEntry
from planning.cycles import PlanKind, age_reference_month
from planning.indicators import HEAD_CODES, age_band, is_minority, is_non_local, young_under
from planning.persons import BirthDate
from planning.retirement import age_months
from schema.context import Context


async def facts_of(ctx: Context, plan: PlanRow, entries: list[PlanEntry]) -> list[dict[str, Any]]:
    """One fact per entry, with the age at the cycle's reference month for party posts."""
    if not entries:
        return []
    rules = ctx.rule_sets[plan.rule_set]
    unit = await ctx.loaders.unit.load(plan.planning_unit_id)
    assert unit is not None
    cycle = (await ctx.read(plans_db.cycles_by_ids, [plan.cycle_id]))[plan.cycle_id]
    persons = await ctx.read(persons_db.by_ids, [e.person_id for e in entries])
    positions = await ctx.read(plans_db.positions_by_ids, [e.position_id for e in entries])
    at = age_reference_month(
        rules=rules,
        kind=PlanKind(plan.kind),
        reference_months=cycle.reference_months,
        planning_level=unit.kind,
        body="PARTY",
        today=ctx.today,
    )
    threshold = young_under(rules, unit.kind)
    facts = []
    for entry in entries:
        person, position = persons[entry.person_id], positions[entry.position_id]
        age = age_months(
            birth=BirthDate(person.birth_year, person.birth_month).month_for_rules(), at=at
        )
        hometown = (
            await ctx.read(access_db.unit_path, unit_id=person.hometown_unit_id)
            if person.hometown_unit_id
            else None
        )
        facts.append(
            {
                "entry_id": entry.id,
                "plan_id": plan.id,
                "cycle_id": plan.cycle_id,
                "person_id": person.id,
                "unit_id": unit.id,
                "unit_kind": unit.kind.value,
                "position_id": position.id,
                "body": position.body,
                "managed_by": position.managed_by.value,
                "head": position.code in HEAD_CODES,
                "age_months": age,
                "sex": person.sex,
                "age_band": age_band(age, young_under_years=threshold),
                "education": person.education or "",
                "theory": person.political_theory or "",
                "grade": person.civil_service_grade or "",
                "ethnicity": person.ethnicity or "",
                "minority": is_minority(person.ethnicity),
                "non_local": is_non_local(hometown_path=hometown, unit_path=unit.path),
            }
        )
    return facts
