"""Admins edit reference data: a province's seats for a title change its caps; holidays."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from planning.access import Role
from planning.units import UnitKind
from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.conftest import Runner
from tests.factories import make_user, unit
from tests.schema.plan_helpers import officials, person, position
from tests.schema.test_plan_workflow import Flow

SEATS = """
mutation ($input: SetPositionSeatsInput!) {
  setPositionSeats(input: $input) {
    __typename ... on PositionPayload { position { seats } } ... on NotAllowed { code }
  }
}
"""
HOLIDAY = """
mutation { setHoliday(input: {day: "2026-12-31", name: "Nghỉ bù"}) {
  __typename ... on HolidayPayload { day name } } }
"""


async def test_a_province_with_one_vice_chair_seat_caps_it_at_three(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    _, admin_qn = await make_user(session, access, "admin.qn", unit_code="22", roles=[Role.ADMIN])
    _, admin_hn = await make_user(session, access, "admin.hn", unit_code="01", roles=[Role.ADMIN])
    vice_chair = await position(session, "PCT_UBND", managed_by=UnitKind.PROVINCE)
    province = to_global_id("Unit", (await unit(session, "22")).id)
    change = {"position": vice_chair, "province": province, "seats": 1, "reason": "Đề án"}

    refused = await run.as_(admin_hn).data(SEATS, {"input": change})
    changed = await run.as_(admin_qn).data(SEATS, {"input": change})
    flow = Flow(run, await officials(session, access, commune="07132", approver="22", suffix="r"))
    await flow.create("07132", "2030-2035", "PROVINCE")
    outcomes = []
    for n in range(4):
        candidate = await person(session, "07132", f"02208500000{n}", f"Người {n}")
        added = await flow.add(candidate, vice_chair)
        outcomes.append(
            added["__typename"] if "problems" not in added else added["problems"][0]["code"]
        )

    assert refused["setPositionSeats"]["code"] == "NOT_ALLOWED"
    assert changed["setPositionSeats"]["position"] == {"seats": 1}
    assert outcomes == ["PlanPayload", "PlanPayload", "PlanPayload", "Q2"]


async def test_only_national_admins_set_holidays(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    _, national = await make_user(session, access, "admin.vn", roles=[Role.ADMIN])
    _, provincial = await make_user(session, access, "admin.qn", unit_code="22", roles=[Role.ADMIN])

    assert (await run.as_(provincial).data(HOLIDAY))["setHoliday"]["__typename"] == "NotAllowed"
    assert (await run.as_(national).data(HOLIDAY))["setHoliday"] == {
        "__typename": "HolidayPayload",
        "day": "2026-12-31",
        "name": "Nghỉ bù",
    }
