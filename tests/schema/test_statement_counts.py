"""statistics, indicators and progress send as many SQL statements for the national root as for
one commune: what they read is kept per unit (rollups, one statement per figure) and the rows
of a subtree are counted in SQL, never fetched one child or one cell at a time."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api.demo_plans import load_demo_plans
from db import (
    persons as persons_db,
    plans as plans_db,
    positions as positions_db,
    reference as reference_db,
)
from planning.access import Role
from planning.cycles import PlanKind
from planning.lifecycle import EntryChange, EntrySource, PlanStatus
from planning.rulesets import CandidateTier
from planning.units import UnitKind
from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.conftest import NOW, Runner, Statements
from tests.factories import make_user, unit
from tests.schema.plan_helpers import officials, person, position
from tests.schema.test_plan_workflow import Flow

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


POSITIONS = """
query ($unit: ID!) {
  positions(unit: $unit, managedBy: PROVINCE) {
    position { id code seats rank body } quota { least most rule }
  }
}
"""
PLAN_POSITIONS = """
query ($unit: ID!) {
  plans(unit: $unit) {
    edges { node {
      positions { position { id seats rank } quota { most } planned }
      entries { position { id seats rank } }
    } }
  }
}
"""


async def test_listing_positions_costs_the_same_statements_however_many_there_are(
    levels: dict[str, str], official: Runner, statements: Statements, session: AsyncSession
) -> None:
    # Province 22 plans 5 titles of its own, each of its communes 11; some with its own seats.
    province = await unit(session, "22")
    for code in ("BTV", "PCT_UBND"):
        for kind in ("PROVINCE", "COMMUNE"):
            position_id = await session.scalar(
                text(
                    "SELECT id FROM position "
                    "WHERE code = :c AND unit_kind = :k AND managed_by = 'PROVINCE'"
                ),
                {"c": code, "k": kind},
            )
            if position_id is not None:
                await reference_db.set_override(
                    session,
                    position_id=position_id,
                    province_id=province.id,
                    seats=4,
                    rank=5,
                    set_by=None,
                    set_at=NOW,
                    reason=None,
                )
    counted, sizes = {}, {}
    for level in ("province", "commune"):
        counted[level], data = await count(official, statements, POSITIONS, {"unit": levels[level]})
        sizes[level] = len(data["positions"])  # type: ignore[index]
        assert 4 in {p["position"]["seats"] for p in data["positions"]}  # type: ignore[index]

    assert sizes == {"province": 5, "commune": 11}
    assert counted["province"] == counted["commune"], counted


@pytest.fixture
async def two_plans(levels: dict[str, str], session: AsyncSession) -> dict[str, str]:
    """A demo commune's plan with its entries ("demo"), and a plan of another commune with
    one entry ("one"): the ids of their planning units."""
    province = await unit(session, "22")
    empty = await unit(session, "07135")
    cycle = await plans_db.cycle_by_code(session, code="2030-2035")
    assert cycle is not None
    plan = await plans_db.add_plan(
        session,
        planning_unit_id=empty.id,
        approving_unit_id=province.id,
        cycle_id=cycle.id,
        kind=PlanKind.NEXT_TERM,
        managed_by=UnitKind.PROVINCE,
        rule_set="QD377_2025",
        created_at=NOW,
    )
    someone = await persons_db.add(
        session,
        national_id="022084007777",
        full_name="Phạm Văn Một",
        sex="MALE",
        birth_year=1984,
        birth_month=6,
        unit_id=empty.id,
    )
    [title, *_] = await positions_db.positions_for(
        session, unit_kind=UnitKind.COMMUNE, managed_by=UnitKind.PROVINCE, at=NOW.date()
    )
    await plans_db.add_entry(
        session,
        plan_id=plan.id,
        person_id=someone.id,
        position_id=title.id,
        tier=CandidateTier.T1,
        source=EntrySource.LOCAL,
        change=EntryChange.ADD,
        ballots=[],
    )
    return {"demo": levels["commune"], "one": to_global_id("Unit", empty.id)}


async def test_a_plans_positions_and_its_entries_positions_cost_the_same_however_many(
    two_plans: dict[str, str], official: Runner, statements: Statements
) -> None:
    counted, entries = {}, {}
    for name, unit_id in two_plans.items():
        counted[name], data = await count(official, statements, PLAN_POSITIONS, {"unit": unit_id})
        [edge] = data["plans"]["edges"]  # type: ignore[index]
        plan = edge["node"]
        assert len(plan["positions"]) == 11, name
        entries[name] = len(plan["entries"])

    assert entries["one"] == 1 < entries["demo"]
    assert counted["demo"] == counted["one"], counted


# The nested page of the benchmark against PostGraphile (bench/README.md): a plan by id, its
# entries, each with its person and its position.
NESTED_PAGE = """
query ($plan: ID!) {
  node(id: $plan) {
    ... on Plan {
      id status
      entries { id status tier person { id fullName sex birthYear } position { id code title } }
    }
  }
}
"""


async def test_a_plans_entries_with_people_and_positions_cost_one_statement_per_level(
    two_plans: dict[str, str], official: Runner, statements: Statements
) -> None:
    counted, entries = {}, {}
    for name, unit_id in two_plans.items():
        listed = await official.data(
            "query ($u: ID!) { plans(unit: $u, first: 1) { edges { node { id } } } }",
            {"u": unit_id},
        )
        [edge] = listed["plans"]["edges"]
        counted[name], data = await count(
            official, statements, NESTED_PAGE, {"plan": edge["node"]["id"]}
        )
        page = data["node"]["entries"]  # type: ignore[index]
        assert all(e["person"]["fullName"] and e["position"]["title"] for e in page), name
        entries[name] = len(page)

    assert entries["one"] == 1 < entries["demo"]
    assert counted["demo"] == counted["one"], counted
    # The plan, its unit, its entries, their people, its province, their titles, and the
    # province's own seats: one statement each, whatever the number of entries.
    assert counted["one"] <= 7, counted


# Connections: a page costs the same statements for one item as for three (nested fields go
# through loaders), and `totalCount` costs exactly one more, only when asked for.
CONNECTIONS = {
    "persons": 'persons(search: "Quách Thị", first: $first) { %s edges { node { fullName '
    "unit { code } disciplines { form } unitHistory { unit { code } } } } }",
    "users": "users(unit: $commune, first: $first) { %s edges { node { username "
    "unit { code } grants { role } } } }",
    "plans": "plans(unit: $commune, first: $first) { %s edges { node { status "
    "planningUnit { code } cycle { code } entries { id } viewerCan { approve } "
    "history { action actor } } } }",
    "inbox": "inbox(first: $first) { %s edges { node { status planningUnit { code } "
    "approvingUnit { code } viewerCan { approve reject } } } }",
}


@pytest.fixture
async def lists(session: AsyncSession, access: AccessServices, run: Runner) -> Runner:
    """Three or more of each: persons and users of a commune, and that commune's plans,
    appraised and waiting for the province's approver (who is the caller)."""
    commune, province = await unit(session, "07132"), await unit(session, "22")
    for n in range(3):
        await person(session, "07132", f"02208400080{n}", f"Quách Thị {'ABC'[n]}")
        await make_user(session, access, f"clerk.n{n}", unit_code="07132", roles=[Role.CLERK])
    for code in ("2025-2030", "2030-2035"):
        for managed_by in (UnitKind.PROVINCE, UnitKind.COMMUNE):
            cycle = await plans_db.cycle_by_code(session, code=code)
            assert cycle is not None
            plan = await plans_db.add_plan(
                session,
                planning_unit_id=commune.id,
                approving_unit_id=province.id,
                cycle_id=cycle.id,
                kind=PlanKind.NEXT_TERM,
                managed_by=managed_by,
                rule_set="QD377_2025",
                created_at=NOW,
            )
            plan.status = PlanStatus.APPRAISED
    await session.flush()
    _, approver = await make_user(
        session, access, "approver.n", unit_code="22", roles=[Role.APPROVER]
    )
    return run.as_(approver)


