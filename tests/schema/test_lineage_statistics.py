"""Figures carry over (issue 12, point 5): the new Quảng Ninh's statistics, indicators and
progress for 2025–2030 read the plans approved on the old tree, until a successor's
consolidation is approved; a past day answers on the old tree."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db import lineage, progress as progress_db, rollups
from db.models import Unit
from planning.access import Role
from planning.units import UnitKind
from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.conftest import NOW, Runner, Statements
from tests.db.lineage_facts import cycle_id
from tests.factories import make_user, unit
from tests.schema.plan_helpers import officials, person, position
from tests.schema.test_plan_workflow import Flow

OLD_DAY = date(2025, 6, 30)
APPROVED_ON = datetime(2025, 6, 24, 9, 0, tzinfo=NOW.tzinfo)
ENDED_AT = datetime(2026, 10, 1, 9, 0, tzinfo=NOW.tzinfo)

STATISTICS = """
query ($unit: ID!, $groupBy: [Dimension!]!, $at: Date) {
  statistics(input: {unit: $unit, cycle: "2025-2030", groupBy: $groupBy, at: $at}) {
    total { entries persons averageAge }
    rows { group { value label } entries persons averageAge }
  }
}
"""
INDICATORS = """
query ($unit: ID!) {
  indicators(input: {unit: $unit, cycle: "2025-2030"}) { values { code value numerator } }
}
"""
PROGRESS = """
query ($unit: ID!) {
  progress(input: {unit: $unit, cycle: "2025-2030"}) {
    totals { status count }
    children { unit { id } counts { status count } carriedOver { status count }
               submissionOverdue }
  }
}
"""


def gid(row: Unit) -> str:
    return to_global_id("Unit", row.id)


@pytest.fixture
async def official(run: Runner, session: AsyncSession, access: AccessServices) -> Runner:
    """A national viewer's login: an official, who sees exact numbers (none suppressed)."""
    _, principal = await make_user(session, access, "viewer.lineage", roles=[Role.VIEWER])
    return run.as_(principal)


@pytest.fixture
async def approved_old_plan(run: Runner, session: AsyncSession, access: AccessServices) -> Unit:
    """A plan of the old commune 07132 (district 206) approved in June 2025, two persons for
    one title; returns the new commune that continues it."""
    people = await officials(
        session, access, commune="07132", approver="206", suffix="lin", at=OLD_DAY
    )
    flow = Flow(run.on(datetime(2025, 6, 20, 9, 0, tzinfo=NOW.tzinfo)), people)
    title = await position(session, "PCT_UBND", managed_by=UnitKind.DISTRICT)
    await flow.create("07132", "2025-2030", "DISTRICT", at=OLD_DAY)
    for number, (name, sex) in enumerate((("Vũ Thị Lan", "FEMALE"), ("Lê Văn Hùng", "MALE"))):
        who = await person(session, "07132", f"02208400071{number}", name, at=OLD_DAY, sex=sex)
        await flow.add(who, title)
    await flow.do("head", "submitPlan", "PlanActionInput")
    await flow.do("appraiser", "receivePlan", "PlanActionInput")
    await flow.do("appraiser", "appraisePlan", "AppraisePlanInput", report="Đạt")
    flow.run = flow.run.on(APPROVED_ON)
    approved = await flow.do(
        "approver", "approvePlan", "ApprovePlanInput", decisionNumber="7", decisionDate="2025-06-24"
    )
    assert approved["plan"]["status"] == "APPROVED", approved
    old = await unit(session, "07132", OLD_DAY)
    [(successor, _), *_] = (await lineage.successors_of(session, [old.id]))[old.id]
    return successor


async def total(run: Runner, row: Unit, at: str | None = None) -> tuple[int, int]:
    found = await run.data(STATISTICS, {"unit": gid(row), "groupBy": [], "at": at})
    return found["statistics"]["total"]["entries"], found["statistics"]["total"]["persons"]


