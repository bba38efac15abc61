"""Approval on the validation as of its moment, through GraphQL: the bulk approval decides as
approvePlan does, a plan-wide cap (Q2) is met by refusing entries, and a discipline's removal
proposal (R1) is raised once, carried into the next review and settled by its approval, with
the plan's history saying so."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db import persons as persons_db
from db.plan_models import PositionOverride
from planning.units import UnitKind
from schema.access.services import AccessServices
from schema.node import row_id, to_global_id
from tests.conftest import NOW, Runner
from tests.factories import unit
from tests.schema.plan_helpers import officials, person, position
from tests.schema.test_plan_workflow import Flow

DECISION = {"decisionNumber": "40-QĐ/TU", "decisionDate": "2026-11-21"}
BULK = """
mutation ($input: %s!) { %s(input: $input) { __typename
  ... on PlanActionsPayload { results { result { __typename
    ... on PlanPayload { plan { id status version
      appraisalFindings { rule entry } entries { id status } } }
    ... on ValidationFailed { problems { code field message } } } } } } }
"""


@pytest.fixture
async def flow(run: Runner, session: AsyncSession, access: AccessServices) -> Flow:
    people = await officials(session, access, commune="07132", approver="22", suffix="ar")
    return Flow(run, people)


async def received(flow: Flow, session: AsyncSession, count: int) -> list[str]:
    """A plan of ``count`` people for PCT_UBND, submitted and received; its entries' ids."""
    vice_chair = await position(session, "PCT_UBND", managed_by=UnitKind.PROVINCE)
    await flow.create("07132", "2030-2035", "PROVINCE")
    for n in range(count):
        await flow.add(await person(session, "07132", f"02208400010{n}", f"Lê Văn {n}"), vice_chair)
    await flow.do("head", "submitPlan", "PlanActionInput")
    await flow.do("appraiser", "receivePlan", "PlanActionInput")
    return [e["id"] for e in flow.plan["entries"]]


async def bulk(flow: Flow, who: str, name: str, item: dict[str, Any]) -> Any:
    document = BULK % (name[0].upper() + name[1:] + "Input", name)
    answer = await flow.run.as_(flow.people[who]).data(document, {"input": {"plans": [item]}})
    result = answer[name]["results"][0]["result"]
    if result["__typename"] == "PlanPayload":
        flow.plan = {**flow.plan, **result["plan"]}
    return result


async def test_bulk_appraisal_and_approval_decide_on_the_findings_of_the_moment(
    flow: Flow, session: AsyncSession
) -> None:
    first, second = await received(flow, session, 2)
    # Underneath the received plan, the second person is proposed for appointment (E3).
    proposed = await persons_db.by_national_id(session, national_id="022084000101")
    assert proposed is not None
    proposed.proposed_for_appointment = True
    await session.flush()
    plan = {"plan": flow.plan["id"], "version": flow.plan["version"]}

    appraised = await bulk(flow, "appraiser", "appraisePlans", {**plan, "report": "Đạt"})
    assert appraised["plan"]["status"] == "APPRAISED"
    assert appraised["plan"]["appraisalFindings"] == [{"rule": "E3", "entry": second}]

    item = {"plan": flow.plan["id"], "version": flow.plan["version"], **DECISION}
    refused = await bulk(flow, "approver", "approvePlans", item)
    assert [(p["code"], p["field"]) for p in refused["problems"]] == [("ENTRY_BLOCKED", "results")]
    assert second in refused["problems"][0]["message"]

    results = [{"entry": second, "approved": False, "reason": "Đang đề nghị bổ nhiệm"}]
    approved = await bulk(flow, "approver", "approvePlans", {**item, "results": results})
    assert approved["plan"]["status"] == "APPROVED"
    assert {e["id"]: e["status"] for e in approved["plan"]["entries"]} == {
        first: "ACTIVE",
        second: "NOT_APPROVED",
    }


