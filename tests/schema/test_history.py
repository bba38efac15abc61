"""A plan's history says what changed (DOMAIN.md A.9): which entry and person an edit added,
changed or removed, before and after; what an approval decided, entry by entry, under which
decision number; which entries a review kept from the approved plan; what superseded a plan."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from planning.units import UnitKind
from schema.access.services import AccessServices
from tests.conftest import Runner
from tests.schema.plan_helpers import officials, person, position
from tests.schema.test_plan_workflow import Flow, approve_all

HISTORY = """
query ($id: ID!) {
  node(id: $id) {
    ... on Plan {
      history {
        action reason actor decisionNumber before after
        entry { id } person { fullName }
        entries { change fromStatus toStatus reason entry { id } person { fullName } }
      }
    }
  }
}
"""


async def history(flow: Flow, plan_id: str | None = None) -> list[dict[str, Any]]:
    found = await flow.run.as_(flow.people["approver"]).data(
        HISTORY, {"id": plan_id or flow.plan["id"]}
    )
    return list(found["node"]["history"])


def event(events: list[dict[str, Any]], action: str) -> dict[str, Any]:
    [found] = [e for e in events if e["action"] == action]
    return found


@pytest.fixture
async def approved(run: Runner, session: AsyncSession, access: AccessServices) -> Flow:
    """A plan of two entries, one tier changed, approved in part under decision 125-QĐ/TU."""
    flow = Flow(run, await officials(session, access, commune="07132", approver="22", suffix="h"))
    vice_chair = await position(session, "PCT_UBND", managed_by=UnitKind.PROVINCE)
    lan = await person(session, "07132", "022084000801", "Trần Văn Lân")
    minh = await person(session, "07132", "022084000802", "Phạm Đức Minh")
    await flow.create("07132", "2030-2035", "PROVINCE")
    await flow.add(lan, vice_chair)
    await flow.add(minh, vice_chair)
    second = flow.plan["entries"][1]["id"]
    await flow.do("clerk", "updatePlanEntry", "UpdatePlanEntryInput", entry=second, tier="T2")
    await flow.do("head", "submitPlan", "PlanActionInput")
    await flow.do("appraiser", "receivePlan", "PlanActionInput")
    await flow.do("appraiser", "appraisePlan", "AppraisePlanInput", report="Đủ điều kiện")
    await flow.do(
        "approver",
        "approvePlan",
        "ApprovePlanInput",
        decisionNumber="125-QĐ/TU",
        decisionDate="2026-11-21",
        results=[{"entry": second, "approved": False, "reason": "Chưa đủ thời gian công tác"}],
    )
    return flow


async def test_an_edit_names_its_entry_and_person_with_before_and_after(approved: Flow) -> None:
    first, second = (e["id"] for e in approved.plan["entries"])
    events = await history(approved)

    added = [e for e in events if e["action"] == "ADD_ENTRY"]
    updated = event(events, "UPDATE_ENTRY")

    assert [(e["entry"]["id"], e["person"]["fullName"]) for e in added] == [
        (first, "Trần Văn Lân"),
        (second, "Phạm Đức Minh"),
    ]
    assert added[0]["after"]["entry"] == first
    assert added[0]["after"]["tier"] == "T1"
    assert [(e["change"], e["toStatus"]) for e in added[0]["entries"]] == [("ADD", "PROPOSED")]
    assert updated["person"] == {"fullName": "Phạm Đức Minh"}
    assert (updated["before"]["tier"], updated["after"]["tier"]) == ("T1", "T2")
    assert updated["actor"] == "clerk.h"


async def test_the_approval_records_its_decision_and_each_entry_decided(approved: Flow) -> None:
    first, second = (e["id"] for e in approved.plan["entries"])
    approval = event(await history(approved), "APPROVE")

    assert approval["decisionNumber"] == "125-QĐ/TU"
    assert approval["before"]["decisionNumber"] is None
    assert approval["after"]["decisionDate"] == "2026-11-21"
    assert approval["entry"] is None  # a decision touches several entries: see `entries`
    assert [
        (e["entry"]["id"], e["person"]["fullName"], e["fromStatus"], e["toStatus"], e["reason"])
        for e in approval["entries"]
    ] == [
        (first, "Trần Văn Lân", "PROPOSED", "ACTIVE", None),
        (second, "Phạm Đức Minh", "PROPOSED", "NOT_APPROVED", "Chưa đủ thời gian công tác"),
    ]
    assert approval["after"]["entries"][1]["person"] == approval["before"]["entries"][1]["person"]


async def test_a_review_records_what_it_kept_removed_and_superseded(approved: Flow) -> None:
    flow = approved
    approved_id = flow.plan["id"]
    review = await flow.create("07132", "2030-2035", "PROVINCE", kind="ANNUAL_REVIEW")
    [kept] = review["plan"]["entries"]
    await flow.do(
        "clerk", "removePlanEntry", "RemovePlanEntryInput", entry=kept["id"], reason="Nghỉ hưu"
    )
    await approve_all(flow)

    events = await history(flow)
    created, removed = event(events, "CREATE"), event(events, "REMOVE_ENTRY")
    superseded = event(await history(flow, approved_id), "SUPERSEDE")

    # Only the approved entry came over, as KEEP; the one not approved stayed behind.
    assert [
        (e["change"], e["entry"]["id"], e["person"]["fullName"]) for e in created["entries"]
    ] == [("KEEP", kept["id"], "Trần Văn Lân")]
    assert created["after"]["basePlan"] == approved_id
    assert removed["person"] == {"fullName": "Trần Văn Lân"}
    assert (removed["before"]["change"], removed["after"]["change"]) == ("KEEP", "REMOVE")
    assert removed["entries"][0]["reason"] == "Nghỉ hưu"
    assert [(e["entry"]["id"], e["toStatus"]) for e in event(events, "APPROVE")["entries"]] == [
        (kept["id"], "REMOVED")
    ]
    assert superseded["after"]["supersededBy"] == flow.plan["id"]


async def test_a_reopening_records_the_decision_it_clears(approved: Flow) -> None:
    await approved.do("approver", "reopenPlan", "PlanActionInput", reason="Bổ sung hồ sơ")

    reopening = event(await history(approved), "REOPEN")

    assert reopening["before"]["decisionNumber"] == "125-QĐ/TU"
    assert reopening["after"]["decisionNumber"] is None
    assert [(e["fromStatus"], e["toStatus"]) for e in reopening["entries"]] == [
        ("ACTIVE", "PROPOSED"),
        ("NOT_APPROVED", "PROPOSED"),
    ]
