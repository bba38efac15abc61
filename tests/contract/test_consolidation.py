"""Consolidation over HTTP beyond the guide (issue 12 point 3, DOMAIN.md A.11): the province's
own consolidation lists the old district's entries, whose titles have no successor; a unit with
nothing approved before it has nothing to consolidate. Phường Quảng Yên consolidating and the
province approving it is docs/reorganisation.md, run by test_reorganisation_guide.py."""

from __future__ import annotations

from typing import Any

from api.demo_plans import ENTRIES_PER_PLAN as ENTRIES_PER_DEMO_PLAN
from tests.contract.client import Api, GraphQLClient

CYCLE = "2025-2030"
DISTRICT_TITLES = {"BI_THU", "PHO_BI_THU", "CT_HDND", "CT_UBND", "PCT_UBND"}
PLAN = """
  __typename
  ... on PlanPayload { plan {
    id status version kind managedBy approvingUnit { code }
    entries { id status change person { fullName } position { code managedBy }
              origin { unit { code name validTo } plan entry } }
    consolidationLeftovers { origin { unit { code } plan entry } person { fullName }
                             position { code title } }
    validation { errors { rule } }
  } }
  ... on ValidationFailed { problems { code message } }
"""
UNIT = "query ($code: String!) { unit(code: $code) { id name } }"
OLD_PLAN = """
query ($id: ID!) { node(id: $id) { ... on Plan {
  status planningUnit { code } entries { id status } history { action after } } } }
"""


async def step(client: GraphQLClient, name: str, input_type: str, **input: Any) -> Any:
    return await client.mutate(name, input_type, PLAN, **input)


async def consolidation(api: Api, clerk: str, code: str) -> dict[str, Any]:
    client = await api.login(clerk)
    unit = (await client.data(UNIT, {"code": code}))["unit"]
    created = await step(
        client,
        "createPlan",
        "CreatePlanInput",
        unit=unit["id"],
        cycle=CYCLE,
        kind="CONSOLIDATION",
        managedBy="PROVINCE",
    )
    assert created["__typename"] == "PlanPayload", created
    return dict(created["plan"])


async def test_the_provinces_consolidation_lists_the_old_districts_entries(api: Api) -> None:
    plan = await consolidation(api, "clerk.22", "22")

    assert plan["entries"] == []
    leftovers = plan["consolidationLeftovers"]
    assert [o["origin"]["unit"]["code"] for o in leftovers] == ["206"] * ENTRIES_PER_DEMO_PLAN
    assert all(o["person"]["fullName"] for o in leftovers)
    # District titles: the district's secretaries and chairs, which no unit holds any more.
    assert {o["position"]["code"] for o in leftovers} <= DISTRICT_TITLES


async def test_a_unit_without_predecessor_plans_has_nothing_to_consolidate(api: Api) -> None:
    client = await api.login("clerk.22")
    unit = (await client.data(UNIT, {"code": "22"}))["unit"]
    central = await step(
        client,
        "createPlan",
        "CreatePlanInput",
        unit=unit["id"],
        cycle="2030-2035",
        kind="CONSOLIDATION",
        managedBy="PROVINCE",
    )
    assert [p["code"] for p in central["problems"]] == ["NO_PREDECESSOR_PLAN"]
