"""Synthetic cadre records and plans in every state, so that a fresh demo shows a living system.

Deterministic (a seeded generator): the same demo every time. Names, ages and degrees are
plausible, not real people. Plans are written through the db functions with their history.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from api import reference_data
from db import (
    Session,
    facts as facts_db,
    persons as persons_db,
    plans as plans_db,
    rollups,
    units as units_db,
)
from db.models import Unit
from db.plan_models import Plan, Position
from planning.calendar import add_working_days
from planning.units import UnitKind
from planning.workflow import EntryStatus, PlanAction, PlanStatus
from schema.access.services import AccessServices

SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = {
    "MALE": ["Văn", "Đức", "Minh", "Hữu", "Quang", "Thanh"],
    "FEMALE": ["Thị", "Ngọc", "Thu", "Thanh", "Minh"],
}
GIVEN = {
    "MALE": [
        "An",
        "Bình",
        "Cường",
        "Dũng",
        "Hải",
        "Hùng",
        "Long",
        "Nam",
        "Quân",
        "Sơn",
        "Tuấn",
        "Khánh",
        "Phong",
        "Trung",
    ],
    "FEMALE": [
        "Hà",
        "Hoa",
        "Hương",
        "Lan",
        "Linh",
        "Mai",
        "Nga",
        "Phương",
        "Thảo",
        "Trang",
        "Yến",
        "Hạnh",
        "Nhung",
    ],
}
EDUCATION = ["Đại học", "Đại học", "Thạc sĩ", "Thạc sĩ", "Tiến sĩ"]
THEORY = ["Trung cấp", "Trung cấp", "Cao cấp"]
GRADES = ["Chuyên viên", "Chuyên viên", "Chuyên viên chính"]
# The provinces of the demo (two-tier codes): Quảng Ninh, Hà Nội, Thanh Hóa.
PROVINCES = ("22", "01", "38")
COMMUNES_PER_PROVINCE = 7
STATES = (
    PlanStatus.DRAFT,
    PlanStatus.SUBMITTED,
    PlanStatus.UNDER_APPRAISAL,
    PlanStatus.RETURNED,
    PlanStatus.APPRAISED,
    PlanStatus.APPROVED,
    PlanStatus.REJECTED,
)
ORDER = (PlanStatus.SUBMITTED, PlanStatus.UNDER_APPRAISAL, PlanStatus.APPRAISED)
# The action that leads to each status, as the workflow records it.
STEP_ACTION = {
    PlanStatus.SUBMITTED: PlanAction.SUBMIT,
    PlanStatus.UNDER_APPRAISAL: PlanAction.RECEIVE,
    PlanStatus.RETURNED: PlanAction.RETURN,
    PlanStatus.APPRAISED: PlanAction.APPRAISE,
    PlanStatus.APPROVED: PlanAction.APPROVE,
    PlanStatus.REJECTED: PlanAction.REJECT,
}


async def load_demo_plans(session: Session, access: AccessServices, *, now: datetime) -> int:
    """Create the demo plans once; return how many plans were created."""
    if await plans_db.any_plan(session):
        return 0
    rng = random.Random(2026)
    cycle = await plans_db.cycle_by_code(session, code="2030-2035")
    assert cycle is not None, "load the reference data first"
    holidays = await plans_db.holidays(session)
    today = now.date()
    positions = [
        p
        for p in await plans_db.positions_for(
            session, unit_kind=UnitKind.COMMUNE, managed_by=UnitKind.PROVINCE, at=today
        )
        if not p.committee_seat
    ]
    created = 0
    for province_code in PROVINCES:
        province = await units_db.by_code(session, code=province_code, at=today)
        assert province is not None
        communes = await units_db.page(
            session,
            where=units_db.UnitFilter(at=today, parent_id=province.id),
            after=None,
            limit=COMMUNES_PER_PROVINCE,
        )
        for index, commune in enumerate(communes):
            plan = await _plan(
                session, rng, commune, province, cycle.id, positions, STATES[index], now, holidays
            )
            if plan.status is PlanStatus.APPROVED:
                # Approved data is what statistics count: the same facts an approval records.
                entries = (await plans_db.entries_of(session, [plan.id]))[plan.id]
                assert plan.decided_at is not None
                facts = await facts_db.facts_of(
                    session, [(plan, entries)], rule_sets=reference_data.rule_sets(), today=today
                )
                await rollups.add(session, facts, at=plan.decided_at)
            created += 1
    return created


async def _plan(
    session: Session,
    rng: random.Random,
    commune: Unit,
    province: Unit,
    cycle_id: int,
    positions: list[Position],
    status: PlanStatus,
    now: datetime,
    holidays: frozenset[date],
) -> Plan:
    started = now - timedelta(days=40)
    plan = await plans_db.add_plan(
        session,
        planning_unit_id=commune.id,
        approving_unit_id=province.id,
        cycle_id=cycle_id,
        kind="NEXT_TERM",
        managed_by=UnitKind.PROVINCE,
        rule_set="QD377_2025",
        created_at=started,
    )
    await plans_db.add_event(session, plan_id=plan.id, at=started, action="CREATE")
    for number, position in enumerate(rng.sample(positions, 4)):
        sex = rng.choice(("MALE", "FEMALE"))
        person = await persons_db.add(
            session,
            # Synthetic ids start with 99, which no province code does.
            national_id=str(990_000_000_000 + plan.id * 10 + number),
            full_name=f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}",
            sex=sex,
            birth_year=rng.randint(1976, 1992),
            birth_month=rng.randint(1, 12),
            unit_id=commune.id,
            education=rng.choice(EDUCATION),
            political_theory=rng.choice(THEORY),
            civil_service_grade=rng.choice(GRADES),
            current_position="Trưởng phòng" if number else "Ủy viên Ban Thường vụ",
            current_rank=9,
            political_standard_ok=True,
        )
        votes = rng.randint(7, 11)
        await plans_db.add_entry(
            session,
            plan_id=plan.id,
            person_id=person.id,
            position_id=position.id,
            tier=rng.choice(("T1", "T1", "T2")),
            source="LOCAL",
            change="ADD",
            ballots=[{"step": "BTV", "summoned": 11, "present": 11, "votes_for": votes}],
        )
    await _advance(session, plan, status, now, holidays)
    return plan


async def _advance(
    session: Session, plan: Plan, status: PlanStatus, now: datetime, holidays: frozenset[date]
) -> None:
    """Walk the plan to ``status`` along the workflow, recording each step in its history."""
    if status is PlanStatus.DRAFT:
        return
    path = {
        PlanStatus.SUBMITTED: ORDER[:1],
        PlanStatus.UNDER_APPRAISAL: ORDER[:2],
        PlanStatus.RETURNED: (*ORDER[:2], PlanStatus.RETURNED),
        PlanStatus.APPRAISED: ORDER,
        PlanStatus.APPROVED: (*ORDER, PlanStatus.APPROVED),
        PlanStatus.REJECTED: (*ORDER, PlanStatus.REJECTED),
    }[status]
    at = now - timedelta(days=30)
    for step in path:
        at += timedelta(days=3)
        before, plan.status = plan.status, step
        plan.version += 1
        if step is PlanStatus.SUBMITTED:
            plan.submitted_at = at
        if step is PlanStatus.UNDER_APPRAISAL:
            plan.received_at = at
            days = reference_data.rule_sets()[plan.rule_set].approval_working_days
            plan.due_on = add_working_days(at.date(), days, holidays=holidays)
        if step is PlanStatus.APPRAISED:
            plan.appraisal_report = "Hồ sơ đầy đủ, đúng quy trình."
        if step in (PlanStatus.APPROVED, PlanStatus.REJECTED):
            plan.decided_at = at
        reason = {
            PlanStatus.RETURNED: "Thiếu biên bản kiểm phiếu",
            PlanStatus.REJECTED: "Cơ cấu chưa hợp lý",
        }.get(step)
        await plans_db.add_event(
            session,
            plan_id=plan.id,
            at=at,
            action=STEP_ACTION[step].value,
            from_status=before,
            to_status=step,
            reason=reason,
        )
    if status is PlanStatus.APPROVED:
        plan.decision_number, plan.decision_date = f"{plan.id}-QĐ/TU", at.date()
        for entry in (await plans_db.entries_of(session, [plan.id]))[plan.id]:
            entry.status = EntryStatus.ACTIVE
    await session.flush()
