"""Provinces set their own targets; national admins record cycles."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from planning.access import Role
from planning.units import UnitKind
from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.conftest import Runner
from tests.factories import make_user, unit
from tests.schema.plan_helpers import officials, person, position
from tests.schema.test_plan_workflow import Flow

TARGET = """
mutation ($input: SetTargetInput!) {
  setTarget(input: $input) {
    __typename ... on TargetPayload { atLeast } ... on NotAllowed { code }
  }
}
"""
CYCLE = """
mutation ($input: SetCycleInput!) {
  setCycle(input: $input) { __typename ... on CyclePayload { cycle { code partyTerm } } }
}
"""
WARNINGS = (
    "query ($id: ID!) { validatePlan(plan: $id) { warnings { rule numbers { name value } } } }"
)


async def test_a_provinces_own_women_target_replaces_the_rule_sets(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    _, admin = await make_user(session, access, "admin.qn", unit_code="22", roles=[Role.ADMIN])
    people = await officials(session, access, commune="07132", approver="22", suffix="t")
    flow = Flow(run, people)
    await flow.create("07132", "2030-2035", "PROVINCE")
    women = [
        await person(session, "07132", f"02208600000{n}", f"Chị {n}", sex="FEMALE")
        for n in range(1)
    ]
    men = [await person(session, "07132", f"02208700000{n}", f"Anh {n}") for n in range(3)]
    for n, candidate in enumerate(women + men):
        await flow.add(
            candidate,
            await position(
                session,
                ("PCT_UBND", "CT_UBND", "PHO_BI_THU", "BI_THU")[n],
                managed_by=UnitKind.PROVINCE,
            ),
        )
    before = await run.as_(people["clerk"]).data(WARNINGS, {"id": flow.plan["id"]})

    province = to_global_id("Unit", (await unit(session, "22")).id)
    set_target = await run.as_(admin).data(
        TARGET,
        {
            "input": {
                "province": province,
                "ruleSet": "QD377_2025",
                "indicator": "WOMEN",
                "atLeast": 0.4,
            }
        },
    )
    after = await run.as_(people["clerk"]).data(WARNINGS, {"id": flow.plan["id"]})

    def women_warning(report: dict[str, Any]) -> list[Any]:
        return [w for w in report["validatePlan"]["warnings"] if w["rule"] == "T-WOMEN"]

    assert women_warning(before) == []  # 25% meets the shipped 15%
    assert set_target["setTarget"] == {"__typename": "TargetPayload", "atLeast": 0.4}
    assert women_warning(after)[0]["numbers"] == [
        {"name": "value", "value": "25%"},
        {"name": "target", "value": "40%"},
    ]


async def test_national_admins_record_a_cycle(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    _, national = await make_user(session, access, "admin.vn", roles=[Role.ADMIN])
    _, provincial = await make_user(session, access, "admin.qn", unit_code="22", roles=[Role.ADMIN])
    months = [
        {"kind": kind, "month": month}
        for kind, month in (
            ("GRASSROOTS", "2035-04"),
            ("ABOVE_GRASSROOTS", "2035-06"),
            ("COMMUNE", "2035-07"),
            ("PROVINCE", "2035-09"),
            ("STATE", "2036-03"),
        )
    ]
    cycle = {
        "code": "2035-2040",
        "partyTermStart": 2035,
        "partyTermEnd": 2040,
        "stateTermStart": 2036,
        "stateTermEnd": 2041,
        "referenceMonths": months,
    }

    refused = await run.as_(provincial).data(CYCLE, {"input": cycle})
    recorded = await run.as_(national).data(CYCLE, {"input": cycle})
    broken = await run.as_(national).data(
        CYCLE, {"input": {**cycle, "referenceMonths": months[:2]}}
    )

    assert refused["setCycle"]["__typename"] == "NotAllowed"
    assert recorded["setCycle"]["cycle"] == {"code": "2035-2040", "partyTerm": "2035–2040"}
    assert broken["setCycle"]["__typename"] == "ValidationFailed"
