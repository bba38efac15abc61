"""The whole workflow through GraphQL, on the two-tier tree (approved by the province) and the
three-tier tree (approved by the district): return and resubmission, partial approval,
rejection, an annual review with a removal, reopening."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db import calendar as calendar_db
from planning.access import Principal, Role
from planning.units import UnitKind
from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.conftest import NOW, Runner
from tests.factories import make_user, unit
from tests.schema.plan_helpers import call, officials, person, position

THREE_TIER = date(2025, 6, 30)


class Flow:
    """Calls the workflow as the right official, carrying the plan's version along."""

    def __init__(self, run: Runner, people: dict[str, Principal]) -> None:
        self.run = run
        self.people = people
        self.plan: dict[str, Any] = {}

    async def do(self, who: str, name: str, input_type: str, **input: Any) -> Any:
        if "entry" in input:
            input = {"version": self.plan["version"], **input}
        elif "plan" not in input and self.plan:
            input = {"plan": self.plan["id"], "version": self.plan["version"], **input}
        result = await call(self.run.as_(self.people[who]), name, input_type, **input)
        if result["__typename"] == "PlanPayload":
            self.plan = result["plan"]
        return result

    async def create(
        self,
        unit_code: str,
        cycle: str,
        managed_by: str,
        at: date | None = None,
        kind: str = "NEXT_TERM",
    ) -> Any:
        commune = await unit(self.run.session, unit_code, at)
        self.plan = {}
        return await self.do(
            "clerk",
            "createPlan",
            "CreatePlanInput",
            unit=to_global_id("Unit", commune.id),
            cycle=cycle,
            kind=kind,
            managedBy=managed_by,
        )

    async def add(self, person_id: str, position_id: str, tier: str = "T1") -> Any:
        return await self.do(
            "clerk",
            "addPlanEntry",
            "AddPlanEntryInput",
            person=person_id,
            position=position_id,
            tier=tier,
            ballots=[{"step": "BTV", "summoned": 11, "present": 11, "votesFor": 9}],
        )


@pytest.fixture
async def two_tier(run: Runner, session: AsyncSession, access: AccessServices) -> Flow:
    people = await officials(session, access, commune="07132", approver="22", suffix="2t")
    return Flow(run, people)


@pytest.fixture
async def three_tier(run: Runner, session: AsyncSession, access: AccessServices) -> Flow:
    people = await officials(
        session, access, commune="07132", approver="206", suffix="3t", at=THREE_TIER
    )
    return Flow(run, people)


async def test_two_tier_commune_plan_is_approved_by_the_province_in_part(
    two_tier: Flow, session: AsyncSession
) -> None:
    flow = two_tier
    vice_chair = await position(session, "PCT_UBND", managed_by=UnitKind.PROVINCE)
    lan = await person(session, "07132", "022084000001", "Trần Văn Lân")
    minh = await person(session, "07132", "022084000002", "Phạm Đức Minh")

    created = await flow.create("07132", "2030-2035", "PROVINCE")
    assert created["plan"]["approvingUnit"] == {"code": "22"}
    assert created["plan"]["ruleSet"] == "QD377_2025"
    assert created["plan"]["viewerCan"]["edit"] is True
    assert (await flow.add(lan, vice_chair))["__typename"] == "PlanPayload"
    await flow.add(minh, vice_chair)
    assert (await flow.do("clerk", "submitPlan", "PlanActionInput"))["code"] == "NOT_ALLOWED"
    assert (await flow.do("head", "submitPlan", "PlanActionInput"))["plan"]["status"] == "SUBMITTED"
    assert (await flow.do("approver", "receivePlan", "PlanActionInput"))[
        "__typename"
    ] == "NotAllowed"

    received = await flow.do("appraiser", "receivePlan", "PlanActionInput")
    calendar = await calendar_db.work_calendar(session, since=NOW.date())
    assert received["plan"]["dueOn"] == str(calendar.add_working_days(NOW.date(), 30))
    no_reason = await flow.do("appraiser", "returnPlan", "PlanActionInput")
    assert no_reason["problems"][0]["code"] == "REASON_REQUIRED"
    returned = await flow.do(
        "appraiser", "returnPlan", "PlanActionInput", reason="Thiếu biên bản kiểm phiếu"
    )
    assert returned["plan"]["status"] == "RETURNED"
    await flow.do("head", "submitPlan", "PlanActionInput")
    await flow.do("appraiser", "receivePlan", "PlanActionInput")
    await flow.do("appraiser", "appraisePlan", "AppraisePlanInput", report="Đủ điều kiện")
    assert (
        await flow.do(
            "appraiser",
            "approvePlan",
            "ApprovePlanInput",
            decisionNumber="1",
            decisionDate="2026-11-21",
        )
    )["code"] == "NOT_ALLOWED"

    second = flow.plan["entries"][1]["id"]
    approved = await flow.do(
        "approver",
        "approvePlan",
        "ApprovePlanInput",
        decisionNumber="125-QĐ/TU",
        decisionDate="2026-11-21",
        results=[{"entry": second, "approved": False, "reason": "Chưa đủ thời gian công tác"}],
    )

    plan = approved["plan"]
    assert plan["status"] == "APPROVED"
    assert [(e["status"], e["resultReason"]) for e in plan["entries"]] == [
        ("ACTIVE", None),
        ("NOT_APPROVED", "Chưa đủ thời gian công tác"),
    ]
    locked = await flow.add(minh, vice_chair)
    assert locked == {"__typename": "InvalidTransition", "status": "APPROVED", "action": "EDIT"}


