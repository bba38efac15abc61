"""The inbox (hộp việc) lists what the caller can act on now: every plan in it has an action
`viewerCan` allows, and a plan leaves the inbox of whoever can no longer move it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from planning.units import UnitKind
from schema.access.services import AccessServices
from tests.conftest import Runner
from tests.schema.plan_helpers import officials, person, position
from tests.schema.test_plan_workflow import Flow

INBOX = """
{
  inbox {
    totalCount
    edges { node { id status
                   viewerCan { edit submit withdraw receive return appraise approve reject
                               reopen } } }
  }
}
"""


@pytest.fixture
async def flow(run: Runner, session: AsyncSession, access: AccessServices) -> Flow:
    people = await officials(session, access, commune="07132", approver="22", suffix="ib")
    flow = Flow(run, people)
    await flow.create("07132", "2030-2035", "PROVINCE")
    vice_chair = await position(session, "PCT_UBND", managed_by=UnitKind.PROVINCE)
    await flow.add(await person(session, "07132", "022084000701", "Hà Văn Nam"), vice_chair)
    return flow


async def inboxes(flow: Flow) -> dict[str, list[str]]:
    """Each official's inbox as the statuses of its plans; checks that every item has an
    action open to that official, and that the count is the list's length."""
    found = {}
    for who, principal in flow.people.items():
        inbox = (await flow.run.as_(principal).data(INBOX))["inbox"]
        nodes: list[dict[str, Any]] = [edge["node"] for edge in inbox["edges"]]
        for node in nodes:
            assert any(node["viewerCan"].values()), (who, node)
        assert inbox["totalCount"] == len(nodes)
        found[who] = [node["status"] for node in nodes]
    return found


async def test_each_official_sees_the_plan_when_it_is_their_turn(flow: Flow) -> None:
    assert await inboxes(flow) == {"clerk": [], "head": [], "appraiser": [], "approver": []}

    await flow.do("head", "submitPlan", "PlanActionInput")
    # The approver cannot act on a plan still to be received and appraised.
    assert await inboxes(flow) == {
        "clerk": [],
        "head": [],
        "appraiser": ["SUBMITTED"],
        "approver": [],
    }

    await flow.do("appraiser", "receivePlan", "PlanActionInput")
    assert (await inboxes(flow))["appraiser"] == ["UNDER_APPRAISAL"]
    assert (await inboxes(flow))["approver"] == []

    await flow.do("appraiser", "returnPlan", "PlanActionInput", reason="Thiếu biên bản")
    # Returned: the clerk may fix it, the head resubmit it; the approving unit waits.
    assert await inboxes(flow) == {
        "clerk": ["RETURNED"],
        "head": ["RETURNED"],
        "appraiser": [],
        "approver": [],
    }

    await flow.do("head", "submitPlan", "PlanActionInput")
    await flow.do("appraiser", "receivePlan", "PlanActionInput")
    await flow.do("appraiser", "appraisePlan", "AppraisePlanInput", report="Đủ điều kiện")
    # Appraised: only the standing committee can move it now.
    assert await inboxes(flow) == {
        "clerk": [],
        "head": [],
        "appraiser": [],
        "approver": ["APPRAISED"],
    }

    await flow.do(
        "approver",
        "approvePlan",
        "ApprovePlanInput",
        decisionNumber="125-QĐ/TU",
        decisionDate="2026-11-21",
    )
    # Approved: reopening is a choice, not awaited of anyone.
    assert await inboxes(flow) == {"clerk": [], "head": [], "appraiser": [], "approver": []}


async def test_an_official_of_another_unit_sees_nothing_of_it(
    flow: Flow, session: AsyncSession, access: AccessServices
) -> None:
    # The same roles in another province (01, Hà Nội) and one of its wards (00004).
    others = await officials(session, access, commune="00004", approver="01", suffix="ob")
    await flow.do("head", "submitPlan", "PlanActionInput")

    for who in ("appraiser", "approver", "head", "clerk"):
        inbox = (await flow.run.as_(others[who]).data(INBOX))["inbox"]
        assert inbox == {"totalCount": 0, "edges": []}, who
