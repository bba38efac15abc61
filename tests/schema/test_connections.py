"""Lists are Relay connections with a `totalCount` (DESIGN §4): the count is the whole list the
caller may see, the same on every page, and what the pages add up to; a caller outside the
scope counts nothing, as it reads nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db import plans as plans_db
from planning.access import Grant, Principal, Role
from planning.cycles import PlanKind
from planning.units import UnitKind
from schema.access.services import AccessServices
from schema.context import Context
from schema.node import to_global_id
from schema.root import schema
from tests.conftest import NOW, RULE_SETS, Runner
from tests.factories import make_user, unit
from tests.schema.conftest import World, new_plan
from tests.schema.plan_helpers import person

PERSONS = """
query ($after: String) {
  persons(search: "Quách Thị", first: 2, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { fullName } }
  }
}
"""
USERS = """
query ($unit: ID!, $after: String) {
  users(unit: $unit, first: 2, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { username } }
  }
}
"""
PLANS = """
query ($unit: ID!, $after: String) {
  plans(unit: $unit, first: 2, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id kind cycle { code } } }
  }
}
"""


async def pages(run: Runner, query: str, field: str, **variables: Any) -> list[dict[str, Any]]:
    """Every page of a connection, following `endCursor`."""
    found, after = [], None
    while True:
        page = (await run.data(query, {**variables, "after": after}))[field]
        found.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


@pytest.fixture
async def reader(run: Runner, session: AsyncSession, access: AccessServices) -> Runner:
    """A national viewer's login (lists of personal data are for officials)."""
    _, principal = await make_user(session, access, "viewer.vn", roles=[Role.VIEWER])
    return run.as_(principal)


async def outsider(run: Runner, session: AsyncSession, access: AccessServices) -> Runner:
    """A viewer of another province (01, Hà Nội): nothing of 22 is theirs to read."""
    _, principal = await make_user(
        session, access, "viewer.hanoi", unit_code="01", roles=[Role.VIEWER]
    )
    return run.as_(principal)


async def test_persons_count_what_the_search_finds_on_every_page(
    reader: Runner, run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    for n in range(3):
        await person(session, "07132", f"02208400090{n}", f"Quách Thị {'ABC'[n]}")

    found = await pages(reader, PERSONS, "persons")
    hidden = (await (await outsider(run, session, access)).data(PERSONS))["persons"]

    assert [page["totalCount"] for page in found] == [3, 3]
    assert sum(len(page["edges"]) for page in found) == 3
    assert hidden == {
        "totalCount": 0,
        "pageInfo": {"hasNextPage": False, "endCursor": None},
        "edges": [],
    }


async def test_users_count_the_accounts_of_the_unit(
    reader: Runner, run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    commune = await unit(session, "07132")
    for name in ("clerk.c1", "clerk.c2", "clerk.c3"):
        await make_user(session, access, name, unit_code="07132", roles=[Role.CLERK])
    variables = {"unit": to_global_id("Unit", commune.id)}

    found = await pages(reader, USERS, "users", **variables)
    hidden = (await (await outsider(run, session, access)).data(USERS, variables))["users"]

    assert [page["totalCount"] for page in found] == [3, 3]
    assert [e["node"]["username"] for p in found for e in p["edges"]] == [
        "clerk.c1",
        "clerk.c2",
        "clerk.c3",
    ]
    assert hidden["totalCount"] == 0
    assert hidden["edges"] == []


async def test_plans_of_a_unit_are_a_connection_newest_first_scoped_by_read(
    reader: Runner, run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    commune, province = await unit(session, "07132"), await unit(session, "22")
    made = []
    # One next-term plan per cycle and approving body: four plans of one commune.
    for n, code in enumerate(["2025-2030", "2030-2035"] * 2):
        cycle = await plans_db.cycle_by_code(session, code=code)
        assert cycle is not None
        plan = await plans_db.add_plan(
            session,
            planning_unit_id=commune.id,
            approving_unit_id=province.id,
            cycle_id=cycle.id,
            kind=PlanKind.NEXT_TERM,
            managed_by=UnitKind.PROVINCE if n < 2 else UnitKind.COMMUNE,
            rule_set="QD377_2025",
            created_at=NOW - timedelta(days=10 - n),
        )
        made.append(to_global_id("Plan", plan.id))
    variables = {"unit": to_global_id("Unit", commune.id)}

    found = await pages(reader, PLANS, "plans", **variables)
    hidden = (await (await outsider(run, session, access)).data(PLANS, variables))["plans"]
    integrator = Principal(
        user_id=None,
        api_key_id=1,
        name="dashboard",
        grants=(Grant(0, Role.INTEGRATOR, province.id, province.path),),
    )
    not_personal = await run.as_(integrator).result(PLANS, variables)

    assert [page["totalCount"] for page in found] == [4, 4]
    assert [e["node"]["id"] for p in found for e in p["edges"]] == made[::-1]  # newest first
    assert hidden["totalCount"] == 0
    assert hidden["edges"] == []
    assert not_personal.errors  # plans are personal data: officials only


FEED = """
query ($unit: ID!) {
  planEvents(unit: $unit, first: 1) { totalCount edges { node { action } } }
}
"""


async def read_feed(world: World, principal: Principal, unit_id: str) -> Any:
    async with world.sessions() as session:
        context = Context(
            session=session, now=NOW, access=world.access, principal=principal, rule_sets=RULE_SETS
        )
        result = await schema.execute(FEED, {"unit": unit_id}, context_value=context)
        assert result.errors is None, result.errors
        return result.data["planEvents"]  # type: ignore[index]


async def test_the_feed_counts_every_committed_event(world: World) -> None:
    plan = await new_plan(world)
    await world.call(
        "clerk",
        "addPlanEntry",
        "AddPlanEntryInput",
        plan=plan["id"],
        version=plan["version"],
        person=world.persons[0],
        position=world.vice_chair,
        tier="T1",
        ballots=[{"step": "BTV", "summoned": 11, "present": 11, "votesFor": 9}],
    )
    async with world.sessions() as session:
        province = await unit(session, "22")
        other = await unit(session, "01")
    integrator = Principal(
        user_id=None,
        api_key_id=9,
        name="feed",
        grants=(Grant(0, Role.INTEGRATOR, province.id, province.path),),
    )

    first = await read_feed(world, integrator, to_global_id("Unit", province.id))
    other_province = await read_feed(world, integrator, to_global_id("Unit", other.id))

    assert first["totalCount"] == 2  # CREATE and ADD_ENTRY, one shown on this page
    assert [edge["node"]["action"] for edge in first["edges"]] == ["CREATE"]
    assert other_province["totalCount"] == 0
