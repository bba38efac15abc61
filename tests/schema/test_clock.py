"""The approval clock through GraphQL (DOMAIN.md §5.4): the calendar a client reads, the
government's decisions recorded by national admins (and the due dates they move), and the one
extension of the deadline."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from planning.access import Principal, Role
from planning.units import UnitKind
from schema.access.services import AccessServices
from tests.conftest import Runner, Statements
from tests.factories import make_user
from tests.schema.plan_helpers import communes, officials, person, position, province_officials
from tests.schema.test_bulk import Backlog
from tests.schema.test_plan_workflow import Flow

SET_DAY = """
mutation ($input: SetHolidayInput!) { setHoliday(input: $input) {
  __typename
  ... on HolidayPayload { day kind name rescheduledPlans }
  ... on ValidationFailed { problems { code field } }
  ... on NotAllowed { code } } }
"""
REMOVE_DAY = """
mutation ($input: RemoveHolidayInput!) { removeHoliday(input: $input) {
  __typename
  ... on RemoveHolidayPayload { day now { kind source } rescheduledPlans }
  ... on ValidationFailed { problems { code field } } } }
"""
PLAN = """
query ($id: ID!) { node(id: $id) { ... on Plan {
  version dueOn deadlineExtension { workingDays reason }
  history { action reason before after } } } }
"""
EXTEND = """
mutation ($input: ExtendDeadlineInput!) { extendDeadline(input: $input) {
  __typename
  ... on PlanPayload { plan { version dueOn deadlineExtension { workingDays reason } } }
  ... on ValidationFailed { problems { code field } }
  ... on StaleVersion { currentVersion }
  ... on InvalidTransition { status action }
  ... on NotAllowed { code }
  ... on NotFound { id } } }
