"""Turn approved entries into the facts statistics count (attributes as at approval)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from db import persons as persons_db, plans as plans_db
from db.plan_models import Plan as PlanRow, PlanEntry
from planning.cycles import PlanKind, age_reference_month
from planning.indicators import HEAD_CODES, age_band, is_minority, is_non_local, young_under
from planning.persons import BirthDate
from planning.retirement import age_months
from schema.context import Context


async def facts_of(ctx: Context, plan: PlanRow, entries: list[PlanEntry]) -> list[dict[str, Any]]:
    """One fact per entry, with the age at the cycle's reference month for party posts."""
    return await facts_of_plans(ctx, [(plan, entries)])


async def facts_of_plans(
    ctx: Context, plans: Sequence[tuple[PlanRow, Sequence[PlanEntry]]]
) -> list[dict[str, Any]]:
    """The facts of the entries of several plans, loading what they need in one batch each."""
    entries = [entry for _, some in plans for entry in some]
    if not entries:
        return []
    units = await ctx.loaders.unit.load_many(sorted({p.planning_unit_id for p, _ in plans}))
    unit_of = {u.id: u for u in units if u is not None}
    cycles = await ctx.read(plans_db.cycles_by_ids, sorted({p.cycle_id for p, _ in plans}))
    persons = await ctx.read(persons_db.by_ids, sorted({e.person_id for e in entries}))
    positions = await ctx.read(plans_db.positions_by_ids, sorted({e.position_id for e in entries}))
    hometown_ids = sorted({p.hometown_unit_id for p in persons.values() if p.hometown_unit_id})
    hometowns = {u.id: u.path for u in await ctx.loaders.unit.load_many(hometown_ids) if u}
    facts = []
    for plan, some in plans:
        rules, unit = ctx.rule_sets[plan.rule_set], unit_of[plan.planning_unit_id]
        at = age_reference_month(
            rules=rules,
            kind=PlanKind(plan.kind),
            reference_months=cycles[plan.cycle_id].reference_months,
            planning_level=unit.kind,
            body="PARTY",
            today=ctx.today,
        )
        threshold = young_under(rules, unit.kind)
        for entry in some:
            person, position = persons[entry.person_id], positions[entry.position_id]
            age = age_months(
                birth=BirthDate(person.birth_year, person.birth_month).month_for_rules(), at=at
            )
            hometown = hometowns.get(person.hometown_unit_id or 0)
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
                    "age_band": age_band(
                        age, young_under_years=threshold, band_years=rules.age_band_years
                    ),
                    "education": person.education or "",
                    "theory": person.political_theory or "",
                    "grade": person.civil_service_grade or "",
                    "ethnicity": person.ethnicity or "",
                    "minority": is_minority(person.ethnicity),
                    "non_local": is_non_local(hometown_path=hometown, unit_path=unit.path),
                }
            )
    return facts
