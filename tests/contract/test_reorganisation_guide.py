"""docs/reorganisation.md runs as written, in its order, each step as the login it names: the
new Quảng Ninh reads its predecessors, the old district and its communes' plans and figures;
Phường Quảng Yên consolidates its three predecessors' approved plans, the province approves, the
old plans read SUPERSEDED and the figures hold; the province's admin gives a cadre of a split
commune one of its successors. Ids come only from answers."""

from __future__ import annotations

from typing import Any

from api.demo_plans import ENTRIES_PER_PLAN
from tests.conftest import NOW
from tests.contract.client import Api, GraphQLClient
from tests.contract.test_doc_examples import answered_ids, run

GUIDE = "reorganisation.md"
STEP = """
  __typename
  ... on PlanPayload { plan { version status } }
  ... on ValidationFailed { problems { code message } }
"""
OLD_PLAN_HISTORY = """
query ($plan: ID!) { node(id: $plan) { ... on Plan { history { action after } } } }
"""


def example(name: str) -> str:
    return f"{GUIDE}:{name}"


async def figures(client: GraphQLClient, ids: dict[str, str], unit: str) -> dict[str, Any]:
    return dict(
        (await run(client, example("CarriedOverFigures"), ids, {"unit": unit}))["statistics"]
    )


async def test_the_reorganisation_guide_runs_as_written(api: Api) -> None:
    approver = await api.login("approver.22")
    ids = await answered_ids(approver)

    # 1. Where the old units went.
    new_province = (await run(approver, example("QuangNinhBeforeTheReform"), ids))["unit"]
    [old_province] = [link["unit"] for link in new_province["predecessors"]]
    district = (await run(approver, example("TheOldDistrict"), ids))["unit"]
    communes = [edge["node"] for edge in district["children"]["edges"]]
    assert (new_province["validFrom"], old_province["validTo"]) == ("2025-07-01", "2025-06-30")
    assert old_province["code"] == "22"
    assert (district["name"], district["validTo"]) == ("Thị xã Quảng Yên", "2025-06-30")
    assert communes[0]["successors"] == [{"unit": {"code": "07132", "name": "Phường Quảng Yên"}}]

    # 2. The plans the old tree approved, read from the new province, written by nobody.
    tien_an = (await approver.data('{ unit(code: "07153") { id validTo } }'))["unit"]
    plans = (await run(approver, example("OldCommunePlans"), ids, {"unit": tien_an["id"]}))["plans"]
    [old_plan] = [e["node"] for e in plans["edges"] if e["node"]["cycle"]["code"] == "2025-2030"]
    assert (old_plan["status"], old_plan["approvingUnit"]["code"]) == ("APPROVED", "206")
    assert len(old_plan["entries"]) == ENTRIES_PER_PLAN
    assert old_plan["viewerCan"] == {"edit": False, "approve": False}

    # 3. The new province's 2025–2030 figures are its predecessor's.
    carried = await figures(approver, ids, new_province["id"])
    before = await figures(approver, ids, old_province["id"])
    assert carried["total"] == before["total"]
    assert carried["total"]["entries"] >= 5 * ENTRIES_PER_PLAN  # the demo's old-tree plans
    assert {row["group"][0]["label"] for row in carried["rows"]} == {"Tỉnh Quảng Ninh"}

    # 4. Phường Quảng Yên consolidates its three predecessors' plans.
    clerk = await api.login("clerk.07132")
    commune = (await clerk.data('{ unit(code: "07132") { id } }'))["unit"]
    started = (await run(clerk, example("StartConsolidation"), ids, {"unit": commune["id"]}))[
        "createPlan"
    ]
    assert started["__typename"] == "PlanPayload", started
    plan = started["plan"]
    origins = [entry["origin"] for entry in plan["entries"]]
    assert (plan["kind"], plan["approvingUnit"]["name"]) == ("CONSOLIDATION", "Tỉnh Quảng Ninh")
    assert sorted({o["unit"]["code"] for o in origins}) == ["07132", "07153", "07162"]
    assert len(origins) == 3 * ENTRIES_PER_PLAN
    assert {e["position"]["managedBy"] for e in plan["entries"]} == {"PROVINCE"}
    assert plan["validation"]["blocksSubmission"] is False, plan["validation"]

    head, appraiser = await api.login("head.07132"), await api.login("appraiser.22")
    at = {"plan": plan["id"], "version": plan["version"]}
    for client, name, input_type, extra in (
        (head, "submitPlan", "PlanActionInput", {}),
        (appraiser, "receivePlan", "PlanActionInput", {}),
        (appraiser, "appraisePlan", "AppraisePlanInput", {"report": "Hợp nhất đúng quy định"}),
    ):
        answer = await client.mutate(name, input_type, STEP, **at, **extra)
        assert answer["__typename"] == "PlanPayload", (name, answer)
        at["version"] = answer["plan"]["version"]

    # 5. The province approves; what it took over is superseded, and the figures hold.
    decided = {**at, "day": NOW.date().isoformat()}  # the server's today
    approved = (await run(approver, example("ApproveConsolidation"), ids, decided))["approvePlan"]
    assert approved["__typename"] == "PlanPayload", approved
    assert approved["plan"]["status"] == "APPROVED"
    assert {e["status"] for e in approved["plan"]["entries"]} == {"ACTIVE"}
    for origin_plan in sorted({o["plan"] for o in origins}):
        old = (await run(approver, example("WhatBecameOfTheOldPlan"), ids, {"plan": origin_plan}))[
            "node"
        ]
        history = (await approver.data(OLD_PLAN_HISTORY, {"plan": origin_plan}))["node"]
        assert old["status"] == "SUPERSEDED"
        assert {e["status"] for e in old["entries"]} == {"SUPERSEDED"}
        assert history["history"][-1]["action"] == "SUPERSEDE"
        assert history["history"][-1]["after"]["supersededBy"] == plan["id"]
    after = await figures(approver, ids, new_province["id"])
    assert after["total"] == carried["total"]
    own = {row["group"][0]["label"]: row["entries"] for row in after["rows"]}
    assert own["Phường Quảng Yên"] == 3 * ENTRIES_PER_PLAN

    # 6. A cadre of the split Phường Hà Khẩu gets one of its successors.
    admin = await api.login("admin.22")
    waiting = (await run(admin, example("WaitingForAUnit"), ids))["personsAwaitingUnit"]
    assert waiting["totalCount"] >= 1
    cadre = waiting["edges"][0]["node"]
    assert cadre["fromUnit"]["code"] == "06655"
    target = cadre["candidates"][-1]
    assigned = (
        await run(
            admin,
            example("AssignToASuccessor"),
            ids,
            {"person": cadre["person"]["id"], "unit": target["id"]},
        )
    )["assignPersonUnit"]
    left = (await run(admin, example("WaitingForAUnit"), ids))["personsAwaitingUnit"]
    assert assigned["__typename"] == "PersonPayload", assigned
    assert assigned["person"]["unit"]["code"] == target["code"]
    assert assigned["person"]["unitHistory"][0]["unit"]["code"] == "06655"
    assert left["totalCount"] == waiting["totalCount"] - 1
