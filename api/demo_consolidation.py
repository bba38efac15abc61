"""Demo data of the 2025 reorganisation (issue 12, DOMAIN.md A.11): plans of the 2025–2030
cycle approved on the old Quảng Ninh tree in May–June 2025, for today's successors to
consolidate.

- The old Phường Quảng Yên, Xã Tiền An and Phường Yên Giang (07132, 07153, 07162), merged into
  today's Phường Quảng Yên: commune plans approved by the old Thị xã Quảng Yên (206).
- The old Thị xã Quảng Yên (206) itself: a district plan approved by the old province, whose
  titles have no successor (the new province's consolidation lists them).

Written through the decisions and writes a client's requests go through (planning.workflow,
db.workflow.apply), on the days they happened. Loaded once, into a database whose old tree has
no plan of the cycle yet.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

from api import reference_data
from api.demo_plans import GIVEN, MIDDLE, SURNAMES, scripted
from db import (
    Session,
    calendar as calendar_db,
    consolidation as consolidation_db,
    persons as persons_db,
    plans as plans_db,
    positions as positions_db,
    reports as reports_db,
    units as units_db,
    workflow as workflow_db,
)
from db.models import Unit
from db.plan_models import Plan
from planning.cycles import PlanKind
from planning.lifecycle import EntryChange, EntrySource, PlanAction, PlanEdit
from planning.rulesets import CandidateTier, in_force
from planning.theory import PoliticalTheory
from planning.units import UnitKind

CYCLE = "2025-2030"
OLD_TREE = date(2025, 6, 30)
# The old units planned (code, kind, the tier that managed their titles, people planned).
PLANNED = (
    ("07132", UnitKind.COMMUNE, UnitKind.DISTRICT, 3),
    ("07153", UnitKind.COMMUNE, UnitKind.DISTRICT, 2),
    ("07162", UnitKind.COMMUNE, UnitKind.DISTRICT, 2),
    ("206", UnitKind.DISTRICT, UnitKind.PROVINCE, 2),
)
STEPS = (PlanAction.SUBMIT, PlanAction.RECEIVE, PlanAction.APPRAISE, PlanAction.APPROVE)
VN = timezone(timedelta(hours=7))


async def load_old_tree_plans(session: Session) -> int:
    """Create the approved 2025–2030 plans of the old Quảng Ninh tree once; return how many."""
    cycle = await plans_db.cycle_by_code(session, code=CYCLE)
    assert cycle is not None, "load the reference data first"
    rng = random.Random(2025)
    created = 0
    for number, (code, kind, managed_by, people) in enumerate(PLANNED):
        unit = await units_db.by_code(session, code=code, at=OLD_TREE)
        assert unit is not None
        assert unit.kind is kind
        if await consolidation_db.has_plan(session, unit_id=unit.id, cycle_id=cycle.id):
            continue
        started = datetime(2025, 5, 5 + number, 8, 0, tzinfo=VN)
        await _approved_plan(session, rng, unit, cycle.id, managed_by, people, started)
        created += 1
    return created


async def _approved_plan(
    session: Session,
    rng: random.Random,
    unit: Unit,
    cycle_id: int,
    managed_by: UnitKind,
    people: int,
    started: datetime,
) -> Plan:
    rule_sets = reference_data.rule_sets()
    approver = await plans_db.approving_unit(
        session, planning_path=unit.path, managed_by=managed_by, at=started.date()
    )
    assert approver is not None
    plan = await plans_db.add_plan(
        session,
        planning_unit_id=unit.id,
        approving_unit_id=approver.id,
        cycle_id=cycle_id,
        kind=PlanKind.NEXT_TERM,
        managed_by=managed_by,
        rule_set=in_force(rule_sets, on=started.date()).code,
        created_at=started,
    )
    await workflow_db.record(
        session,
        plan,
        PlanEdit.CREATE,
        actor_user_id=None,
        now=started,
        after={"rule_set": plan.rule_set, "kind": plan.kind},
        bump=False,
    )
    titles = [
        p
        for p in await positions_db.holdable_positions(
            session, unit=unit, managed_by=managed_by, today=started.date()
        )
        # Commune leaders; the district's committees (their other titles ask cao cấp).
        if p.committee_seat is (unit.kind is UnitKind.DISTRICT)
    ]
    for index, title in enumerate(rng.sample(titles, people)):
        sex = rng.choice(("MALE", "FEMALE"))
        person = await persons_db.add(
            session,
            # Synthetic ids start with 98 (the demo's own plans use 99).
            national_id=str(980_000_000_000 + plan.id * 10 + index),
            full_name=f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}",
            sex=sex,
            birth_year=rng.randint(1978, 1990),
            birth_month=rng.randint(1, 12),
            unit_id=unit.id,
            education="Đại học",
            political_theory=PoliticalTheory.CAO_CAP,
            current_position="Trưởng phòng",
            current_rank=9,
            political_standard_ok=True,
        )
        await plans_db.add_entry(
            session,
            plan_id=plan.id,
            person_id=person.id,
            position_id=title.id,
            tier=CandidateTier.T1,
            source=EntrySource.LOCAL,
            change=EntryChange.ADD,
            ballots=[{"step": "BTV", "summoned": 11, "present": 11, "votes_for": 10}],
        )
    calendar = await calendar_db.work_calendar(session, since=started.date())
    at = started
    for action in STEPS:
        at += timedelta(days=4)
        entries = (await plans_db.entries_of(session, [plan.id]))[plan.id]
        report = await reports_db.report_of(session, plan, rule_sets=rule_sets, today=at.date())
        decided = scripted(
            action,
            workflow_db.state_of(plan),
            [workflow_db.entry_state(e) for e in entries],
            now=at,
            report=report,
            working_days=rule_sets[plan.rule_set].approval_working_days,
            calendar=calendar,
            decision_number=f"{plan.id}-QĐ/{'TU' if managed_by is UnitKind.PROVINCE else 'TXU'}",
        )
        await workflow_db.apply(
            session, plan, decided, actor_user_id=None, now=at, rule_sets=rule_sets
        )
    await session.flush()
    return plan