"""
CALENDAR = """
query ($year: Int!) { holidays(year: $year) { day kind name source } }
"""


@pytest.fixture
async def national(session: AsyncSession, access: AccessServices) -> Principal:
    return (await make_user(session, access, "admin.clock", roles=[Role.ADMIN]))[1]


async def received(flow: Flow, session: AsyncSession) -> dict[str, Any]:
    """A commune plan the province received on the test day, Saturday 21/11/2026."""
    vice_chair = await position(session, "PCT_UBND", managed_by=UnitKind.PROVINCE)
    await flow.create("07132", "2030-2035", "PROVINCE")
    await flow.add(await person(session, "07132", "022084000071", "Lê Thị Hoa"), vice_chair)
    assert (await flow.do("head", "submitPlan", "PlanActionInput"))["__typename"] == "PlanPayload"
    answer = await flow.do("appraiser", "receivePlan", "PlanActionInput")
    assert answer["plan"]["dueOn"] == "2027-01-05"
    return flow.plan


async def set_day(run: Runner, who: Principal, **day: Any) -> Any:
    return (await run.as_(who).data(SET_DAY, {"input": day}))["setHoliday"]


async def read(flow: Flow, plan_id: str) -> Any:
    return (await flow.run.as_(flow.people["appraiser"]).data(PLAN, {"id": plan_id}))["node"]


@pytest.fixture
async def flow(run: Runner, session: AsyncSession, access: AccessServices) -> Flow:
    return Flow(run, await officials(session, access, commune="07132", approver="22", suffix="ck"))


async def test_a_decided_day_off_in_the_window_moves_the_due_date_and_its_removal_back(
    run: Runner, session: AsyncSession, flow: Flow, national: Principal
) -> None:
    plan = await received(flow, session)

    added = await set_day(run, national, day="2026-12-31", name="Nghỉ bù Tết Dương lịch")
    after_adding = await read(flow, plan["id"])
    removed = (await run.as_(national).data(REMOVE_DAY, {"input": {"day": "2026-12-31"}}))[
        "removeHoliday"
    ]
    after_removing = await read(flow, plan["id"])

    assert added == {
        "__typename": "HolidayPayload",
        "day": "2026-12-31",
        "kind": "OFF",
        "name": "Nghỉ bù Tết Dương lịch",
        "rescheduledPlans": 1,
    }
    assert after_adding["dueOn"] == "2027-01-06"
    assert after_adding["version"] == plan["version"] + 1
    assert removed == {
        "__typename": "RemoveHolidayPayload",
        "day": "2026-12-31",
        "now": None,
        "rescheduledPlans": 1,
    }
    assert after_removing["dueOn"] == "2027-01-05"
    moves = [e for e in after_removing["history"] if e["action"] == "RESCHEDULE"]
    assert [(e["before"]["dueOn"], e["after"]["dueOn"]) for e in moves] == [
        ("2027-01-05", "2027-01-06"),
        ("2027-01-06", "2027-01-05"),
    ]
    assert moves[0]["after"]["calendarDay"] == "2026-12-31"
    audited = await session.execute(
        text("SELECT action FROM audit_event WHERE subject_type = 'holiday' ORDER BY id")
    )
    assert [a for (a,) in audited] == ["set_holiday", "remove_holiday"]


async def test_a_day_outside_the_window_moves_nothing(
    run: Runner, session: AsyncSession, flow: Flow, national: Principal
) -> None:
    plan = await received(flow, session)

    later = await set_day(run, national, day="2027-01-06", name="Nghỉ")

    assert later["rescheduledPlans"] == 0
    assert (await read(flow, plan["id"]))["dueOn"] == "2027-01-05"


async def test_decisions_are_checked_and_national(
    run: Runner, session: AsyncSession, national: Principal, access: AccessServices
) -> None:
    _, provincial = await make_user(
        session, access, "admin.qn.ck", unit_code="22", roles=[Role.ADMIN]
    )

    weekday = await set_day(run, national, day="2026-12-30", name="Làm bù", kind="WORKING")
    nameless = await set_day(run, national, day="2026-12-26", name=" ", kind="WORKING")
    provincial_try = await set_day(run, provincial, day="2026-12-26", name="Làm bù")
    undecided = (await run.as_(national).data(REMOVE_DAY, {"input": {"day": "2026-12-29"}}))[
        "removeHoliday"
    ]

    assert weekday["problems"] == [{"code": "WORKING_DAY_NOT_WEEKEND", "field": "kind"}]
    assert nameless["problems"] == [{"code": "MISSING_NAME", "field": "name"}]
    assert provincial_try == {"__typename": "NotAllowed", "code": "NOT_ALLOWED"}
    assert undecided["problems"] == [{"code": "NO_DECIDED_DAY", "field": "day"}]


async def test_the_calendar_of_a_year_lists_statutory_and_decided_days(
    run: Runner, national: Principal
) -> None:
    await set_day(run, national, day="2027-02-20", name="Làm bù Tết", kind="WORKING")

    days = {d["day"]: d for d in (await run.data(CALENDAR, {"year": 2027}))["holidays"]}

    assert days["2027-02-06"] == {
        "day": "2027-02-06",
        "kind": "OFF",
        "name": "Lunar New Year",  # the runner reads English
        "source": "STATUTORY",
    }
    assert (days["2027-04-16"]["kind"], days["2027-04-16"]["source"]) == ("OFF", "STATUTORY")
    assert days["2027-02-20"] == {
        "day": "2027-02-20",
        "kind": "WORKING",
        "name": "Làm bù Tết",
        "source": "DECIDED",
    }
    assert await run.error_codes(CALENDAR, {"year": 99999}) == ["BAD_ARGUMENTS"]


async def extend(run: Runner, who: Principal, **input: Any) -> Any:
    return (await run.as_(who).data(EXTEND, {"input": input}))["extendDeadline"]


async def test_the_deadline_is_extended_once_by_the_appraiser_with_a_reason(
    run: Runner, session: AsyncSession, flow: Flow, access: AccessServices
) -> None:
    plan = await received(flow, session)
    appraiser, approver = flow.people["appraiser"], flow.people["approver"]
    _, elsewhere = await make_user(
        session, access, "appraiser.hn.ck", unit_code="01", roles=[Role.APPRAISER]
    )
    ask = {"plan": plan["id"], "version": plan["version"], "reason": "Cần xác minh thêm"}

    too_long = await extend(run, appraiser, **ask, workingDays=16)
    no_reason = await extend(run, appraiser, **{**ask, "reason": " "}, workingDays=5)
    stale = await extend(run, appraiser, **{**ask, "version": 1}, workingDays=5)
    not_theirs = await extend(run, elsewhere, **ask, workingDays=5)
    not_allowed = await extend(run, approver, **ask, workingDays=5)
    extended = await extend(run, appraiser, **ask, workingDays=10, idempotencyKey="gia-han-1")
    replayed = await extend(run, appraiser, **ask, workingDays=10, idempotencyKey="gia-han-1")
    again = await extend(run, appraiser, **{**ask, "version": plan["version"] + 1}, workingDays=2)

    assert too_long["problems"] == [{"code": "BAD_EXTENSION", "field": "workingDays"}]
    assert no_reason["problems"] == [{"code": "REASON_REQUIRED", "field": "reason"}]
    assert stale == {"__typename": "StaleVersion", "currentVersion": plan["version"]}
    assert not_theirs["__typename"] == "NotFound"
    assert not_allowed == {"__typename": "NotAllowed", "code": "NOT_ALLOWED"}
    assert extended["plan"] == {
        "version": plan["version"] + 1,
        "dueOn": "2027-01-19",
        "deadlineExtension": {"workingDays": 10, "reason": "Cần xác minh thêm"},
    }
    assert replayed == extended
    assert again["problems"] == [{"code": "ALREADY_EXTENDED", "field": "workingDays"}]
    history = (await read(flow, plan["id"]))["history"]
    assert [
        (e["reason"], e["before"], e["after"]) for e in history if e["action"] == "EXTEND_DEADLINE"
    ] == [
        (
            "Cần xác minh thêm",
            {"dueOn": "2027-01-05"},
            {"dueOn": "2027-01-19", "extendedBy": 10},
        )
    ]


async def test_an_extended_clock_is_recounted_with_its_extension(
    run: Runner, session: AsyncSession, flow: Flow, national: Principal
) -> None:
    plan = await received(flow, session)
    ask = {"plan": plan["id"], "version": plan["version"], "reason": "Xác minh"}
    await extend(run, flow.people["appraiser"], **ask, workingDays=10)

    moved = await set_day(run, national, day="2027-01-15", name="Nghỉ")

    assert moved["rescheduledPlans"] == 1
    assert (await read(flow, plan["id"]))["dueOn"] == "2027-01-20"


async def test_no_extension_before_the_dossier_is_received(
    session: AsyncSession, flow: Flow, run: Runner
) -> None:
    created = await flow.create("07132", "2030-2035", "PROVINCE")
    ask = {"plan": created["plan"]["id"], "version": created["plan"]["version"]}

    refused = await extend(run, flow.people["appraiser"], **ask, workingDays=5, reason="Lý do")

    assert refused == {
        "__typename": "InvalidTransition",
        "status": "DRAFT",
        "action": "EXTEND_DEADLINE",
    }


async def test_recounting_costs_the_same_statements_for_one_plan_or_four(
    run: Runner,
    session: AsyncSession,
    access: AccessServices,
    national: Principal,
    statements: Statements,
) -> None:
    backlog = Backlog(
        run, session, await province_officials(session, access, "ck"), await communes(session, 7)
    )
    await backlog.received(1)
    await set_day(run, national, day="2026-12-29", name="Khởi động")  # warm-up
    counted = {}
    for day in ("2026-12-30", "2026-12-31"):
        statements.count = 0
        moved = await set_day(run, national, day=day, name="Nghỉ")
        counted[moved["rescheduledPlans"]] = statements.count
        await backlog.received(3)

    assert list(counted) == [1, 4]
    assert counted[1] == counted[4], counted
