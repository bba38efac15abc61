"""`node(id:)` answers every type that implements Node, under the scoping of the lists and
fields that show it: the schema is walked, so a new Node type without a resolver fails here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from graphql import GraphQLObjectType
from sqlalchemy.ext.asyncio import AsyncSession

from planning.access import Role
from planning.units import UnitKind
from schema.access.services import AccessServices
from schema.node import parse_global_id, to_global_id
from schema.root import schema
from tests.conftest import Runner
from tests.factories import make_user, unit
from tests.schema.plan_helpers import call, officials, person, position

NODE = "query ($id: ID!) { node(id: $id) { __typename id } }"
UNKNOWN_ROW = 2**62


def node_types() -> set[str]:
    """The object types of the public schema that implement Node."""
    return {
        name
        for name, graphql_type in schema._schema.type_map.items()
        if isinstance(graphql_type, GraphQLObjectType)
        and any(interface.name == "Node" for interface in graphql_type.interfaces)
    }


@dataclass
class Province22:
    """A commune of province 22 with a draft plan holding one entry, read by the national admin."""

    admin: Runner
    commune: str
    province: str


@pytest.fixture
async def world(run: Runner, session: AsyncSession, access: AccessServices) -> Province22:
    people = await officials(session, access, commune="07132", approver="22", suffix="node")
    clerk = run.as_(people["clerk"])
    commune = to_global_id("Unit", (await unit(session, "07132")).id)
    plan = (
        await call(
            clerk,
            "createPlan",
            "CreatePlanInput",
            unit=commune,
            cycle="2030-2035",
            kind="NEXT_TERM",
            managedBy="PROVINCE",
        )
    )["plan"]
    added = await call(
        clerk,
        "addPlanEntry",
        "AddPlanEntryInput",
        plan=plan["id"],
        version=plan["version"],
        person=await person(session, "07132", "022084009001", "Trần Thị Node"),
        position=await position(session, "PCT_UBND", managed_by=UnitKind.PROVINCE),
        tier="T1",
        ballots=[{"step": "BTV", "summoned": 11, "present": 11, "votesFor": 9}],
    )
    assert added["__typename"] == "PlanPayload", added
    _, admin = await make_user(session, access, "admin.node", roles=[Role.ADMIN])
    province = to_global_id("Unit", (await unit(session, "22")).id)
    return Province22(run.as_(admin), commune, province)


async def _first(run: Runner, query: str, variables: dict[str, Any], *path: str) -> str:
    """Follow ``path`` through the answer, taking the first element of every list."""
    found: Any = await run.data(query, variables)
    for step in path:
        found = found[step]
        while isinstance(found, list):
            assert found, f"nothing at {step} in {query}"
            found = found[0]
    assert isinstance(found, str)
    return found


ENTRIES = (
    "query ($unit: ID!) { plans(unit: $unit) "
    "{ edges { node { id entries { id person { id } } } } } }"
)
USERS = "query ($unit: ID!) { users(unit: $unit) { edges { node { id grants { id } } } } }"
CREATE_KEY = """
mutation ($unit: ID!) {
  createApiKey(input: {name: "dashboard", unit: $unit}) { ... on ApiKeyCreated { apiKey { id } } }
}
"""

# One way per Node type to get a real id as a client does: from a list or a field.
Fetch = Callable[[Province22], Awaitable[str]]
FETCH: dict[str, Fetch] = {
    "Unit": lambda w: _first(
        w.admin,
        '{ units(search: "quang yen", kind: COMMUNE) { edges { node { id } } } }',
        {},
        "units",
        "edges",
        "node",
        "id",
    ),
    "Plan": lambda w: _first(w.admin, ENTRIES, {"unit": w.commune}, "plans", "edges", "node", "id"),
    "PlanEntry": lambda w: _first(
        w.admin, ENTRIES, {"unit": w.commune}, "plans", "edges", "node", "entries", "id"
    ),
    "Person": lambda w: _first(
        w.admin, ENTRIES, {"unit": w.commune}, "plans", "edges", "node", "entries", "person", "id"
    ),
    "Position": lambda w: _first(
        w.admin,
        "query ($unit: ID!) { positions(unit: $unit, managedBy: PROVINCE) { position { id } } }",
        {"unit": w.commune},
        "positions",
        "position",
        "id",
    ),
    "User": lambda w: _first(w.admin, USERS, {"unit": w.commune}, "users", "edges", "node", "id"),
    "RoleGrant": lambda w: _first(
        w.admin, USERS, {"unit": w.commune}, "users", "edges", "node", "grants", "id"
    ),
    "ApiKey": lambda w: _first(
        w.admin, CREATE_KEY, {"unit": w.province}, "createApiKey", "apiKey", "id"
    ),
}


def test_every_node_type_has_a_way_to_be_fetched() -> None:
    # A Node type added to the schema needs a resolver in schema/root.py and a line here.
    assert node_types() == set(FETCH)


async def ids_of(world: Province22) -> dict[str, str]:
    return {type_name: await fetch(world) for type_name, fetch in FETCH.items()}


async def test_the_national_admin_gets_every_node_back_by_its_id(world: Province22) -> None:
    for type_name, global_id in (await ids_of(world)).items():
        found = (await world.admin.data(NODE, {"id": global_id}))["node"]

        assert found == {"__typename": type_name, "id": global_id}, type_name


async def test_an_unknown_id_of_every_type_is_null(world: Province22) -> None:
    for type_name in node_types():
        unknown = to_global_id(type_name, UNKNOWN_ROW)

        assert (await world.admin.data(NODE, {"id": unknown}))["node"] is None, type_name


async def test_an_official_of_another_province_gets_null(
    world: Province22, session: AsyncSession, access: AccessServices
) -> None:
    ids = await ids_of(world)
    # Hà Nội's admin: reads everything of Hà Nội, administers its accounts and keys.
    _, ha_noi = await make_user(session, access, "admin.hanoi", unit_code="01", roles=[Role.ADMIN])
    outsider = world.admin.as_(ha_noi)

    answers = {t: (await outsider.data(NODE, {"id": i}))["node"] for t, i in ids.items()}

    # The unit tree is public; a catalogue title is Hà Nội's to plan too (its communes hold it).
    public = {"Unit", "Position"}
    assert {t for t, found in answers.items() if found is not None} == public
    assert all(answers[t] == {"__typename": t, "id": ids[t]} for t in public)


async def test_a_title_is_hidden_from_whoever_reads_no_plan_of_its_kind_of_unit(
    world: Province22, session: AsyncSession, access: AccessServices
) -> None:
    provincial = await _first(
        world.admin,
        "query ($unit: ID!) { positions(unit: $unit, managedBy: PROVINCE) { position { id } } }",
        {"unit": world.province},
        "positions",
        "position",
        "id",
    )
    communal = (await ids_of(world))["Position"]
    _, commune_clerk = await make_user(
        session, access, "clerk.hanoi", unit_code="00004", roles=[Role.CLERK]
    )
    clerk = world.admin.as_(commune_clerk)

    assert parse_global_id(provincial)[0] == "Position"
    assert (await clerk.data(NODE, {"id": provincial}))["node"] is None
    assert (await clerk.data(NODE, {"id": communal}))["node"] == {
        "__typename": "Position",
        "id": communal,
    }
