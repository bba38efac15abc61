"""statistics, indicators and progress send as many SQL statements for the national root as for
one commune: what they read is kept per unit (rollups, one statement per figure) and the rows
of a subtree are counted in SQL, never fetched one child or one cell at a time."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api.demo_plans import load_demo_plans
from planning.access import Role
from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.conftest import NOW, Runner, Statements
from tests.factories import make_user, unit

STATISTICS = """
query ($unit: ID!, $groupBy: [Dimension!]!) {
  statistics(input: {unit: $unit, cycle: "2030-2035", groupBy: $groupBy}) {
    total { entries persons averageAge }
    rows { group { value label } entries persons averageAge suppressed }
  }
}
"""
INDICATORS = """
query ($unit: ID!) {
  indicators(input: {unit: $unit, cycle: "2030-2035"}) {
    values { code value numerator denominator }
  }
}
"""
PROGRESS = """
query ($unit: ID!) {
  progress(input: {unit: $unit, cycle: "2030-2035"}) {
    totals { status count }
    children { unit { code name } counts { status count } deadline plans { status } }
  }
}
"""


@pytest.fixture
async def official(run: Runner, session: AsyncSession, access: AccessServices) -> Runner:
    """A national viewer's login: an official, who sees exact numbers (none suppressed)."""
    _, principal = await make_user(session, access, "viewer.counts", roles=[Role.VIEWER])
    return run.as_(principal)


@pytest.fixture
async def levels(session: AsyncSession, access: AccessServices) -> dict[str, str]:
    """A commune with an approved plan, its province and the national root (demo data)."""
    await load_demo_plans(session, access, now=NOW)
    province = await unit(session, "22")
    commune = await session.scalar(
        text(
            "SELECT u.id FROM plan p JOIN unit u ON u.id = p.planning_unit_id "
            "WHERE p.status = 'APPROVED' AND u.path <@ text2ltree(:p)"
        ),
        {"p": province.path},
    )
    assert commune is not None
    root = await unit(session, "VN")
    return {
        "commune": to_global_id("Unit", commune),
        "province": to_global_id("Unit", province.id),
        "root": to_global_id("Unit", root.id),
    }


async def count(
    run: Runner, statements: Statements, query: str, variables: dict[str, object]
) -> tuple[int, object]:
    statements.count = 0
    data = await run.data(query, variables)
    return statements.count, data


@pytest.mark.parametrize("group_by", [["GENDER"], ["POSITION", "AGE_BAND"]])
async def test_statistics_cost_the_same_statements_at_every_level(
    levels: dict[str, str], official: Runner, statements: Statements, group_by: list[str]
) -> None:
    counted = {}
    for level, unit_id in levels.items():
        counted[level], data = await count(
            official, statements, STATISTICS, {"unit": unit_id, "groupBy": group_by}
        )
        assert data["statistics"]["total"]["entries"] > 0, level  # type: ignore[index]

    assert counted["commune"] == counted["province"] == counted["root"], counted


async def test_indicators_cost_the_same_statements_at_every_level(
    levels: dict[str, str], official: Runner, statements: Statements
) -> None:
    counted = {}
    for level, unit_id in levels.items():
        counted[level], data = await count(official, statements, INDICATORS, {"unit": unit_id})
        values = {v["code"]: v for v in data["indicators"]["values"]}  # type: ignore[index]
        assert values["WOMEN"]["denominator"] > 0, level
        assert values["TITLES_OVER_CAP"]["denominator"] > 0, level

    # Above the provinces there is no province's own targets and seats to read: two fewer.
    assert counted["commune"] == counted["province"] >= counted["root"], counted
    assert counted["province"] - counted["root"] <= 2, counted


async def test_progress_costs_the_same_statements_at_every_level(
    levels: dict[str, str], official: Runner, statements: Statements, session: AsyncSession
) -> None:
    counted, children = {}, {}
    for level, unit_id in levels.items():
        counted[level], data = await count(official, statements, PROGRESS, {"unit": unit_id})
        progress = data["progress"]  # type: ignore[index]
        assert progress["totals"], level
        children[level] = len(progress["children"])
    # And a level between a province and its communes (a district of the three-tier tree).
    district = to_global_id("Unit", (await unit(session, "001", date(2025, 6, 30))).id)
    counted["district"], _ = await count(official, statements, PROGRESS, {"unit": district})

    assert children["commune"] == 0 < children["root"] < children["province"]
    assert len(set(counted.values())) == 1, counted