async def test_the_new_province_reads_the_old_ones_figures(
    official: Runner, session: AsyncSession, approved_old_plan: Unit
) -> None:
    run = official
    old, new = await unit(session, "22", OLD_DAY), await unit(session, "22")
    for group_by in ([], ["GENDER"], ["AGE_BAND", "POSITION"]):
        old_answer = await run.data(STATISTICS, {"unit": gid(old), "groupBy": group_by})
        new_answer = await run.data(STATISTICS, {"unit": gid(new), "groupBy": group_by})
        assert new_answer == old_answer
    assert await total(run, new) == (2, 2)
    assert await total(run, approved_old_plan) == (2, 2)  # the commune that continues 07132
    # Carried over from the old province: a group of its own among the new one's children.
    by_child = await run.data(STATISTICS, {"unit": gid(new), "groupBy": ["CHILD_UNIT"]})
    assert [r["group"][0] for r in by_child["statistics"]["rows"]] == [
        {"value": str(old.id), "label": old.name}
    ]
    assert (await run.data(INDICATORS, {"unit": gid(new)})) == (
        await run.data(INDICATORS, {"unit": gid(old)})
    )
    assert await total(run, await unit(session, "VN")) == (2, 2)  # the country counts them once


async def test_a_commune_counts_its_own_once_its_consolidation_is_approved(
    official: Runner, session: AsyncSession, approved_old_plan: Unit
) -> None:
    run = official
    commune, province = approved_old_plan, await unit(session, "22")
    cycle = await cycle_id(session)

    await rollups.end_inheritance(session, unit_id=commune.id, cycle_id=cycle, at=ENDED_AT)

    assert await total(run, commune) == (0, 0)  # its own: nothing approved yet
    assert await total(run, province) == (2, 2)  # the province still reads the old one
    # A past day reads what counted then: before the end, through lineage; after it, its own.
    assert await total(run, commune, "2026-09-30") == (2, 2)
    assert await total(run, commune, "2026-11-01") == (0, 0)
    assert await rollups.compare_with_recomputation(session) == (0, 0)


async def test_a_past_day_answers_on_the_old_tree(
    official: Runner, session: AsyncSession, approved_old_plan: Unit
) -> None:
    run = official
    old, new = await unit(session, "22", OLD_DAY), await unit(session, "22")

    assert await total(run, old, "2025-06-23") == (0, 0)  # before the approval
    assert await total(run, old, "2025-06-28") == (2, 2)
    # The new province did not exist yet: it reads its predecessors' figures of that day.
    assert await total(run, new, "2025-06-28") == (2, 2)
    assert await total(run, approved_old_plan, "2025-06-28") == (2, 2)


async def test_progress_carries_the_predecessors_approved_plans(
    official: Runner, session: AsyncSession, approved_old_plan: Unit
) -> None:
    run = official
    province = await unit(session, "22")
    cycle = await cycle_id(session)
    await progress_db.set_deadline(
        session,
        province_id=province.id,
        cycle_id=cycle,
        unit_kind=UnitKind.COMMUNE,
        due_on=date(2026, 1, 31),
        set_at=NOW,
    )

    def child(answer: Any, row: Unit) -> Any:
        [found] = [c for c in answer["progress"]["children"] if c["unit"]["id"] == gid(row)]
        return found

    before = await run.data(PROGRESS, {"unit": gid(province)})
    await rollups.end_inheritance(session, unit_id=approved_old_plan.id, cycle_id=cycle, at=NOW)
    after = await run.data(PROGRESS, {"unit": gid(province)})

    carried = child(before, approved_old_plan)
    assert carried["carriedOver"] == [{"status": "APPROVED", "count": 1}]
    assert carried["counts"] == [{"status": "APPROVED", "count": 1}]
    assert carried["submissionOverdue"] is False  # its predecessor's approved plan stands
    others = [c for c in before["progress"]["children"] if not c["carriedOver"]]
    assert others
    assert all(c["submissionOverdue"] for c in others)  # nothing of their own nor carried
    assert before["progress"]["totals"] == [{"status": "APPROVED", "count": 1}]  # once
    # Its consolidation approved, the commune answers for its own plans only.
    ended = child(after, approved_old_plan)
    assert (ended["carriedOver"], ended["counts"], ended["submissionOverdue"]) == ([], [], True)
    assert after["progress"]["totals"] == [{"status": "APPROVED", "count": 1}]


async def test_a_new_province_costs_the_statements_of_an_old_one(
    official: Runner, session: AsyncSession, statements: Statements, approved_old_plan: Unit
) -> None:
    run = official
    counted = []
    for row in (await unit(session, "22", OLD_DAY), await unit(session, "22")):
        for query in (STATISTICS, INDICATORS):
            await run.data(query, {"unit": gid(row), "groupBy": ["GENDER"]})  # warm the caches
            statements.count = 0
            await run.data(query, {"unit": gid(row), "groupBy": ["GENDER"]})
            counted.append(statements.count)
    assert counted[:2] == counted[2:]
