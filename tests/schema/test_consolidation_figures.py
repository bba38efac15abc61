"""A submitted consolidation in the figures that count submitted plans (``includeSubmitted``):
it replaces what its approval would supersede, so nobody counts twice, while it waits as after
it is approved."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.conftest import Runner
from tests.factories import unit
from tests.schema.consolidation_helpers import THREE_TIER, Desk, new_desk, old_plan
from tests.schema.plan_helpers import person

FIGURES = """
query ($unit: ID!, $submitted: Boolean!) {
  statistics(input: {unit: $unit, cycle: "2025-2030", includeSubmitted: $submitted}) {
    total { entries persons }
  }
}
"""


async def figures(run: Runner, desk: Desk, code: str, *, submitted: bool) -> dict[str, int]:
    province = to_global_id("Unit", (await unit(run.session, code)).id)
    answer = await run.as_(desk.people["approver"]).data(
        FIGURES, {"unit": province, "submitted": submitted}
    )
    return dict(answer["statistics"]["total"])


async def test_a_merged_communes_submitted_consolidation_replaces_its_predecessors(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    lan = await person(session, "07132", "022084100101", "Vũ Thị Lan", at=THREE_TIER)
    hung = await person(session, "07153", "022084100102", "Ngô Văn Hùng", at=THREE_TIER)
    await old_plan(run, session, access, "07132", [(lan, "PCT_UBND"), (lan, "PHO_BI_THU")])
    await old_plan(run, session, access, "07153", [(hung, "CT_MTTQ")])
    desk = await new_desk(session, access, run, "07132")
    await desk.create("07132", "PROVINCE", kind="CONSOLIDATION", at=None)
    before = await figures(run, desk, "22", submitted=False)

    submitted = await desk.do("head", "submitPlan", "PlanActionInput")

    assert submitted["__typename"] == "PlanPayload", submitted
    assert before == {"entries": 3, "persons": 2}
    assert await figures(run, desk, "22", submitted=True) == before
    assert await figures(run, desk, "07132", submitted=True) == before


async def test_a_split_communes_submitted_consolidation_replaces_only_what_it_keeps(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    mai = await person(session, "07180", "022084100111", "Đỗ Thị Mai", at=THREE_TIER)
    son = await person(session, "07180", "022084100112", "Lý Văn Sơn", at=THREE_TIER)
    await old_plan(run, session, access, "07180", [(mai, "PCT_UBND"), (son, "CT_MTTQ")])
    ha_an = await new_desk(session, access, run, "07168")
    created = await ha_an.create("07168", "PROVINCE", kind="CONSOLIDATION", at=None)
    # Hà An keeps Mai and lets Sơn go to Phường Liên Hòa, the other successor.
    await ha_an.do(
        "clerk",
        "removePlanEntry",
        "RemovePlanEntryInput",
        entry=created["plan"]["entries"][1]["id"],
        reason="Về Phường Liên Hòa",
    )

    submitted = await ha_an.do("head", "submitPlan", "PlanActionInput")

    assert submitted["__typename"] == "PlanPayload", submitted
    # The province counts Mai once (from Hà An's consolidation) and Sơn still from the old plan.
    assert await figures(run, ha_an, "22", submitted=True) == {"entries": 2, "persons": 2}
    assert await figures(run, ha_an, "22", submitted=False) == {"entries": 2, "persons": 2}