@pytest.mark.parametrize("field", list(CONNECTIONS))
async def test_a_page_costs_the_same_statements_whatever_its_size(
    lists: Runner, statements: Statements, session: AsyncSession, field: str
) -> None:
    commune = to_global_id("Unit", (await unit(session, "07132")).id)
    declared = "$first: Int" + (", $commune: ID!" if "$commune" in CONNECTIONS[field] else "")

    async def cost(first: int, total: str = "") -> int:
        query = f"query ({declared}) {{ {CONNECTIONS[field] % total} }}"
        variables: dict[str, object] = {"first": first}
        if "$commune" in declared:
            variables["commune"] = commune
        counted, data = await count(lists, statements, query, variables)
        assert len(data[field]["edges"]) == first, data  # type: ignore[index]
        return counted

    one, three, with_total = await cost(1), await cost(3), await cost(3, "totalCount")

    assert one == three
    assert with_total == three + 1


async def test_a_history_costs_the_same_statements_for_one_entry_as_for_three(
    run: Runner, session: AsyncSession, access: AccessServices, statements: Statements
) -> None:
    people = await officials(session, access, commune="07132", approver="22", suffix="sc")
    flow = Flow(run, people)
    vice_chair = await position(session, "PCT_UBND", managed_by=UnitKind.PROVINCE)
    await flow.create("07132", "2030-2035", "PROVINCE")
    query = (
        "query ($id: ID!) { node(id: $id) { ... on Plan { history { action actor before "
        "entry { id } person { fullName } entries { toStatus person { fullName } } } } } }"
    )
    reader = run.as_(people["approver"])

    costs = []
    for n in range(3):
        await flow.add(await person(session, "07132", f"02208400085{n}", f"Người {n}"), vice_chair)
        if n != 1:
            costs.append((await count(reader, statements, query, {"id": flow.plan["id"]}))[0])

    assert costs[0] == costs[1], costs
