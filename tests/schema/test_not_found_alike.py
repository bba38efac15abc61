"""An object outside the caller's scope is answered like one that does not exist (issue 13).

The schema is walked: every id a root query or mutation takes, at any depth of its input, is
given (a) the id of an object of the right type in another province and (b) a well-formed id of
no object, by an official of one commune who holds every role there. The two answers must be the
same but for the id. An object the caller may see anyway (`node(id:)` shows it: units and
positions are public reference data) may be refused as NotAllowed, since its existence is no
secret; even then neither answer may be an INTERNAL_ERROR.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLUnionType,
    Undefined,
    get_named_type,
)
from sqlalchemy.ext.asyncio import AsyncSession

from db import access as access_db
from planning.access import Role
from planning.units import UnitKind
from schema.access.services import AccessServices
from schema.node import to_global_id
from schema.root import schema
from tests.conftest import NOW, Runner
from tests.factories import make_user, unit
from tests.schema.plan_helpers import BALLOT, call, officials, person, position

MISSING_ROW = 2**62

# The type of object an id names, by the name of the argument or input field that takes it.
# An id under a name not listed fails the walk, so a new one cannot go unchecked.
TYPE_OF = {
    "plan": "Plan",
    "fromPlan": "Plan",
    "entry": "PlanEntry",
    "person": "Person",
    "position": "Position",
    "user": "User",
    "grant": "RoleGrant",
    "apiKey": "ApiKey",
    "unit": "Unit",
    "hometownUnit": "Unit",
    "toUnit": "Unit",
    "parent": "Unit",
    "province": "Province",
    "id": "Unit",  # `unit(id:)`; `node(id:)` is walked over every type below
}
# Ids a mutation takes from anywhere by design, and why; the walk skips exactly these.
ACROSS_SCOPES = {
    ("transferPerson", "input.person"): "the receiving admin takes a cadre in from another "
    "province (điều động, DOMAIN.md §9.14): naming one outside is the point",
}
NODE_TYPES = ("Plan", "PlanEntry", "Person", "User", "RoleGrant", "ApiKey", "Unit")


@dataclass
class Objects:
    """One object of each type in the caller's commune, and one in another province."""

    near: dict[str, str]
    far: dict[str, str]
    plan_version: int


async def _plan_with_entry(
    session: AsyncSession, clerk: Runner, commune_code: str, national_id: str
) -> dict[str, Any]:
    commune = to_global_id("Unit", (await unit(session, commune_code)).id)
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
    who = await person(session, commune_code, national_id, f"Người {national_id}")
    added = await call(
        clerk,
        "addPlanEntry",
        "AddPlanEntryInput",
        plan=plan["id"],
        version=plan["version"],
        person=who,
        position=await position(session, "PCT_UBND", managed_by=UnitKind.PROVINCE),
        tier="T1",
        ballots=[BALLOT],
    )
    assert added["__typename"] == "PlanPayload", added
    return {"plan": added["plan"], "person": who, "commune": commune}


async def _objects_at(
    run: Runner, session: AsyncSession, access: AccessServices, code: str, province: str, tag: str
) -> tuple[dict[str, str], int]:
    people = await officials(session, access, commune=code, approver=province, suffix=tag)
    made = await _plan_with_entry(session, run.as_(people["clerk"]), code, f"0{tag}084000001")
    clerk = people["clerk"]
    assert clerk.user_id is not None
    home = await unit(session, code)
    key = await access_db.add_api_key(
        session,
        name=f"key {tag}",
        unit_id=home.id,
        created_by=clerk.user_id,
        expires_at=None,
        now=NOW,
    )
    found = {
        "Plan": made["plan"]["id"],
        "PlanEntry": made["plan"]["entries"][0]["id"],
        "Person": made["person"],
        "Unit": made["commune"],
        "User": to_global_id("User", clerk.user_id),
        "RoleGrant": to_global_id("RoleGrant", clerk.grants[0].grant_id),
        "ApiKey": to_global_id("ApiKey", key.id),
        "Position": await position(session, "PCT_UBND", managed_by=UnitKind.PROVINCE),
        "Province": to_global_id("Unit", (await unit(session, province)).id),
    }
    return found, made["plan"]["version"]


