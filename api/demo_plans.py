"""Synthetic cadre records and plans in every state, so that a fresh demo shows a living system.

Deterministic (a seeded generator): the same demo every time. Names, ages and degrees are
plausible, not real people. Plans are written through the db functions with their history.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from api import reference_data
from db import (
    Session,
    calendar as calendar_db,
    persons as persons_db,
    plans as plans_db,
    positions as positions_db,
    reports as reports_db,
    units as units_db,
    workflow as workflow_db,
)
from db.models import Unit
from db.plan_models import Plan, Position
from planning import workflow
from planning.calendar import WorkCalendar
from planning.cycles import PlanKind
from planning.decisions import (
    ApprovalDecision,
    Decision,
    EntryResult,
    EntryState,
    PlanState,
    Refusal,
)
from planning.lifecycle import EntryChange, EntrySource, PlanAction, PlanEdit, PlanStatus
from planning.rulesets import CandidateTier
from planning.theory import PoliticalTheory
from planning.units import UnitKind
from planning.validation import Report
from schema.access.services import AccessServices
from schema.scalars import VIETNAM_TIME

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
THEORY = [PoliticalTheory.TRUNG_CAP, PoliticalTheory.TRUNG_CAP, PoliticalTheory.CAO_CAP]
GRADES = ["Chuyên viên", "Chuyên viên", "Chuyên viên chính"]
# The provinces of the demo (two-tier codes): Quảng Ninh, Hà Nội, Thanh Hóa.
PROVINCES = ("22", "01", "38")
COMMUNES_PER_PROVINCE = 7
ENTRIES_PER_PLAN = 4
STATES = (
    PlanStatus.DRAFT,
    PlanStatus.SUBMITTED,
    PlanStatus.UNDER_APPRAISAL,
    PlanStatus.RETURNED,
    PlanStatus.APPRAISED,
    PlanStatus.APPROVED,
    PlanStatus.REJECTED,
)
# A T2 source needs 120 months of service left at the 2030 reference month (E4): a woman born
# in 1982 retires in 2042. Older people are planned as T1, so that every demo plan that reached
# submission passed its validation, as a client's would have.
T2_BORN_FROM = 1982
# The actions that lead a new plan to each demo status.
PATHS: dict[PlanStatus, tuple[PlanAction, ...]] = {
    PlanStatus.DRAFT: (),
    PlanStatus.SUBMITTED: (PlanAction.SUBMIT,),
    PlanStatus.UNDER_APPRAISAL: (PlanAction.SUBMIT, PlanAction.RECEIVE),
    PlanStatus.RETURNED: (PlanAction.SUBMIT, PlanAction.RECEIVE, PlanAction.RETURN),
    PlanStatus.APPRAISED: (PlanAction.SUBMIT, PlanAction.RECEIVE, PlanAction.APPRAISE),
    PlanStatus.APPROVED: (
        PlanAction.SUBMIT,
        PlanAction.RECEIVE,
        PlanAction.APPRAISE,
        PlanAction.APPROVE,
    ),
    PlanStatus.REJECTED: (
        PlanAction.SUBMIT,
        PlanAction.RECEIVE,
        PlanAction.APPRAISE,
        PlanAction.REJECT,
    ),
}


async def load_demo_plans(session: Session, access: AccessServices, *, now: datetime) -> int:
    """Create the demo plans once; return how many plans were created."""
    if await plans_db.any_plan(session):
        return 0
    # The current plans first: the ids the docs spell out are theirs.
    return await _current_plans(session, now=now) + await _old_tree_plans(session)


async def _current_plans(session: Session, *, now: datetime) -> int:
    """Plans for 2030–2035 in every state, on communes of the two-tier tree."""
    rng = random.Random(2026)
    cycle = await plans_db.cycle_by_code(session, code="2030-2035")
    assert cycle is not None, "load the reference data first"
    # The demo's clocks start up to 40 days before now.
    calendar = await calendar_db.work_calendar(session, since=(now - timedelta(days=60)).date())
    today = now.date()
    positions = [
        p
        for p in await positions_db.positions_for(
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
            plan = await new_plan(
                session,
                rng,
                commune,
                province,
                Term(cycle.id, PlanKind.NEXT_TERM, UnitKind.PROVINCE, "QD377_2025"),
                rng.sample(positions, ENTRIES_PER_PLAN),
                started=now - timedelta(days=40),
            )
            await advance(session, plan, STATES[index], now - timedelta(days=30), calendar)
            created += 1
    return created


@dataclass(frozen=True, slots=True)
class Term:
    """What a demo plan is for: its cycle, kind, approving tier and rule set."""

    cycle_id: int
    kind: PlanKind
    managed_by: UnitKind
    rule_set: str


# The old Quảng Ninh's 2025–2030 plans, approved in spring 2025 on the three-tier tree (QĐ 50
# was in force): the three communes Phường Quảng Yên continues (Thị xã Quảng Yên approved their
# plans), Phường Hà Khẩu, which the 2025 reform split between Việt Hưng and Tuần Châu (approved by
# Thành phố Hạ Long), and Thị xã Quảng Yên's own posts (approved by the province): the plans
# today's officials inherit (DOMAIN.md A.11, docs/reorganisation.md).
OLD_TREE_DAY = datetime(2025, 3, 3, 8, 0, tzinfo=VIETNAM_TIME)
OLD_TREE_PLANS = (
    ("07132", UnitKind.DISTRICT),
    ("07153", UnitKind.DISTRICT),
    ("07162", UnitKind.DISTRICT),
    ("06655", UnitKind.DISTRICT),
    ("206", UnitKind.PROVINCE),
)


async def _old_tree_plans(session: Session) -> int:
    rng = random.Random(2025)
    cycle = await plans_db.cycle_by_code(session, code="2025-2030")
    assert cycle is not None, "load the reference data first"
    day = OLD_TREE_DAY.date()
    calendar = await calendar_db.work_calendar(session, since=day)
    for code, managed_by in OLD_TREE_PLANS:
        unit = await units_db.by_code(session, code=code, at=day)
        assert unit is not None, "load the three-tier units first"
        approving = await plans_db.approving_unit(
            session, planning_path=unit.path, managed_by=managed_by, at=day
        )
        assert approving is not None
        positions = [
            p
            for p in await positions_db.positions_for(
                session, unit_kind=unit.kind, managed_by=managed_by, at=day
            )
            if not p.committee_seat
        ]
        term = Term(cycle.id, PlanKind.NEXT_TERM, managed_by, "QD50_2021")
        plan = await new_plan(
            session,
            rng,
            unit,
            approving,
            term,
            rng.sample(positions, ENTRIES_PER_PLAN),
            started=OLD_TREE_DAY,
        )
        await advance(
            session, plan, PlanStatus.APPROVED, OLD_TREE_DAY + timedelta(days=7), calendar
        )
    return len(OLD_TREE_PLANS)


async def new_plan(
    session: Session,
    rng: random.Random,
    unit: Unit,
    approving: Unit,
    term: Term,
    positions: Sequence[Position],
    *,
    started: datetime,
) -> Plan:
    """A draft plan of ``unit``, one new synthetic person proposed for each of ``positions``
    (the live bench, bench/live_plans.py, makes its plans with it too)."""
    plan = await plans_db.add_plan(
        session,
        planning_unit_id=unit.id,
        approving_unit_id=approving.id,
        cycle_id=term.cycle_id,
        kind=term.kind,
        managed_by=term.managed_by,
        rule_set=term.rule_set,
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
    for number, position in enumerate(positions):
        sex = rng.choice(("MALE", "FEMALE"))
        person = await persons_db.add(
            session,
            # Synthetic ids start with 99, which no province code does.
            national_id=str(990_000_000_000 + plan.id * 10 + number),
            full_name=f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}",
            sex=sex,
            # Born 1977 or later: a woman still has the 60 months a T1 source needs at the
            # 03/2031 reference month of state posts (E4).
            birth_year=max(1977, rng.randint(1976, 1992)),
            birth_month=rng.randint(1, 12),
            unit_id=unit.id,
            education=rng.choice(EDUCATION),
            political_theory=_theory(rng.choice(THEORY), position.political_theory_required),
            civil_service_grade=rng.choice(GRADES),
            current_position="Trưởng phòng" if number else "Ủy viên Ban Thường vụ",
            current_rank=9,
            political_standard_ok=True,
            # About one in twelve qualified in S&T (without a draw: the demo stays the same).
            is_sci_tech=(plan.id + number) % 12 == 0,
        )
        votes = rng.randint(7, 11)
        tier = CandidateTier(rng.choice(("T1", "T1", "T2")))
        if tier is CandidateTier.T2 and person.birth_year < T2_BORN_FROM:
            tier = CandidateTier.T1
        await plans_db.add_entry(
            session,
            plan_id=plan.id,
            person_id=person.id,
            position_id=position.id,
            tier=tier,
            source=EntrySource.LOCAL,
            change=EntryChange.ADD,
            ballots=[{"step": "BTV", "summoned": 11, "present": 11, "votes_for": votes}],
        )
    return plan


def _theory(drawn: PoliticalTheory, required: PoliticalTheory | None) -> PoliticalTheory:
    """The level drawn, raised to the title's standard (E8) where it falls short."""
    return drawn if required is None or drawn.meets(required) else required