async def test_three_tier_commune_plan_is_approved_by_the_district_not_the_province(
    three_tier: Flow, session: AsyncSession, access: AccessServices
) -> None:
    flow = three_tier
    vice_chair = await position(session, "PCT_UBND", managed_by=UnitKind.DISTRICT)
    lan = await person(session, "07132", "022084000003", "Vũ Thị Lan", at=THREE_TIER, sex="FEMALE")

    today = flow.run
    too_late = await flow.create("07132", "2025-2030", "DISTRICT", at=THREE_TIER)
    # The old commune's last day was 30/06/2025: its plans were made before (DOMAIN A.11).
    flow.run = today.on(datetime(2025, 6, 20, 9, 0, tzinfo=NOW.tzinfo))
    created = await flow.create("07132", "2025-2030", "DISTRICT", at=THREE_TIER)
    assert created["plan"]["approvingUnit"] == {"code": "206"}
    await flow.add(lan, vice_chair)
    await flow.do("head", "submitPlan", "PlanActionInput")
    await flow.do("appraiser", "receivePlan", "PlanActionInput")
    await flow.do("appraiser", "appraisePlan", "AppraisePlanInput", report="Đạt")
    flow.run = today
    province_approver = (
        await officials(session, access, commune="22", approver="22", suffix="p3", at=THREE_TIER)
    )["approver"]
    flow.people["province"] = province_approver

    refused = await flow.do(
        "province", "approvePlan", "ApprovePlanInput", decisionNumber="9", decisionDate="2026-11-21"
    )
    approved = await flow.do(
        "approver", "approvePlan", "ApprovePlanInput", decisionNumber="9", decisionDate="2026-11-21"
    )

    assert (
        refused["code"] == "NOT_ALLOWED"
    )  # approval is exact: the district's plan, not the province's
    assert approved["plan"]["status"] == "APPROVED"
    assert [p["code"] for p in too_late["problems"]] == ["UNIT_CLOSED"]