@pytest.fixture
async def walker(run: Runner, session: AsyncSession, access: AccessServices) -> Runner:
    """An official of commune 07132 holding every role there."""
    _, principal = await make_user(
        session, access, "walker.07132", unit_code="07132", roles=list(Role)
    )
    return run.as_(principal)


@pytest.fixture
async def objects(run: Runner, session: AsyncSession, access: AccessServices) -> Objects:
    near, version = await _objects_at(run, session, access, "07132", "22", "22")
    far, _ = await _objects_at(run, session, access, "00004", "01", "11")
    return Objects(near, far, version)


def _unwrap(graphql_type: Any) -> Any:
    return graphql_type.of_type if isinstance(graphql_type, GraphQLNonNull) else graphql_type


def id_paths(graphql_type: GraphQLInputType, prefix: str) -> list[str]:
    """The paths of every ID inside a value of ``graphql_type`` (lists are walked into)."""
    named = get_named_type(graphql_type)
    if named.name == "ID":
        return [prefix]
    if isinstance(named, GraphQLInputObjectType):
        return [p for n, f in named.fields.items() for p in id_paths(f.type, f"{prefix}.{n}")]
    return []


def _scalar(name: str, field: str, objects: Objects) -> Any:
    if name == "Int":
        return objects.plan_version if field == "version" else 1
    return {
        "String": "x",
        "Boolean": False,
        "Float": 1.0,
        "Date": "2026-11-20",
        "DateTime": "2026-11-20T08:00:00+07:00",
        "JSON": {},
    }[name]


def value(
    graphql_type: Any, path: str, target: str, given: str, objects: Objects, field: str
) -> Any:
    """A value of ``graphql_type``: required fields only, plus the path to ``target``, where
    ``given`` goes; any other id names the caller's own object of its type."""
    graphql_type = _unwrap(graphql_type)
    if isinstance(graphql_type, GraphQLList):
        return [value(graphql_type.of_type, path, target, given, objects, field)]
    if graphql_type.name == "ID":
        assert field in TYPE_OF, f"an id at {path}: add {field!r} to TYPE_OF"
        return given if path == target else objects.near[TYPE_OF[field]]
    if isinstance(graphql_type, GraphQLEnumType):
        return next(iter(graphql_type.values))
    if isinstance(graphql_type, GraphQLInputObjectType):
        built = {}
        for name, sub in graphql_type.fields.items():
            inner = f"{path}.{name}"
            required = isinstance(sub.type, GraphQLNonNull) and sub.default_value is Undefined
            if required or target == inner or target.startswith(inner + "."):
                built[name] = value(sub.type, inner, target, given, objects, name)
        return built
    return _scalar(graphql_type.name, field, objects)


def selection(graphql_type: GraphQLOutputType, depth: int = 2) -> str:
    """What an answer shows: the type, every argument-free leaf, and nested objects' leaves."""
    named = get_named_type(graphql_type)
    if isinstance(named, GraphQLUnionType):
        members = " ".join(f"... on {m.name} {{ {selection(m, depth)} }}" for m in named.types)
        return f"__typename {members}"
    if isinstance(named, GraphQLInterfaceType):
        return "__typename"
    assert isinstance(named, GraphQLObjectType)
    fields = ["__typename"]
    for name, field in named.fields.items():
        if any(isinstance(a.type, GraphQLNonNull) for a in field.args.values()):
            continue
        inner = get_named_type(field.type)
        if not isinstance(inner, (GraphQLObjectType, GraphQLUnionType, GraphQLInterfaceType)):
            fields.append(name)
        elif depth > 0 and not _is_connection(field):
            fields.append(f"{name} {{ {selection(field.type, depth - 1)} }}")
    return " ".join(fields)


