"""Every state of a plan ends somewhere a client can read: a rejected plan's entries are refused
with its reason and the unit starts again from it; a plan that asks nothing is not submitted; a
plan is addressed only to a body that manages some of the unit's titles."""

from __future__ import annotations

from tests.contract.desk import CYCLE, Demo, Desk


async def test_a_rejected_plan_is_refused_entry_by_entry_and_started_again(
    desk: Desk, demo: Demo
) -> None:
    lam, mai = await desk.person("Đinh Văn Lâm"), await desk.person("Lục Thị Mai", sex="FEMALE")
    await desk.create()
    await desk.add(lam, demo.position(0))
    await desk.add(mai, demo.position(1))
    for who, step, extra in (
        ("head", "submitPlan", {}),
        ("appraiser", "receivePlan", {}),
        ("appraiser", "appraisePlan", {"report": "Cơ cấu chưa hợp lý"}),
        ("approver", "rejectPlan", {"reason": "Cơ cấu độ tuổi chưa hợp lý"}),
    ):
        answer = await desk.do(who, step, **extra)
        assert answer["__typename"] == "PlanPayload", answer
    rejected = desk.plan

    again = await desk.create(fromPlan=rejected["id"])
    twice = await desk.create(fromPlan=again["plan"]["id"])  # only a rejected plan restarts

    assert rejected["status"] == "REJECTED"
    assert {(e["status"], e["resultReason"]) for e in rejected["entries"]} == {
        ("NOT_APPROVED", "Cơ cấu độ tuổi chưa hợp lý")
    }
    fresh = again["plan"]
    assert (fresh["status"], fresh["id"] != rejected["id"]) == ("DRAFT", True)
    assert sorted(
        (e["person"]["id"], e["status"], e["change"]) for e in fresh["entries"]
    ) == sorted([(lam, "PROPOSED", "ADD"), (mai, "PROPOSED", "ADD")])
    assert twice["__typename"] == "ValidationFailed"
    assert [p["code"] for p in twice["problems"]] == ["PLAN_NOT_REJECTED"]


async def test_a_plan_that_asks_nothing_is_not_submitted(desk: Desk) -> None:
    await desk.create()

    empty = await desk.do("head", "submitPlan")

    assert empty["__typename"] == "ValidationFailed"
    assert [(p["code"], p["field"]) for p in empty["problems"]] == [("PLAN_EMPTY", "entries")]


async def test_a_plan_is_addressed_only_to_a_body_that_manages_the_units_titles(
    desk: Desk,
) -> None:
    # No commune title is managed by the commune's own standing committee in the catalogue.
    nothing = await desk.do(
        "clerk",
        "createPlan",
        unit=desk.commune["id"],
        cycle=CYCLE,
        kind="NEXT_TERM",
        managedBy="COMMUNE",
    )

    assert nothing["__typename"] == "ValidationFailed"
    assert [(p["code"], p["field"]) for p in nothing["problems"]] == [
        ("NOTHING_MANAGED", "managedBy")
    ]