async def test_rejection_needs_a_reason(two_tier: Flow, session: AsyncSession) -> None:
    flow = two_tier
    await flow.create("07132", "2030-2035", "PROVINCE")
    await flow.add(
        await person(session, "07132", "022084000202", "Phan Văn Trả"),
        await position(session, "PCT_UBND", managed_by=UnitKind.PROVINCE),
    )
    await flow.do("head", "submitPlan", "PlanActionInput")
    await flow.do("appraiser", "receivePlan", "PlanActionInput")
    await flow.do("appraiser", "appraisePlan", "AppraisePlanInput", report="Không đạt")

    silent = await flow.do("approver", "rejectPlan", "PlanActionInput")
    rejected = await flow.do(
        "approver", "rejectPlan", "PlanActionInput", reason="Cơ cấu chưa hợp lý"
    )

    assert silent["__typename"] == "ValidationFailed"
    assert rejected["plan"]["status"] == "REJECTED"
    # No entry of a decided plan reads as a proposal: each is refused with the plan's reason.
    assert [(e["status"], e["resultReason"]) for e in rejected["plan"]["entries"]] == [
        ("NOT_APPROVED", "Cơ cấu chưa hợp lý")
    ]


async def approve_all(flow: Flow) -> None:
    await flow.do("head", "submitPlan", "PlanActionInput")
    await flow.do("appraiser", "receivePlan", "PlanActionInput")
    await flow.do("appraiser", "appraisePlan", "AppraisePlanInput", report="Đạt")
    await flow.do(
        "approver", "approvePlan", "ApprovePlanInput", decisionNumber="1", decisionDate="2026-11-21"
    )


async def test_an_annual_review_removes_and_adds_then_supersedes_the_approved_set(
    two_tier: Flow, session: AsyncSession
) -> None:
    flow = two_tier
    vice_chair = await position(session, "PCT_UBND", managed_by=UnitKind.PROVINCE)
    chair = await position(session, "CT_UBND", managed_by=UnitKind.PROVINCE)
    lan = await person(session, "07132", "022084000011", "Đỗ Văn Lân")
    hoa = await person(session, "07132", "022084000012", "Lê Thị Hoa", sex="FEMALE")
    await flow.create("07132", "2030-2035", "PROVINCE")
    await flow.add(lan, vice_chair)
    await approve_all(flow)
    approved_id = flow.plan["id"]

    review = await flow.create("07132", "2030-2035", "PROVINCE", kind="ANNUAL_REVIEW")
    kept = review["plan"]["entries"]
    assert [(e["change"], e["person"]["fullName"]) for e in kept] == [("KEEP", "Đỗ Văn Lân")]
    removed = await flow.do(
        "clerk",
        "removePlanEntry",
        "RemovePlanEntryInput",
        entry=kept[0]["id"],
        reason="Chuyển công tác",
    )
    assert removed["plan"]["entries"][0]["change"] == "REMOVE"
    await flow.add(hoa, chair)
    await approve_all(flow)

    assert [(e["change"], e["status"]) for e in flow.plan["entries"]] == [
        ("REMOVE", "REMOVED"),
        ("ADD", "ACTIVE"),
    ]
    old = await flow.run.as_(flow.people["approver"]).data(
        "query ($id: ID!) { node(id: $id) { ... on Plan { status version history { action "
        "fromStatus toStatus } } } }",
        {"id": approved_id},
    )
    assert old["node"]["status"] == "SUPERSEDED"
    assert old["node"]["history"][-1] == {
        "action": "SUPERSEDE",
        "fromStatus": "APPROVED",
        "toStatus": "SUPERSEDED",
    }


async def test_reopen_unlocks_an_approved_plan(two_tier: Flow, session: AsyncSession) -> None:
    flow = two_tier
    await flow.create("07132", "2030-2035", "PROVINCE")
    await flow.add(
        await person(session, "07132", "022084000021", "Ngô Văn An"),
        await position(session, "PCT_UBND", managed_by=UnitKind.PROVINCE),
    )
    await approve_all(flow)

    reopened = await flow.do("approver", "reopenPlan", "PlanActionInput", reason="Bổ sung hồ sơ")

    assert reopened["plan"]["status"] == "DRAFT"
    assert [e["status"] for e in reopened["plan"]["entries"]] == ["PROPOSED"]
    history = await flow.run.as_(flow.people["approver"]).data(
        "query ($id: ID!) { node(id: $id) { ... on Plan {"
        " history { action fromStatus toStatus reason actor } } } }",
        {"id": flow.plan["id"]},
    )
    actions = [h["action"] for h in history["node"]["history"]]
    assert actions == ["CREATE", "ADD_ENTRY", "SUBMIT", "RECEIVE", "APPRAISE", "APPROVE", "REOPEN"]
    assert history["node"]["history"][-1]["reason"] == "Bổ sung hồ sơ"


