"""progress: plans by status per child unit, and who missed the province's deadline."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api.demo_plans import load_demo_plans
from planning.access import Role
from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.conftest import NOW, Runner
from tests.factories import make_user, unit

PROGRESS = """
query ($unit: ID!) {
  progress(input: {unit: $unit, cycle: "2030-2035"}) {
    totals { status count }
    overdueDecisions lateChildren
    children { unit { code } counts { status count } deadline submissionOverdue plans { status } }
  }
}
"""
DEADLINE = """
mutation ($province: ID!) {
  setDeadline(input: {province: $province, cycle: "2030-2035", unitKind: COMMUNE,
                      dueOn: "2026-11-01"}) { __typename }
}
"""


async def test_a_province_sees_who_is_late(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    await load_demo_plans(session, access, now=NOW)
    _, admin = await make_user(session, access, "admin.qn", unit_code="22", roles=[Role.ADMIN])
    province = to_global_id("Unit", (await unit(session, "22")).id)
    communes = await session.scalar(
        text(
            "SELECT count(*) FROM unit c JOIN unit p ON c.parent_id = p.id "
            "WHERE p.code = '22' AND p.valid_to IS NULL"
        )
    )

    set_deadline = await run.as_(admin).data(DEADLINE, {"province": province})
    progress = (await run.as_(admin).data(PROGRESS, {"unit": province}))["progress"]

    assert set_deadline["setDeadline"]["__typename"] == "DeadlinePayload"
    assert sum(c["count"] for c in progress["totals"]) == 7
    assert len(progress["children"]) == communes
    with_plans = [c for c in progress["children"] if c["plans"]]
    assert sorted(c["plans"][0]["status"] for c in with_plans) == sorted(
        ["DRAFT", "SUBMITTED", "UNDER_APPRAISAL", "RETURNED", "APPRAISED", "APPROVED", "REJECTED"]
    )
    late = {
        c["plans"][0]["status"] if c["plans"] else None
        for c in progress["children"]
        if c["submissionOverdue"]
    }
    assert late == {"DRAFT", "RETURNED", None}  # None: communes with no plan at all
    assert progress["lateChildren"] == communes - 5
    assert all(c["deadline"] == "2026-11-01" for c in progress["children"])
