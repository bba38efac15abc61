"""The plan workflow of docs/plans.md, driven over HTTP by the officials who do each step.

Each journey works on a commune of its own, with accounts an admin created for it, and asserts
only on the plans it made; every id comes from an answer.
"""

from __future__ import annotations

import asyncio
from typing import Any

from tests.contract.client import Api
from tests.contract.desk import CYCLE, GOOD_BALLOT, Demo, Desk

LOW_BALLOT = {"step": "BTV", "summoned": 11, "present": 11, "votesFor": 3}  # under the threshold
INBOX = "{ inbox(first: 100) { edges { node { id status dueOn viewerCan { receive submit } } } } }"


def typename(answer: dict[str, Any]) -> str:
    return str(answer["__typename"])


async def inbox(desk: Desk, who: str) -> dict[str, dict[str, Any]]:
    """The plans in ``who``'s inbox, by id."""
    data = await desk.people[who].data(INBOX)
    return {edge["node"]["id"]: edge["node"] for edge in data["inbox"]["edges"]}


async def test_a_commune_plan_goes_from_draft_to_a_partial_approval(desk: Desk, demo: Demo) -> None:
    lan = await desk.person("Trần Văn Lân")
    minh = await desk.person("Phạm Đức Minh")
    position = demo.position(0)

    created = await desk.create()
    assert created["plan"]["status"] == "DRAFT"
    assert created["plan"]["approvingUnit"]["code"] == "22"
    assert created["plan"]["ruleSet"] == "QD377_2025"
    assert created["plan"]["viewerCan"]["edit"] is True
    weak = await desk.add(lan, position, LOW_BALLOT)
    assert weak["plan"]["validation"]["blocksSubmission"] is True
    assert [e["rule"] for e in weak["plan"]["validation"]["errors"]] == ["V1"]
    await desk.add(minh, position)

    # Submission is refused while a HARD error remains, and the plan stays a draft.
    refused = await desk.do("head", "submitPlan")
    assert [p["code"] for p in refused["problems"]] == ["V1"], refused
    assert (await desk.read())["status"] == "DRAFT"
    first = desk.plan["entries"][0]["id"]
    fixed = await desk.do("clerk", "updatePlanEntry", entry=first, ballots=[GOOD_BALLOT])
    assert fixed["plan"]["validation"]["blocksSubmission"] is False

    assert (await desk.do("clerk", "submitPlan"))["code"] == "NOT_ALLOWED"  # heads submit
    submitted = await desk.do("head", "submitPlan", idempotencyKey=f"submit-{desk.plan['id']}")
    assert submitted["plan"]["status"] == "SUBMITTED"
    assert submitted["plan"]["submittedAt"] is not None
    assert (await inbox(desk, "appraiser"))[desk.plan["id"]]["viewerCan"]["receive"] is True

    # The organization committee receives: the clock starts.
    assert (await desk.do("approver", "receivePlan"))["__typename"] == "NotAllowed"
    received = await desk.do("appraiser", "receivePlan")
    plan = received["plan"]
    assert plan["status"] == "UNDER_APPRAISAL"
    assert plan["dueOn"] > plan["receivedAt"][:10]
    assert plan["overdue"] is False

    # Returned with a reason; the head sees it in the inbox, fixes nothing and resubmits.
    assert (await desk.do("appraiser", "returnPlan"))["problems"][0]["code"] == "REASON_REQUIRED"
    returned = await desk.do("appraiser", "returnPlan", reason="Thiếu biên bản kiểm phiếu")
    assert returned["plan"]["status"] == "RETURNED"
    assert (await inbox(desk, "head"))[desk.plan["id"]]["viewerCan"]["submit"] is True
    assert (await desk.do("head", "submitPlan"))["plan"]["status"] == "SUBMITTED"
    await desk.do("appraiser", "receivePlan")
    appraised = await desk.do("appraiser", "appraisePlan", report="Đủ điều kiện")
    assert appraised["plan"]["status"] == "APPRAISED"
    assert appraised["plan"]["appraisalReport"] == "Đủ điều kiện"

    # The standing committee approves in part: Minh's entry is not approved, with its reason.
    decision = {"decisionNumber": "125-QĐ/TU", "decisionDate": "2026-11-21"}
    assert (await desk.do("appraiser", "approvePlan", **decision))["code"] == "NOT_ALLOWED"
    minh_entry = next(e["id"] for e in desk.plan["entries"] if e["person"]["id"] == minh)
    approved = await desk.do(
        "approver",
        "approvePlan",
        **decision,
        results=[{"entry": minh_entry, "approved": False, "reason": "Chưa đủ thời gian công tác"}],
    )
    plan = approved["plan"]
    assert plan["status"] == "APPROVED"
    assert plan["decisionNumber"] == "125-QĐ/TU"
    assert {e["person"]["id"]: (e["status"], e["resultReason"]) for e in plan["entries"]} == {
        lan: ("ACTIVE", None),
        minh: ("NOT_APPROVED", "Chưa đủ thời gian công tác"),
    }
    locked = await desk.add(minh, demo.position(1))
    assert locked == {"__typename": "InvalidTransition", "status": "APPROVED", "action": "EDIT"}

    history = (await desk.read())["history"]
    transitions = [(h["action"], h["toStatus"]) for h in history if h["toStatus"]]
    assert transitions == [
        ("SUBMIT", "SUBMITTED"),
        ("RECEIVE", "UNDER_APPRAISAL"),
        ("RETURN", "RETURNED"),
        ("SUBMIT", "SUBMITTED"),
        ("RECEIVE", "UNDER_APPRAISAL"),
        ("APPRAISE", "APPRAISED"),
        ("APPROVE", "APPROVED"),
    ]
    assert next(h["reason"] for h in history if h["action"] == "RETURN") == (
        "Thiếu biên bản kiểm phiếu"
    )


