"""Consolidation over HTTP (issue 12 point 3, DOMAIN.md A.11): the demo's 2025–2030 plans
approved on the old Quảng Ninh tree in March 2025 (api/demo_plans.py) are taken
over today by their successors. Phường Quảng Yên's clerk consolidates its three predecessors'
plans and reads each entry's origin; the new province approves; the old plans read SUPERSEDED
to the old district's viewer. The new province's own consolidation lists the old district's
entries, whose titles have no successor. Ids come only from answers."""

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


async def test_a_successor_consolidates_its_predecessors_and_the_province_approves(
    api: Api,
) -> None:
    plan = await consolidation(api, "clerk.07132", "07132")

    assert (plan["kind"], plan["status"], plan["approvingUnit"]) == (
        "CONSOLIDATION",
        "DRAFT",
        {"code": "22"},
    )
    # The approved entries of the three old communes, each with its origin, each title the
    # new commune's (managed by the province, no longer by the district).
    origins = [e["origin"]["unit"]["code"] for e in plan["entries"]]
    assert sorted(set(origins)) == ["07132", "07153", "07162"]
    assert len(origins) == 3 * ENTRIES_PER_DEMO_PLAN
    assert {e["position"]["managedBy"] for e in plan["entries"]} == {"PROVINCE"}
    assert {e["change"] for e in plan["entries"]} == {"KEEP"}
    assert {e["origin"]["unit"]["validTo"] for e in plan["entries"]} == {"2025-06-30"}
    assert plan["validation"]["errors"] == []

    head, appraiser = await api.login("head.07132"), await api.login("appraiser.22")
    approver = await api.login("approver.22")
    at = {"plan": plan["id"], "version": plan["version"]}
    for client, name, input_type, extra in (
        (head, "submitPlan", "PlanActionInput", {}),
        (appraiser, "receivePlan", "PlanActionInput", {}),
        (appraiser, "appraisePlan", "AppraisePlanInput", {"report": "Hợp nhất đúng quy định"}),
        (
            approver,
            "approvePlan",
            "ApprovePlanInput",
            {"decisionNumber": "07-QĐ/TU", "decisionDate": "2026-11-21"},
        ),
    ):
        answer = await step(client, name, input_type, **at, **extra)
        assert answer["__typename"] == "PlanPayload", answer
        at["version"] = answer["plan"]["version"]
    approved = answer["plan"]
    assert approved["status"] == "APPROVED"
    assert {e["status"] for e in approved["entries"]} == {"ACTIVE"}

    # The old district's viewer reads its communes' plans superseded by the consolidation.
    old_viewer = await api.login("viewer.206.old")
    for origin_plan in sorted({e["origin"]["plan"] for e in plan["entries"]}):
        old = (await old_viewer.data(OLD_PLAN, {"id": origin_plan}))["node"]
        assert old["status"] == "SUPERSEDED"
        assert {e["status"] for e in old["entries"]} == {"SUPERSEDED"}
        assert old["history"][-1]["action"] == "SUPERSEDE"
        assert old["history"][-1]["after"]["supersededBy"] == plan["id"]


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