async def advance(
    session: Session,
    plan: Plan,
    status: PlanStatus,
    start: datetime,
    calendar: WorkCalendar,
    *,
    step: timedelta = timedelta(days=3),
) -> None:
    """Walk the plan from draft to ``status``, a ``step`` apart from ``start``, through the
    decisions and writes every client's request goes through (planning.workflow,
    db.workflow.apply). The live bench (bench/live_plans.py) walks its plans too."""
    rule_sets = reference_data.rule_sets()
    at = start
    for action in PATHS[status]:
        at += step
        entries = (await plans_db.entries_of(session, [plan.id]))[plan.id]
        report = (
            await reports_db.report_of(session, plan, rule_sets=rule_sets, today=at.date())
            if action in VALIDATED
            else Report(())
        )
        decided = scripted(
            action,
            workflow_db.state_of(plan),
            [workflow_db.entry_state(e) for e in entries],
            now=at,
            report=report,
            working_days=rule_sets[plan.rule_set].approval_working_days,
            calendar=calendar,
            decision_number=f"{plan.id}-QĐ/TU",
        )
        await workflow_db.apply(
            session, plan, decided, actor_user_id=None, now=at, rule_sets=rule_sets
        )
    await session.flush()


# The steps decided on the validation as of their day (a client's are too).
VALIDATED = frozenset({PlanAction.SUBMIT, PlanAction.APPRAISE, PlanAction.APPROVE})


