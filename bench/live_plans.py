"""What the live bench (bench/live.py) needs in bench/var before its server starts.

- PostgreSQL's commit timestamps (``track_commit_timestamp``), so that latency is measured from
  the commit itself; the setting takes effect when the server next starts, which ``serve``
  does after this.
- As many plans APPRAISED, waiting for their province's approval, as the run will approve:
  next-term plans of cycle 2030–2035 on the communes of the largest provinces outside the
  demo's own (api/demo_plans.py keeps its plans in every state there). A commune without one
  gets a new plan as the demo makes them; one a previous run approved is reopened. Either way
  the plan is walked to APPRAISED through planning.workflow's decisions and db.workflow.apply,
  as every client's request is (``demo_plans.advance``); no rule is restated here.
- An approver on each of those provinces, ``approver.<code>`` with the demo password.

One transaction: a failed preparation leaves nothing behind.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, text

import db
from api import demo_plans, reference_data
from api.auth import build_access
from api.demo_plans import ENTRIES_PER_PLAN, Term
from api.graphql import vietnam_now
from api.operator import DEMO_PASSWORD, TWO_TIER_DAY, create_user
from api.settings import Settings
from db import (
    Session,
    access as access_db,
    calendar as calendar_db,
    plans as plans_db,
    positions as positions_db,
    units as units_db,
    workflow as workflow_db,
)
from db.models import Unit
from db.plan_models import Plan, Position
from planning import workflow
from planning.access import Role
from planning.calendar import WorkCalendar
from planning.cycles import PlanKind
from planning.decisions import Decision
from planning.lifecycle import LIVE_PLAN_STATUSES, PlanStatus
from planning.units import UnitKind
from schema.access.services import AccessServices
from schema.pagination import BY_NUMBER

CYCLE = "2030-2035"
RULE_SET = "QD377_2025"  # the demo's current plans'
TERM_KIND = PlanKind.NEXT_TERM
MANAGED_BY = UnitKind.PROVINCE
# Each walk is dated in the seconds before now, a second a step: its history stays in order
# after the previous run's approval, and the approval's decision date (today) follows receipt.
STEP = timedelta(seconds=1)
REOPEN_REASON = "Mở lại cho lần đo tiếp theo (bench)"


class PreparationError(Exception):
    """bench/var cannot give the run what it needs."""


@dataclass(frozen=True, slots=True)
class Approvable:
    """A plan waiting for its province's approval."""

    plan_id: int
    version: int
    province: str  # its approving province's code


@dataclass(frozen=True, slots=True)
class Province:
    code: str
    unit_id: int
    name: str

    @property
    def approver(self) -> str:
        return f"approver.{self.code}"


@dataclass(frozen=True, slots=True)
class Prepared:
    plans: list[Approvable]  # for the timed part
    warmups: list[Approvable]  # one for each province, approved before it
    provinces: list[Province]
    feed_end: str  # the cursor of the last plan event before the run: subscriptions start there


async def prepare(url: str, settings: Settings, wanted: int) -> Prepared:
    """Commit timestamps on, ``wanted`` plans APPRAISED (and one more per province) and their
    approvers, in bench/var."""
    engine = db.create_engine(url, pool_size=1)
    try:
        async with engine.connect() as connection:
            # ALTER SYSTEM runs outside a transaction; it takes effect at the next start.
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text("ALTER SYSTEM SET track_commit_timestamp = on"))
        async with db.create_sessionmaker(engine)() as session:
            prepared = await _prepare(session, settings, wanted)
            await session.commit()
            return prepared
    finally:
        await engine.dispose()


async def _prepare(session: Session, settings: Settings, wanted: int) -> Prepared:
    now = vietnam_now()
    today = now.date()
    cycle = await plans_db.cycle_by_code(session, code=CYCLE)
    if cycle is None:
        raise PreparationError(f"no cycle {CYCLE}: is the demo loaded?")
    term = Term(cycle.id, TERM_KIND, MANAGED_BY, RULE_SET)
    calendar = await calendar_db.work_calendar(session, since=today - timedelta(days=1))
    positions = [
        p
        for p in await positions_db.positions_for(
            session, unit_kind=UnitKind.COMMUNE, managed_by=MANAGED_BY, at=today
        )
        if not p.committee_seat
    ]
    rng = random.Random(15)
    access = build_access(settings)
    plans: list[Approvable] = []
    warmups: list[Approvable] = []
    used: list[Province] = []
    for province, communes in await _largest_provinces(session, today):
        if len(plans) >= wanted:
            break
        used.append(Province(province.code, province.id, province.name))
        await _approver(session, access, province, now)
        # The province's first plan is approved before the timed part (bench/live.py).
        for number, commune in enumerate(communes[: wanted - len(plans) + 1]):
            plan = await _appraised(
                session, commune, province, term, rng, positions, calendar, now=now
            )
            (plans if number else warmups).append(Approvable(plan.id, plan.version, province.code))
    if len(plans) < wanted:
        raise PreparationError(f"only {len(plans)} communes to plan for, {wanted} wanted")
    return Prepared(plans, warmups, used, await _feed_end(session))


