"""A province's own plan, for the titles the Centre manages, over HTTP: the province's clerk and
head draft and submit it, the national organisation and standing committees decide on it.

Every id comes from an answer; the plan is the only one of Quảng Ninh's own for those titles.
"""

from __future__ import annotations

from tests.contract.client import Api
from tests.contract.desk import PROVINCE_CODE, Demo, Desk

POSITIONS = """
query ($unit: ID!) {
  positions(unit: $unit, managedBy: CENTRAL) {
    position { id code title seats } quota { least most rule }
  }
}
"""


async def test_a_province_plan_is_returned_resubmitted_and_approved_in_part_by_the_centre(
    api: Api, demo: Demo
) -> None:
    viewer = await api.login(f"viewer.{PROVINCE_CODE}")
    province = (await viewer.data(f'{{ unit(code: "{PROVINCE_CODE}") {{ id code name }} }}'))[
        "unit"
    ]
    desk = Desk(api, demo, province)
    for role in ("clerk", "head", "viewer"):
        desk.people[role] = await api.login(f"{role}.{PROVINCE_CODE}")
    national = await api.login("admin")  # every role on the national root
    desk.people["appraiser"] = desk.people["approver"] = national

    offered = (await desk.people["clerk"].data(POSITIONS, {"unit": province["id"]}))["positions"]
    titles = [p["position"] for p in offered if p["quota"]["rule"] == "Q2"]
    assert titles, offered
    created = await desk.do(
        "clerk",
        "createPlan",
        unit=province["id"],
        cycle="2030-2035",
        kind="NEXT_TERM",
        managedBy="CENTRAL",
    )
    assert created["plan"]["approvingUnit"]["code"] == "VN"
    first = await desk.person("Hoàng Văn Thành")
    second = await desk.person("Nguyễn Thị Thu", sex="FEMALE", birth_year=1986)
    await desk.add(first, titles[0]["id"])
    added = await desk.add(second, titles[0]["id"])
    assert added["plan"]["validation"]["blocksSubmission"] is False, added

    # The province's approver has no say: the Centre manages these titles.
    province_approver = await api.login(f"approver.{PROVINCE_CODE}")
    assert (await desk.do("head", "submitPlan"))["plan"]["status"] == "SUBMITTED"
    refused = await province_approver.mutate(
        "receivePlan",
        "PlanActionInput",
        "__typename",
        plan=desk.plan["id"],
        version=desk.plan["version"],
    )
    assert refused["__typename"] == "NotAllowed"
    assert (await desk.do("appraiser", "receivePlan"))["plan"]["dueOn"]
    returned = await desk.do("appraiser", "returnPlan", reason="Thiếu biên bản hội nghị")
    assert returned["plan"]["status"] == "RETURNED"
    assert returned["plan"]["dueOn"] is None  # the clock stops with the unit
    assert (await desk.do("head", "submitPlan"))["plan"]["status"] == "SUBMITTED"
    await desk.do("appraiser", "receivePlan")
    await desk.do("appraiser", "appraisePlan", report="Đủ điều kiện")
    refused_entry = desk.plan["entries"][1]["id"]
    approved = await desk.do(
        "approver",
        "approvePlan",
        decisionNumber="12-QĐ/TW",
        decisionDate="2026-11-21",
        results=[{"entry": refused_entry, "approved": False, "reason": "Chưa đủ kinh nghiệm"}],
    )

    assert approved["plan"]["status"] == "APPROVED"
    assert approved["plan"]["decisionNumber"] == "12-QĐ/TW"
    outcome = {e["id"]: (e["status"], e["resultReason"]) for e in approved["plan"]["entries"]}
    assert outcome[refused_entry] == ("NOT_APPROVED", "Chưa đủ kinh nghiệm")
    assert sorted(status for status, _ in outcome.values()) == ["ACTIVE", "NOT_APPROVED"]
    # The province's officials read their plan as decided.
    seen = (
        await viewer.data(
            "query ($id: ID!) { node(id: $id) { ... on Plan { status } } }", {"id": desk.plan["id"]}
        )
    )["node"]
    assert seen == {"status": "APPROVED"}