def scripted(
    action: PlanAction,
    plan: PlanState,
    entries: Sequence[EntryState],
    *,
    now: datetime,
    report: Report,
    working_days: int,
    calendar: WorkCalendar,
    decision_number: str,
    refused: Collection[int] = (),
) -> Decision:
    """One step of a scripted walk along the workflow (the demo's, the bench seed's), decided
    by planning.workflow with the texts an official would have typed. ``refused`` entries are
    not approved. A refusal is a bug in the script: it raises."""
    decided: Decision | Refusal
    if action is PlanAction.SUBMIT:
        decided = workflow.submit(plan, entries, version=plan.version, report=report, now=now)
    elif action is PlanAction.RECEIVE:
        decided = workflow.receive(
            plan, version=plan.version, working_days=working_days, calendar=calendar, now=now
        )
    elif action is PlanAction.RETURN:
        decided = workflow.return_to_unit(
            plan, version=plan.version, reason="Thiếu biên bản kiểm phiếu"
        )
    elif action is PlanAction.APPRAISE:
        decided = workflow.appraise(
            plan, version=plan.version, report="Hồ sơ đầy đủ, đúng quy trình.", validation=report
        )
    elif action is PlanAction.APPROVE:
        decided = workflow.approve(
            plan,
            entries,
            version=plan.version,
            results=[EntryResult(e, approved=False, reason="Chưa đủ số phiếu") for e in refused],
            decision=ApprovalDecision(number=decision_number, day=now.date()),
            report=report,
            now=now,
        )
    elif action is PlanAction.REJECT:
        decided = workflow.reject(
            plan, entries, version=plan.version, reason="Cơ cấu chưa hợp lý", now=now
        )
    else:
        raise ValueError(f"no scripted {action}")
    if not isinstance(decided, Decision):
        raise RuntimeError(f"plan {plan.id}: {action} refused: {decided}")
    return decided
