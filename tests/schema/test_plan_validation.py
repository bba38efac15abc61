"""The validation report through GraphQL, and submission refused while HARD errors remain."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from planning.units import UnitKind
from schema.access.services import AccessServices
from tests.conftest import Runner
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
    await flow.do("head", "submitPlan", "PlanActionInput")

    appraiser = await run.as_(people["appraiser"]).data(INBOX)
    clerk = await run.as_(people["clerk"]).data(INBOX)

    assert appraiser["inbox"]["edges"] == [
        {"node": {"status": "SUBMITTED", "overdue": False, "planningUnit": {"code": "07132"}}}
    ]
    assert clerk["inbox"]["edges"] == []