async def _largest_provinces(session: Session, today: date) -> list[tuple[Unit, list[Unit]]]:
    """The two-tier provinces outside the demo's, the most communes first, with them."""
    where = units_db.UnitFilter(at=today, kind=UnitKind.PROVINCE)
    found = []
    for province in await units_db.page(session, where=where, after=None, limit=100):
        if province.code in demo_plans.PROVINCES:
            continue
        under = units_db.UnitFilter(at=today, parent_id=province.id)
        communes = await units_db.page(session, where=under, after=None, limit=1000)
        found.append((province, communes))
    found.sort(key=lambda pair: (-len(pair[1]), pair[0].code))
    return found


async def _approver(
    session: Session, access: AccessServices, province: Unit, now: datetime
) -> None:
    username = Province(province.code, province.id, province.name).approver
    if await access_db.username_taken(session, username=username):
        return
    await create_user(
        session,
        access,
        username=username,
        password=DEMO_PASSWORD,
        full_name=f"Bench approver ({province.name})",
        unit_code=province.code,
        at=TWO_TIER_DAY,
        roles=(Role.APPROVER,),
        now=now,
    )


async def _appraised(
    session: Session,
    commune: Unit,
    province: Unit,
    term: Term,
    rng: random.Random,
    positions: Sequence[Position],
    calendar: WorkCalendar,
    *,
    now: datetime,
) -> Plan:
    """The commune's live next-term plan, walked to APPRAISED (made first if it has none)."""
    plan = await session.scalar(
        select(Plan).where(
            Plan.planning_unit_id == commune.id,
            Plan.cycle_id == term.cycle_id,
            Plan.managed_by == term.managed_by,
            Plan.kind == term.kind,
            Plan.status.in_(LIVE_PLAN_STATUSES),
        )
    )
    start = now - STEP * 5
    if plan is None:
        plan = await demo_plans.new_plan(
            session,
            rng,
            commune,
            province,
            term,
            rng.sample(list(positions), ENTRIES_PER_PLAN),
            started=start,
        )
    elif plan.status is PlanStatus.APPROVED:
        await _reopen(session, plan, at=start)
    if plan.status is PlanStatus.DRAFT:
        await demo_plans.advance(
            session, plan, PlanStatus.APPRAISED, start + STEP, calendar, step=STEP
        )
    if plan.status is not PlanStatus.APPRAISED:
        raise PreparationError(f"plan {plan.id} of {commune.code} is {plan.status}")
    return plan


async def _reopen(session: Session, plan: Plan, *, at: datetime) -> None:
    entries = (await plans_db.entries_of(session, [plan.id]))[plan.id]
    decided = workflow.reopen(
        workflow_db.state_of(plan),
        [workflow_db.entry_state(e) for e in entries],
        version=plan.version,
        reason=REOPEN_REASON,
    )
    if not isinstance(decided, Decision):
        raise PreparationError(f"plan {plan.id}: reopening refused: {decided}")
    await workflow_db.apply(
        session,
        plan,
        decided,
        actor_user_id=None,
        now=at,
        rule_sets=reference_data.rule_sets(),
    )


async def _feed_end(session: Session) -> str:
    """The cursor of the newest plan event, as the feed writes its cursors."""
    row = (
        await session.execute(
            text(
                "SELECT txid::text::bigint, id FROM plan_event ORDER BY txid DESC, id DESC LIMIT 1"
            )
        )
    ).one()
    return BY_NUMBER.cursor((int(row[0]), int(row[1])))


async def commit_times(url: str, txids: Sequence[int]) -> dict[int, datetime] | None:
    """When each transaction committed, by PostgreSQL's clock; None unless it records them."""
    engine = db.create_engine(url, pool_size=1)
    try:
        async with engine.connect() as connection:
            if await connection.scalar(text("SHOW track_commit_timestamp")) != "on":
                return None
            rows = await connection.execute(
                text(
                    "SELECT t, pg_xact_commit_timestamp(t::text::xid8::xid) FROM unnest("
                    "CAST(:txids AS bigint[])) AS t"
                ),
                {"txids": list(txids)},
            )
            return {int(t): at for t, at in rows if at is not None}
    finally:
        await engine.dispose()