async def test_a_withdrawn_plan_is_a_draft_and_a_rejected_one_is_started_again(
    desk: Desk, demo: Demo
) -> None:
    await desk.create()
    await desk.add(await desk.person("Lê Văn Tùng"), demo.position(0))
    await desk.do("head", "submitPlan")
    withdrawn = await desk.do("head", "withdrawPlan")
    assert withdrawn["plan"]["status"] == "DRAFT"
    too_early = await desk.do("appraiser", "receivePlan")
    assert too_early == {"__typename": "InvalidTransition", "status": "DRAFT", "action": "RECEIVE"}
    await desk.do("head", "submitPlan")
    await desk.do("appraiser", "receivePlan")
    await desk.do("appraiser", "appraisePlan", report="Không đạt")
    rejected_id = desk.plan["id"]

    silent = await desk.do("approver", "rejectPlan")
    rejected = await desk.do("approver", "rejectPlan", reason="Cơ cấu chưa hợp lý")
    again = await desk.create()

    assert typename(silent) == "ValidationFailed"
    assert rejected["plan"]["status"] == "REJECTED"
    assert again["plan"]["status"] == "DRAFT"
    assert again["plan"]["id"] != rejected_id
    assert (await desk.read(rejected_id))["status"] == "REJECTED"
    plans = await desk.people["viewer"].data(
        "query ($unit: ID!) { plans(unit: $unit) { totalCount edges { node { id status } } } }",
        {"unit": desk.commune["id"]},
    )
    assert plans["plans"]["totalCount"] == 2
    assert sorted(e["node"]["status"] for e in plans["plans"]["edges"]) == ["DRAFT", "REJECTED"]


async def test_an_annual_review_keeps_removes_adds_and_supersedes_the_plan(
    desk: Desk, demo: Demo
) -> None:
    hai = await desk.person("Đỗ Văn Hải")
    hoa = await desk.person("Lê Thị Hoa", sex="FEMALE")
    new = await desk.person("Vũ Thị Ngọc", sex="FEMALE", birth_year=1988)
    await desk.create()
    early = await desk.create("ANNUAL_REVIEW")
    assert early["problems"][0]["code"] == "NO_APPROVED_PLAN"  # nothing approved to review yet
    await desk.add(hai, demo.position(0))
    await desk.add(hoa, demo.position(1))
    approved = await desk.approve_all()

    review = await desk.create("ANNUAL_REVIEW")
    assert review["plan"]["kind"] == "ANNUAL_REVIEW"
    kept = {e["person"]["id"]: e for e in review["plan"]["entries"]}
    assert {person: e["change"] for person, e in kept.items()} == {hai: "KEEP", hoa: "KEEP"}
    silent = await desk.do("clerk", "removePlanEntry", entry=kept[hai]["id"], reason="")
    assert typename(silent) == "ValidationFailed"
    removed = await desk.do(
        "clerk", "removePlanEntry", entry=kept[hai]["id"], reason="Chuyển công tác"
    )
    assert {e["person"]["id"]: e["change"] for e in removed["plan"]["entries"]}[hai] == "REMOVE"
    await desk.add(new, demo.position(2))
    reviewed = await desk.approve_all()

    changes = {e["person"]["id"]: (e["change"], e["status"]) for e in reviewed["entries"]}
    assert changes == {hai: ("REMOVE", "REMOVED"), hoa: ("KEEP", "ACTIVE"), new: ("ADD", "ACTIVE")}
    old = await desk.read(approved["id"])
    assert old["status"] == "SUPERSEDED"
    # No entry of the replaced plan still reads as in force.
    assert {e["status"] for e in old["entries"]} == {"SUPERSEDED"}
    assert old["history"][-1]["action"] == "SUPERSEDE"
    assert (old["history"][-1]["fromStatus"], old["history"][-1]["toStatus"]) == (
        "APPROVED",
        "SUPERSEDED",
    )


