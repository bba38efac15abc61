"""The validation report through GraphQL, and submission refused while HARD errors remain."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from planning.access import Principal
from planning.units import UnitKind
from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.conftest import Runner
from tests.factories import unit
from tests.schema.plan_helpers import officials, person, position
from tests.schema.test_plan_workflow import Flow

REPORT = """
query ($id: ID!) {
  validatePlan(plan: $id) {
    ruleSet blocksSubmission
    errors { rule severity message entry numbers { name value } }
    warnings { rule }
  }
}
"""
INBOX = "{ inbox { edges { node { status overdue planningUnit { code } } } } }"


async def test_a_too_old_candidate_blocks_submission_with_the_numbers(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    people = await officials(session, access, commune="07132", approver="22", suffix="v")
    flow = Flow(run, people)
    await flow.create("07132", "2030-2035", "PROVINCE")
    # A woman born 03/1975 has 52 months left at the 07/2030 reference month (DOMAIN §7.3).
    old = await person(
        session, "07132", "022075000001", "Bùi Thị Mai", birth_year=1975, sex="FEMALE"
    )
    await session.execute(
        text("UPDATE person SET birth_month = 3 WHERE national_id = '022075000001'")
    )
    # A party post: its age is computed at the commune committees' month, 07/2030.
    await flow.add(old, await position(session, "PHO_BI_THU", managed_by=UnitKind.PROVINCE))

    report = (await run.as_(people["clerk"]).data(REPORT, {"id": flow.plan["id"]}))["validatePlan"]
    refused = await flow.do("head", "submitPlan", "PlanActionInput")

    assert report["ruleSet"] == "QD377_2025"
    assert report["blocksSubmission"] is True
    [error] = report["errors"]
    assert error["rule"] == "E4"
    assert error["entry"] == flow.plan["entries"][0]["id"]
    assert {"name": "remaining_months", "value": "52"} in error["numbers"]
    assert "52 months of service left at 07/2030" in error["message"]
    assert {w["rule"] for w in report["warnings"]} >= {"T-YOUNG"}
    assert refused["__typename"] == "ValidationFailed"
    assert refused["problems"][0]["code"] == "E4"


async def test_the_inbox_holds_what_waits_for_the_caller(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    people = await officials(session, access, commune="07132", approver="22", suffix="i")
    flow = Flow(run, people)
    await flow.create("07132", "2030-2035", "PROVINCE")
    await flow.add(
        await person(session, "07132", "022084000201", "Đỗ Văn Chờ"),
        await position(session, "PCT_UBND", managed_by=UnitKind.PROVINCE),
    )
    await flow.do("head", "submitPlan", "PlanActionInput")

    appraiser = await run.as_(people["appraiser"]).data(INBOX)
    clerk = await run.as_(people["clerk"]).data(INBOX)

    assert appraiser["inbox"]["edges"] == [
        {"node": {"status": "SUBMITTED", "overdue": False, "planningUnit": {"code": "07132"}}}
    ]
    assert clerk["inbox"]["edges"] == []


AGE_REPORT = """
query ($id: ID!) {
  validatePlan(plan: $id) {
    ruleSet blocksSubmission ageReference { month basis day }
    errors { rule message entry numbers { name value } }
  }
}
"""


async def _report(run: Runner, who: Principal, plan_id: str) -> Any:
    return (await run.as_(who).data(AGE_REPORT, {"id": plan_id}))["validatePlan"]


async def test_an_undecided_political_standard_blocks_and_says_it_is_not_concluded(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    people = await officials(session, access, commune="07132", approver="22", suffix="e13")
    flow = Flow(run, people)
    await flow.create("07132", "2030-2035", "PROVINCE")
    pending = await person(session, "07132", "022084000131", "Lê Văn Chờ")
    await session.execute(
        text("UPDATE person SET political_standard_ok = NULL WHERE national_id = '022084000131'")
    )
    await flow.add(pending, await position(session, "PCT_UBND", managed_by=UnitKind.PROVINCE))

    report = await _report(run, people["clerk"], flow.plan["id"])
    refused = await flow.do("head", "submitPlan", "PlanActionInput")

    [error] = report["errors"]
    assert error["rule"] == "E13"
    assert {"name": "standard", "value": "PENDING"} in error["numbers"]
    assert error["message"] == (
        "the political standard has not been concluded yet; it must be concluded as met"
    )
    assert refused["__typename"] == "ValidationFailed"
    assert [p["code"] for p in refused["problems"]] == ["E13"]


async def test_an_entry_without_a_ballot_blocks_submission(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    people = await officials(session, access, commune="07132", approver="22", suffix="v0")
    flow = Flow(run, people)
    await flow.create("07132", "2030-2035", "PROVINCE")
    vice_chair = await position(session, "PCT_UBND", managed_by=UnitKind.PROVINCE)
    await flow.add(await person(session, "07132", "022084000132", "Đỗ Văn Phiếu"), vice_chair)
    unballoted = await flow.do(
        "clerk",
        "addPlanEntry",
        "AddPlanEntryInput",
        person=await person(session, "07132", "022084000133", "Đỗ Văn Thiếu"),
        position=vice_chair,
        tier="T1",
    )

    report = await _report(run, people["clerk"], flow.plan["id"])
    refused = await flow.do("head", "submitPlan", "PlanActionInput")

    second = unballoted["plan"]["entries"][1]["id"]
    assert [(e["rule"], e["entry"]) for e in report["errors"]] == [("V0", second)]
    assert report["errors"][0]["message"] == "no ballot of the procedure is recorded for this entry"
    assert [p["code"] for p in refused["problems"]] == ["V0"]


async def test_a_theory_level_is_compared_as_a_level_and_named_by_its_label(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    people = await officials(session, access, commune="07132", approver="22", suffix="e8")
    flow = Flow(run, people)
    await flow.create("07132", "2030-2035", "PROVINCE")
    chair = await position(session, "CT_UBND", managed_by=UnitKind.PROVINCE)  # trung cấp
    await flow.add(await person(session, "07132", "022084000134", "Vũ Văn Đạt"), chair)
    low = await person(session, "07132", "022084000135", "Vũ Văn Thấp")
    await session.execute(
        text("UPDATE person SET political_theory = 'SO_CAP' WHERE national_id = '022084000135'")
    )
    await flow.add(low, chair)

    report = await _report(run, people["clerk"], flow.plan["id"])

    [error] = report["errors"]  # the TRUNG_CAP person meets the standard
    assert error["rule"] == "E8"
    assert error["entry"] == flow.plan["entries"][1]["id"]
    assert error["message"] == (
        "the position requires political theory at the intermediate level; the person has "
        "elementary"
    )


async def test_q3_counts_the_titles_of_one_cycle(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    people = await officials(session, access, commune="07132", approver="22", suffix="q3")
    busy = await person(session, "07132", "022084000136", "Phan Văn Bận")
    titles = ["BI_THU", "PHO_BI_THU", "CT_UBND"]
    this_cycle = Flow(run, people)
    await this_cycle.create("07132", "2030-2035", "PROVINCE")
    for code in titles:
        await this_cycle.add(busy, await position(session, code, managed_by=UnitKind.PROVINCE))
    other_cycle = Flow(run, people)
    await other_cycle.create("07132", "2025-2030", "PROVINCE")

    fourth = await other_cycle.add(
        busy, await position(session, "CT_HDND", managed_by=UnitKind.PROVINCE)
    )

    assert fourth["__typename"] == "PlanPayload", fourth
    for flow in (this_cycle, other_cycle):
        report = await _report(run, people["clerk"], flow.plan["id"])
        assert "Q3" not in {e["rule"] for e in report["errors"]}
    assert len(this_cycle.plan["entries"]) == 3


async def test_an_old_2012_plan_names_the_date_its_ages_assume(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    people = await officials(session, access, commune="07132", approver="22", suffix="old")
    flow = Flow(run, people)
    commune = await unit(session, "07132")
    await flow.do(
        "clerk",
        "createPlan",
        "CreatePlanInput",
        unit=to_global_id("Unit", commune.id),
        cycle="2030-2035",
        kind="NEXT_TERM",
        managedBy="PROVINCE",
        ruleSet="OLD_2012",
    )
    await flow.add(
        await person(session, "07132", "022084000137", "Tạ Văn Cũ"),
        await position(session, "PCT_UBND", managed_by=UnitKind.PROVINCE),
    )
    drafted = await _report(run, people["clerk"], flow.plan["id"])
    await flow.do("head", "submitPlan", "PlanActionInput")
    received = await flow.do("appraiser", "receivePlan", "PlanActionInput")
    pending = await _report(run, people["clerk"], flow.plan["id"])
    await flow.do("appraiser", "appraisePlan", "AppraisePlanInput", report="Đủ điều kiện")
    await flow.do(
        "approver",
        "approvePlan",
        "ApprovePlanInput",
        decisionNumber="12-QĐ/TU",
        decisionDate="2026-11-21",  # the day of receipt: not earlier, and not in the future
    )
    decided = await _report(run, people["clerk"], flow.plan["id"])
    due = date.fromisoformat(received["plan"]["dueOn"])

    assert drafted["ruleSet"] == "OLD_2012"
    assert drafted["ageReference"] == {"month": "11/2026", "basis": "TODAY", "day": "2026-11-21"}
    assert pending["ageReference"] == {
        "month": f"{due:%m/%Y}",
        "basis": "DUE_DATE",
        "day": str(due),
    }
    assert decided["ageReference"] == {
        "month": "11/2026",
        "basis": "DECISION_DATE",
        "day": "2026-11-21",
    }


async def test_an_hd45_plan_names_its_reference_month(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    people = await officials(session, access, commune="07132", approver="22", suffix="hd45")
    flow = Flow(run, people)
    await flow.create("07132", "2030-2035", "PROVINCE")

    report = await _report(run, people["clerk"], flow.plan["id"])

    assert report["ageReference"] == {"month": "07/2030", "basis": "REFERENCE_MONTH", "day": None}
