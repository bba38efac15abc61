"""Statistics as of a past day: approvals count from their day, reopenings and supersessions
stop them counting from theirs, and yesterday's figures read from the history equal today's
read from the rollups when nothing changed since."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from planning.access import Principal, Role
from planning.units import UnitKind
from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.conftest import NOW, Runner
from tests.factories import make_user, unit
from tests.schema.plan_helpers import officials, person, position
from tests.schema.test_plan_workflow import Flow

STATISTICS = """
query ($unit: ID!, $groupBy: [Dimension!]!, $at: Date) {
  statistics(input: {unit: $unit, cycle: "2030-2035", groupBy: $groupBy, at: $at}) {
    total { entries persons averageAge }
    rows { group { value } entries persons averageAge }
  }
}
"""
INDICATORS = """
query ($unit: ID!, $at: Date) {
  indicators(input: {unit: $unit, cycle: "2030-2035", at: $at}) {
    values { code value numerator denominator }
  }
}
"""


def day(month: int, number: int) -> datetime:
    return NOW.replace(month=month, day=number)


async def approve(flow: Flow) -> None:
    await flow.do("head", "submitPlan", "PlanActionInput")
    await flow.do("appraiser", "receivePlan", "PlanActionInput")
    await flow.do("appraiser", "appraisePlan", "AppraisePlanInput", report="Đạt")
    result = await flow.do(
        "approver",
        "approvePlan",
        "ApprovePlanInput",
        decisionNumber="QĐ",
        decisionDate=flow.run.now.date().isoformat(),
        results=[],
    )
    assert result["__typename"] == "PlanPayload", result


async def entries_at(run: Runner, viewer: Principal, province: str, at: str | None) -> int:
    stats = await run.as_(viewer).data(STATISTICS, {"unit": province, "groupBy": [], "at": at})
    return int(stats["statistics"]["total"]["entries"] or 0)


@pytest.fixture
async def history(run: Runner, session: AsyncSession, access: AccessServices) -> dict[str, Any]:
    """Commune A approved on 1/10 (3 persons), commune B on 15/10 (2), A reopened on 1/11, a
    review of B dropping one person approved on 10/11."""
    people = await officials(session, access, commune="22", approver="22", suffix="hist")
    titles = [
        await position(session, code, managed_by=UnitKind.PROVINCE)
        for code in ("BI_THU", "PHO_BI_THU", "CT_UBND")
    ]
    a, b = Flow(run.on(day(10, 1)), people), Flow(run.on(day(10, 15)), people)
    await a.create("07132", "2030-2035", "PROVINCE")
    for n in range(3):
        await a.add(
            await person(session, "07132", f"02209333{n:04d}", f"A {n}", birth_year=1980 + n),
            titles[n],
        )
    await approve(a)
    await b.create("06652", "2030-2035", "PROVINCE")
    for n in range(2):
        await b.add(
            await person(session, "06652", f"02209444{n:04d}", f"B {n}", sex="FEMALE"),
            titles[n],
        )
    await approve(b)
    a.run = run.on(day(11, 1))
    await a.do("approver", "reopenPlan", "PlanActionInput", reason="bổ sung hồ sơ")
    b.run = run.on(day(11, 10))
    await b.create("06652", "2030-2035", "PROVINCE", kind="ANNUAL_REVIEW")
    await b.do(
        "clerk",
        "removePlanEntry",
        "RemovePlanEntryInput",
        entry=b.plan["entries"][0]["id"],
        reason="nghỉ hưu",
    )
    await approve(b)
    _, viewer = await make_user(session, access, "viewer.hist", unit_code="22", roles=[Role.VIEWER])
    return {"viewer": viewer, "province": to_global_id("Unit", (await unit(session, "22")).id)}


async def test_each_day_counts_what_was_approved_at_its_end(
    history: dict[str, Any], run: Runner
) -> None:
    viewer, province = history["viewer"], history["province"]
    before = await entries_at(run, viewer, province, "2026-09-30")

    counted = {
        at: await entries_at(run, viewer, province, at) - before
        for at in ("2026-10-01", "2026-10-14", "2026-10-15", "2026-10-31", "2026-11-01")
    }
    counted["2026-11-10"] = await entries_at(run, viewer, province, "2026-11-10") - before

    assert counted == {
        "2026-10-01": 3,
        "2026-10-14": 3,
        "2026-10-15": 5,
        "2026-10-31": 5,
        "2026-11-01": 2,  # A reopened that day
        "2026-11-10": 1,  # B's review, without one of its two persons, replaced B
    }


async def test_yesterday_from_the_history_equals_today_from_the_rollups(
    history: dict[str, Any], run: Runner
) -> None:
    viewer, province = history["viewer"], history["province"]
    yesterday = (NOW - timedelta(days=1)).date().isoformat()

    for group_by in ([], ["GENDER"], ["CHILD_UNIT", "AGE_BAND"], ["POSITION"]):
        variables = {"unit": province, "groupBy": group_by}
        then = await run.as_(viewer).data(STATISTICS, {**variables, "at": yesterday})
        now = await run.as_(viewer).data(STATISTICS, {**variables, "at": None})
        assert then == now, group_by
    then = await run.as_(viewer).data(INDICATORS, {"unit": province, "at": yesterday})
    now = await run.as_(viewer).data(INDICATORS, {"unit": province, "at": None})
    assert then == now


async def test_submitted_plans_cannot_be_counted_on_a_past_day(
    history: dict[str, Any], run: Runner
) -> None:
    query = """query ($unit: ID!) { statistics(input: {unit: $unit, cycle: "2030-2035",
        at: "2026-10-20", includeSubmitted: true}) { approvedOnly } }"""

    codes = await run.as_(history["viewer"]).error_codes(query, {"unit": history["province"]})

    assert codes == ["BAD_ARGUMENTS"]