async def test_reopening_unlocks_an_approved_plan(desk: Desk, demo: Demo) -> None:
    await desk.create()
    await desk.add(await desk.person("Ngô Văn An"), demo.position(0))
    await desk.approve_all()

    silent = await desk.do("approver", "reopenPlan")
    assert (await desk.do("appraiser", "reopenPlan", reason="Bổ sung"))["code"] == "NOT_ALLOWED"
    reopened = await desk.do("approver", "reopenPlan", reason="Bổ sung hồ sơ")
    edited = await desk.add(await desk.person("Ngô Thị Bình", sex="FEMALE"), demo.position(1))

    assert typename(silent) == "ValidationFailed"
    assert reopened["plan"]["status"] == "DRAFT"
    assert [e["status"] for e in reopened["plan"]["entries"]] == ["PROPOSED"]
    assert typename(edited) == "PlanPayload"
    assert edited["plan"]["viewerCan"]["edit"] is True  # the clerk's answer: editable again
    history = (await desk.read())["history"]
    assert (history[-2]["action"], history[-2]["reason"]) == ("REOPEN", "Bổ sung hồ sơ")
    assert history[-1]["action"] == "ADD_ENTRY"


async def test_a_retried_request_answers_its_first_result(desk: Desk, demo: Demo) -> None:
    clerk = desk.people["clerk"]
    person_input = {
        "nationalId": f"0229{demo.number():08d}",
        "fullName": "Hoàng Văn Khánh",
        "sex": "MALE",
        "birthYear": 1983,
        "unit": desk.commune["id"],
        "politicalTheory": "CAO_CAP",
        "currentRank": 9,
        "politicalStandardOk": True,
        "idempotencyKey": f"person-{desk.commune['code']}",
    }
    fields = "__typename ... on PersonPayload { person { id } }"
    people = [
        await clerk.mutate("createPerson", "CreatePersonInput", fields, **person_input)
        for _ in range(2)
    ]
    key = f"create-{desk.commune['code']}"
    first = await desk.create(idempotencyKey=key)
    retried = await desk.create(idempotencyKey=key)
    reused = await desk.do(
        "clerk",
        "createPlan",
        unit=desk.commune["id"],
        cycle=CYCLE,
        kind="NEXT_TERM",
        managedBy="DISTRICT",  # another input under the same key
        idempotencyKey=key,
    )
    await desk.add(people[0]["person"]["id"], demo.position(0))
    submit = {"plan": desk.plan["id"], "version": desk.plan["version"], "idempotencyKey": "s-1"}
    submitted = await desk.do("head", "submitPlan", **submit)
    resubmitted = await desk.do("head", "submitPlan", **submit)  # the answer was "lost"

    assert people[0] == people[1]
    assert retried["plan"]["id"] == first["plan"]["id"]
    assert typename(reused) == "IdempotencyKeyReused"
    assert submitted["plan"]["status"] == "SUBMITTED"
    # The whole answer, to the offset of its moments: the replay reads the plan back from the
    # database (UTC there), the first answer presented the moment it had just set.
    assert resubmitted == submitted
    assert submitted["plan"]["submittedAt"].endswith("+07:00")
    history = (await desk.read())["history"]
    assert [h["action"] for h in history] == ["CREATE", "ADD_ENTRY", "SUBMIT"]
    persons = await clerk.data(
        "query ($unit: ID!) { persons(unit: $unit) { edges { node { id } } } }",
        {"unit": desk.commune["id"]},
    )
    assert [edge["node"]["id"] for edge in persons["persons"]["edges"]] == [
        people[0]["person"]["id"]
    ]


