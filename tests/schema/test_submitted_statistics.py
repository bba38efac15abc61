"""The officials' view that counts submitted plans: what approval as submitted would give,
labelled as such, and refused to those who may not read the plans."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from planning.access import Principal, Role
from planning.units import UnitKind
from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.conftest import Runner
from tests.factories import api_key_on, make_user, unit
from tests.schema.plan_helpers import officials, person, position
from tests.schema.test_plan_workflow import Flow

STATISTICS = """
query ($unit: ID!, $groupBy: [Dimension!]!, $submitted: Boolean!,
       $filter: [DimensionFilter!] = []) {
  statistics(input: {unit: $unit, cycle: "2030-2035", groupBy: $groupBy,
                     includeSubmitted: $submitted, filter: $filter}) {
    approvedOnly countedStatuses exact
    total { entries persons averageAge }
    rows { group { value } entries persons averageAge }
  }
}
"""
INDICATORS = """
query ($unit: ID!, $submitted: Boolean!) {
  indicators(input: {unit: $unit, cycle: "2030-2035", includeSubmitted: $submitted}) {
    approvedOnly countedStatuses
    values { code value numerator denominator }
  }
}
"""
GROUPINGS: tuple[list[str], ...] = (["GENDER"], ["CHILD_UNIT", "AGE_BAND"], ["POSITION"], [])


async def approve_as_submitted(flow: Flow) -> None:
    if flow.plan["status"] == "SUBMITTED":
        await flow.do("appraiser", "receivePlan", "PlanActionInput")
    await flow.do("appraiser", "appraisePlan", "AppraisePlanInput", report="Đạt")
    result = await flow.do(
        "approver",
        "approvePlan",
        "ApprovePlanInput",
        decisionNumber="QĐ 1",
        decisionDate="2026-11-21",
        results=[],
    )
    assert result["__typename"] == "PlanPayload", result


async def figures(run: Runner, viewer: Principal, province: str, *, submitted: bool) -> Any:
    """Every grouping of the statistics and the indicators, without their labels."""
    answers = []
    for group_by in GROUPINGS:
        stats = await run.as_(viewer).data(
            STATISTICS, {"unit": province, "groupBy": group_by, "submitted": submitted}
        )
        answers.append({k: v for k, v in stats["statistics"].items() if k in ("total", "rows")})
    women = await run.as_(viewer).data(
        STATISTICS,
        {
            "unit": province,
            "groupBy": ["CHILD_UNIT"],
            "submitted": submitted,
            "filter": [{"dimension": "GENDER", "values": ["FEMALE"]}],
        },
    )
    answers.append(women["statistics"]["rows"])
    indicators = await run.as_(viewer).data(INDICATORS, {"unit": province, "submitted": submitted})
    answers.append(indicators["indicators"]["values"])
    return answers


@pytest.fixture
async def pending(run: Runner, session: AsyncSession, access: AccessServices) -> dict[str, Flow]:
    """Commune A: an approved plan and a submitted review of it that drops one person and
    adds one; commune B: a first plan under appraisal."""
    people = await officials(session, access, commune="22", approver="22", suffix="sub")
    titles = [
        await position(session, code, managed_by=UnitKind.PROVINCE)
        for code in ("BI_THU", "PHO_BI_THU", "CT_UBND")
    ]
    flows = {"07132": Flow(run, people), "06652": Flow(run, people)}
    first = flows["07132"]
    await first.create("07132", "2030-2035", "PROVINCE")
    for n, (sex, year) in enumerate((("FEMALE", 1985), ("MALE", 1979), ("MALE", 1990))):
        await first.add(
            await person(session, "07132", f"02209111{n:04d}", f"A {n}", sex=sex, birth_year=year),
            titles[n],
        )
    await first.do("head", "submitPlan", "PlanActionInput")
    await approve_as_submitted(first)
    await first.create("07132", "2030-2035", "PROVINCE", kind="ANNUAL_REVIEW")
    dropped = first.plan["entries"][0]["id"]
    await first.do(
        "clerk", "removePlanEntry", "RemovePlanEntryInput", entry=dropped, reason="rà soát"
    )
    newcomer = await person(session, "22", "022091119999", "A mới", sex="FEMALE", birth_year=1992)
    await first.add(newcomer, titles[0])
    await first.do("head", "submitPlan", "PlanActionInput")

    second = flows["06652"]
    await second.create("06652", "2030-2035", "PROVINCE")
    for n in range(2):
        await second.add(
            await person(session, "06652", f"02209222{n:04d}", f"B {n}", birth_year=1983 + n),
            titles[n + 1],
        )
    await second.do("head", "submitPlan", "PlanActionInput")
    await second.do("appraiser", "receivePlan", "PlanActionInput")
    return flows


async def test_counting_submitted_plans_foretells_their_approval(
    pending: dict[str, Flow], run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    _, viewer = await make_user(session, access, "viewer.sub", unit_code="22", roles=[Role.VIEWER])
    province = to_global_id("Unit", (await unit(session, "22")).id)
    approved_before = await figures(run, viewer, province, submitted=False)
    foretold = await figures(run, viewer, province, submitted=True)

    for flow in pending.values():
        await approve_as_submitted(flow)
    approved_after = await figures(run, viewer, province, submitted=False)

    assert foretold == approved_after
    assert foretold != approved_before
    # the review replaced 3 entries by 3 (one dropped, one added); commune B added 2
    total = {"before": approved_before[3]["total"], "after": approved_after[3]["total"]}
    assert total["after"]["entries"] - total["before"]["entries"] == 2


async def test_the_view_is_labelled(
    pending: dict[str, Flow], run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    _, viewer = await make_user(session, access, "viewer.lab", unit_code="22", roles=[Role.VIEWER])
    province = to_global_id("Unit", (await unit(session, "22")).id)
    variables = {"unit": province, "groupBy": [], "submitted": True}

    stats = (await run.as_(viewer).data(STATISTICS, variables))["statistics"]
    approved = (await run.as_(viewer).data(STATISTICS, {**variables, "submitted": False}))[
        "statistics"
    ]

    assert stats["approvedOnly"] is False
    assert stats["countedStatuses"] == ["APPROVED", "SUBMITTED", "UNDER_APPRAISAL", "APPRAISED"]
    assert approved["approvedOnly"] is True
    assert approved["countedStatuses"] == ["APPROVED"]


async def test_integrators_and_other_provinces_may_not_count_submitted_plans(
    pending: dict[str, Flow], run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    province = await unit(session, "22")
    integrator = api_key_on(province)
    _, hanoi = await make_user(
        session, access, "viewer.hn.sub", unit_code="01", roles=[Role.VIEWER]
    )
    variables = {"unit": to_global_id("Unit", province.id), "submitted": True}

    assert await run.as_(integrator).error_codes(INDICATORS, variables) == ["OFFICIALS_ONLY"]
    assert await run.as_(hanoi).error_codes(INDICATORS, variables) == ["NOT_ALLOWED"]
    assert await run.as_(integrator).data(INDICATORS, {**variables, "submitted": False})