async def test_the_titles_over_their_cap_count_the_provinces_own_seats(
    two_tier: Flow, run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    flow = two_tier
    vice_chair = await position(session, "PCT_UBND", managed_by=UnitKind.PROVINCE)
    await flow.create("07132", "2030-2035", "PROVINCE")
    for n in range(4):  # two seats in the catalogue: at most six
        await flow.add(await person(session, "07132", f"02208400010{n}", f"Cán bộ {n}"), vice_chair)
    await flow.do("head", "submitPlan", "PlanActionInput")
    await flow.do("appraiser", "receivePlan", "PlanActionInput")
    await flow.do("appraiser", "appraisePlan", "AppraisePlanInput", report="Đủ điều kiện")
    approved = await flow.do(
        "approver",
        "approvePlan",
        "ApprovePlanInput",
        decisionNumber="7-QĐ/TU",
        decisionDate="2026-11-21",
    )
    assert approved["plan"]["status"] == "APPROVED"
    province = to_global_id("Unit", (await unit(session, "22")).id)
    _, admin = await make_user(session, access, "admin.seats", unit_code="22", roles=[Role.ADMIN])
    seats = await run.as_(admin).data(
        "mutation ($input: SetPositionSeatsInput!) { setPositionSeats(input: $input) "
        "{ __typename } }",
        {"input": {"position": vice_chair, "province": province, "seats": 1}},
    )
    assert seats["setPositionSeats"]["__typename"] == "PositionPayload"

    # The province now has one vice-chair seat: four planned is over its cap of three.
    indicators = await run.as_(flow.people["approver"]).data(
        'query ($unit: ID!) { indicators(input: {unit: $unit, cycle: "2030-2035"}) '
        "{ values { code numerator } } }",
        {"unit": province},
    )
    by_code = {v["code"]: v for v in indicators["indicators"]["values"]}
    assert by_code["TITLES_OVER_CAP"]["numerator"] == 1


async def test_a_provinces_own_young_threshold_sets_the_age_bands_its_statistics_count(
    two_tier: Flow, run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    flow = two_tier
    province = to_global_id("Unit", (await unit(session, "22")).id)
    _, admin = await make_user(session, access, "admin.young", unit_code="22", roles=[Role.ADMIN])
    target = await run.as_(admin).data(
        "mutation ($input: SetTargetInput!) { setTarget(input: $input) { __typename } }",
        {
            "input": {
                "province": province,
                "ruleSet": "QD377_2025",
                "indicator": "YOUNG",
                "atLeast": 0.1,
                "youngUnder": 50,
            }
        },
    )
    assert target["setTarget"]["__typename"] == "TargetPayload"
    await flow.create("07132", "2030-2035", "PROVINCE")
    vice_chair = await position(session, "PCT_UBND", managed_by=UnitKind.PROVINCE)
    # 46 at the 07/2030 reference month: not young under 42, young under the province's 50.
    await flow.add(await person(session, "07132", "022084000201", "Lê Văn Tâm"), vice_chair)
    await flow.do("head", "submitPlan", "PlanActionInput")
    await flow.do("appraiser", "receivePlan", "PlanActionInput")
    await flow.do("appraiser", "appraisePlan", "AppraisePlanInput", report="Đủ điều kiện")
    await flow.do(
        "approver",
        "approvePlan",
        "ApprovePlanInput",
        decisionNumber="8-QĐ/TU",
        decisionDate="2026-11-21",
    )

    indicators = await run.as_(flow.people["approver"]).data(
        'query ($unit: ID!) { indicators(input: {unit: $unit, cycle: "2030-2035"}) '
        "{ values { code numerator denominator } } }",
        {"unit": province},
    )
    young = {v["code"]: v for v in indicators["indicators"]["values"]}["YOUNG"]
    assert (young["numerator"], young["denominator"]) == (1, 1)