async def test_a_stale_version_is_refused_with_the_current_one(desk: Desk, demo: Demo) -> None:
    lan = await desk.person("Trịnh Văn Lân")
    await desk.create()
    seen = desk.plan["version"]
    await desk.add(lan, demo.position(0))

    stale = await desk.do(
        "clerk",
        "addPlanEntry",
        version=seen,
        person=await desk.person("Trịnh Văn Long"),
        position=demo.position(1),
        tier="T1",
    )
    stale_submit = await desk.do("head", "submitPlan", version=seen)
    person = await desk.people["clerk"].mutate(
        "updatePerson",
        "UpdatePersonInput",
        "__typename ... on StaleVersion { currentVersion }",
        person=lan,
        version=0,
        fullName="Trịnh Văn Lân (sửa)",
    )

    assert stale == {"__typename": "StaleVersion", "currentVersion": desk.plan["version"]}
    assert stale_submit["__typename"] == "StaleVersion"
    assert person["__typename"] == "StaleVersion"
    plan = await desk.read()
    assert (plan["status"], len(plan["entries"])) == ("DRAFT", 1)


async def test_racing_decisions_on_one_plan_let_exactly_one_through(desk: Desk, demo: Demo) -> None:
    await desk.create()
    await desk.add(await desk.person("Bùi Văn Quân"), demo.position(0))
    for who, name, extra in (
        ("head", "submitPlan", {}),
        ("appraiser", "receivePlan", {}),
        ("appraiser", "appraisePlan", {"report": "Đạt"}),
    ):
        await desk.do(who, name, **extra)
    token = desk.api.tokens["approver.22"]
    racers = [await desk.api.with_token(token) for _ in range(4)]
    given = {"plan": desk.plan["id"], "version": desk.plan["version"]}
    calls = [
        racer.mutate(
            "approvePlan",
            "ApprovePlanInput",
            "__typename ... on PlanPayload { plan { status } }",
            **given,
            decisionNumber=f"{n}-QĐ/TU",
            decisionDate="2026-11-21",
        )
        if n % 2
        else racer.mutate(
            "rejectPlan",
            "PlanActionInput",
            "__typename ... on PlanPayload { plan { status } }",
            **given,
            reason="Cơ cấu chưa hợp lý",
        )
        for n, racer in enumerate(racers)
    ]

    answers = await asyncio.gather(*calls)

    winners = [a for a in answers if a["__typename"] == "PlanPayload"]
    assert len(winners) == 1, answers
    assert {a["__typename"] for a in answers} - {"PlanPayload"} <= {
        "StaleVersion",
        "InvalidTransition",
    }
    assert (await desk.read())["status"] == winners[0]["plan"]["status"]


async def test_a_unit_closed_by_the_reorganisation_takes_no_new_plan(api: Api) -> None:
    at = "2025-06-30"
    viewer = await api.login("viewer.206.old")
    district = (await viewer.data(f'{{ unit(code: "206", at: "{at}") {{ id }} }}'))["unit"]
    communes = await viewer.data(
        'query ($d: ID!) { units(parent: $d, at: "2025-06-30", first: 100)'
        " { edges { node { id code } } } }",
        {"d": district["id"]},
    )
    # The demo's three-tier logins: the district's clerk drafted for any commune under it, until
    # the commune's last day (30/06/2025). Its plans were approved by the district then (the
    # schema suite replays that on its day); today a new one is refused (DOMAIN A.11).
    commune = next(e["node"] for e in communes["units"]["edges"] if e["node"]["code"] != "07132")
    desk = Desk(api, Demo("", "", [], {}), commune)
    desk.people["clerk"] = await api.login("clerk.206.old")

    refused = await desk.do(
        "clerk",
        "createPlan",
        unit=commune["id"],
        cycle="2025-2030",
        kind="NEXT_TERM",
        managedBy="DISTRICT",
    )

    assert refused["__typename"] == "ValidationFailed"
    assert [(p["code"], p["field"]) for p in refused["problems"]] == [("UNIT_CLOSED", "unit")]
    assert "30/06/2025" in refused["problems"][0]["message"]