async def test_a_cap_lowered_after_receipt_is_met_by_refusing_the_extra_entries(
    flow: Flow, session: AsyncSession
) -> None:
    entries = await received(flow, session, 4)
    # The province sets one seat for the title after the plan was received: 3 may be planned.
    province = await unit(session, "22")
    vice_chair = row_id(
        await position(session, "PCT_UBND", managed_by=UnitKind.PROVINCE), "Position"
    )
    assert vice_chair is not None
    session.add(
        PositionOverride(position_id=vice_chair, province_id=province.id, seats=1, set_at=NOW)
    )
    await session.flush()
    await flow.do("appraiser", "appraisePlan", "AppraisePlanInput", report="Vượt số lượng")

    over = await flow.do("approver", "approvePlan", "ApprovePlanInput", **DECISION)
    assert [p["code"] for p in over["problems"]] == ["PLAN_BLOCKED"]
    assert "Q2" in over["problems"][0]["message"]

    extra = [{"entry": entries[3], "approved": False, "reason": "Vượt số lượng quy hoạch"}]
    approved = await flow.do(
        "approver", "approvePlan", "ApprovePlanInput", **DECISION, results=extra
    )
    assert approved["plan"]["status"] == "APPROVED"
    assert [e["status"] for e in approved["plan"]["entries"]] == ["ACTIVE"] * 3 + ["NOT_APPROVED"]


UPDATE_PERSON = """
mutation ($input: UpdatePersonInput!) { updatePerson(input: $input) { __typename
  ... on PersonPayload { person { version } } } }
"""
PROPOSALS = """
query ($id: ID!) { node(id: $id) { ... on Plan { status
  removalProposals { rule disciplineForm entry { id } }
  entries { id change removalReason removalProposal { rule reason } }
  history { action entries { change reason } after } } } }
"""


async def test_a_discipline_raises_one_proposal_that_the_next_review_carries_and_settles(
    flow: Flow, session: AsyncSession
) -> None:
    (entry,) = await received(flow, session, 1)
    await flow.do("appraiser", "appraisePlan", "AppraisePlanInput", report="Đạt")
    await flow.do("approver", "approvePlan", "ApprovePlanInput", **DECISION)
    base = flow.plan["id"]
    record = await persons_db.by_national_id(session, national_id="022084000100")
    assert record is not None
    clerk = flow.run.as_(flow.people["clerk"])
    disciplines = [{"form": "REPRIMAND", "decidedOn": "2026-11-20"}]
    version = record.version
    for _ in range(2):  # the same record saved twice: one discipline, one proposal
        updated = await clerk.data(
            UPDATE_PERSON,
            {
                "input": {
                    "person": to_global_id("Person", record.id),
                    "version": version,
                    "disciplines": disciplines,
                }
            },
        )
        version = updated["updatePerson"]["person"]["version"]

    shown = (await clerk.data(PROPOSALS, {"id": base}))["node"]
    assert [
        (p["rule"], p["disciplineForm"], p["entry"]["id"]) for p in shown["removalProposals"]
    ] == [("R1", "REPRIMAND", entry)]
    assert shown["entries"][0]["removalProposal"]["reason"] == (
        "removal from planning (R1): disciplined (reprimand) on 20/11/2026"  # the caller's
    )

    review = await flow.create("07132", "2030-2035", "PROVINCE", kind="ANNUAL_REVIEW")
    (carried,) = review["plan"]["entries"]
    assert carried["change"] == "REMOVE"
    created = (await clerk.data(PROPOSALS, {"id": review["plan"]["id"]}))["node"]
    assert created["history"][0]["entries"] == [
        {"change": "REMOVE", "reason": created["entries"][0]["removalReason"]}
    ]
    # The review's record keeps the reason in the dossier's language.
    assert created["entries"][0]["removalReason"] == (
        "đưa ra khỏi quy hoạch (R1): bị kỷ luật khiển trách ngày 20/11/2026"
    )

    await flow.do("head", "submitPlan", "PlanActionInput")
    await flow.do("appraiser", "receivePlan", "PlanActionInput")
    await flow.do("appraiser", "appraisePlan", "AppraisePlanInput", report="Đạt")
    approved = await flow.do("approver", "approvePlan", "ApprovePlanInput", **DECISION)
    assert [e["status"] for e in approved["plan"]["entries"]] == ["REMOVED"]
    after = (await clerk.data(PROPOSALS, {"id": base}))["node"]
    assert (after["status"], after["removalProposals"]) == ("SUPERSEDED", [])
    approval = (await clerk.data(PROPOSALS, {"id": review["plan"]["id"]}))["node"]["history"][-1]
    assert approval["action"] == "APPROVE"
    assert approval["after"]["removalProposalsSettled"] == [{"entry": entry, "rule": "R1"}]