def _is_connection(field: GraphQLField) -> bool:
    return get_named_type(field.type).name.endswith("Connection")


@dataclass(frozen=True)
class Probe:
    operation: str  # query | mutation
    field: str
    target: str  # the path of the id under test, e.g. input.plans.plan
    type_name: str


def probes() -> list[Probe]:
    found = []
    for operation, root in (
        ("query", schema._schema.query_type),
        ("mutation", schema._schema.mutation_type),
    ):
        assert root is not None
        for name, field in root.fields.items():
            for arg_name, arg in field.args.items():
                for path in id_paths(arg.type, arg_name):
                    last = path.rsplit(".", 1)[-1]
                    types = NODE_TYPES if name == "node" else (TYPE_OF.get(last, "?"),)
                    found += [Probe(operation, name, path, t) for t in types]
    return found


def document(probe: Probe, given: str, objects: Objects) -> tuple[str, dict[str, Any]]:
    root = schema._schema.query_type if probe.operation == "query" else schema._schema.mutation_type
    assert root is not None
    field = root.fields[probe.field]
    variables, declared, passed = {}, [], []
    for arg_name, arg in field.args.items():
        required = isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined
        if not (required or probe.target == arg_name or probe.target.startswith(arg_name + ".")):
            continue
        variables[arg_name] = value(arg.type, arg_name, probe.target, given, objects, arg_name)
        declared.append(f"${arg_name}: {arg.type}")
        passed.append(f"{arg_name}: ${arg_name}")
    args = f"({', '.join(passed)})" if passed else ""
    signature = f"({', '.join(declared)})" if declared else ""
    body = f"{probe.field}{args} {{ {selection(field.type)} }}"
    if not isinstance(get_named_type(field.type), (GraphQLObjectType, GraphQLUnionType)):
        body = f"{probe.field}{args} {{ __typename }}"
    return f"{probe.operation} {signature} {{ {body} }}", variables


async def answer(run: Runner, probe: Probe, given: str, objects: Objects) -> str:
    """The answer as a client reads it, with ``given`` blanked out."""
    query, variables = document(probe, given, objects)
    result = await run.result(query, variables)
    errors = [
        {"code": (e.extensions or {}).get("code"), "message": e.message, "path": e.path}
        for e in result.errors or []
    ]
    shown = json.dumps({"data": result.data, "errors": errors}, sort_keys=True, default=str)
    return shown.replace(given, "<ID>")


def test_every_id_argument_names_a_known_type() -> None:
    unknown = sorted({f"{p.field}.{p.target}" for p in probes() if p.type_name == "?"})
    assert not unknown, f"add these id names to TYPE_OF: {unknown}"


async def test_an_object_out_of_scope_is_answered_like_a_missing_one(
    walker: Runner, objects: Objects
) -> None:
    different, failing, walked = [], [], 0
    for probe in probes():
        if (probe.field, probe.target) in ACROSS_SCOPES:
            continue  # it would succeed, and move the object into the caller's scope
        outside = objects.far[probe.type_name]
        missing = to_global_id(probe.type_name.replace("Province", "Unit"), MISSING_ROW)
        seen = await walker.data("query ($id: ID!) { node(id: $id) { id } }", {"id": outside})
        # The unknown id first: a refusal changes nothing the other call could see.
        missing_answer = await answer(walker, probe, missing, objects)
        out_answer = await answer(walker, probe, outside, objects)
        walked += 1
        for shown in (out_answer, missing_answer):
            if "INTERNAL_ERROR" in shown:
                failing.append(f"{probe.field} {probe.target}: {shown}")
        if seen["node"] is None and out_answer != missing_answer:
            different.append(
                f"{probe.field} {probe.target} ({probe.type_name}):\n"
                f"  outside: {out_answer}\n  missing: {missing_answer}"
            )

    assert walked > 50  # the walk reached the schema's ids, not a handful
    assert not failing, "\n".join(failing)
    assert not different, "\n".join(different)
