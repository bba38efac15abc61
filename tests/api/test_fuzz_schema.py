"""Every root field, every argument and input field, fed hostile text over HTTP: never a 500.

hypothesis-graphql writes valid documents from the schema itself (so a field added tomorrow is
fuzzed tomorrow); the text it puts in each ``String`` and ``ID`` is drawn from what broke the
service before: NUL, lone UTF-16 surrogates, C0 controls, U+FFFF, 100 KB strings, next to
plausible ids and codes so that resolvers get past their first lookup. Text JSON can carry but
a GraphQL document cannot (a lone surrogate), and long text, travels as variables; the rest
stays written in the document, so both ways in are tried.

The caller is a national official holding every role, so resolvers really run and write. Each
root field gets its own test, in the per-test transaction the api tests use, rolled back after.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from graphql import (
    DocumentNode,
    GraphQLInputType,
    NameNode,
    OperationDefinitionNode,
    StringValueNode,
    TypeInfo,
    TypeInfoVisitor,
    VariableDefinitionNode,
    VariableNode,
    Visitor,
    parse_type,
    print_ast,
    visit,
)
from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis_graphql import mutations, queries

from schema.root import schema

Client = httpx.AsyncClient
GRAPHQL = schema._schema
QUERY_FIELDS = sorted(GRAPHQL.query_type.fields) if GRAPHQL.query_type else []
MUTATION_FIELDS = sorted(GRAPHQL.mutation_type.fields) if GRAPHQL.mutation_type else []

# Global ids of the shipped tree (Unit:1 is the country) and codes that exist, so that a field
# sometimes gets past "not found" and reaches the queries and writes behind it.
PLAUSIBLE = ["VW5pdDox", "VW5pdDoy", "2030-2035", "01", "VN", "LOCAL", "001090000777", "x"]
HOSTILE = [
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfff",
    "\x0b",
    "\x1f",
    "\ufffe",
    "\uffff",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "",
]
# Hostile first: the simplest example hypothesis starts from is then a NUL in every required
# text, and plausible values come second so that later examples get past "not found".
TEXT = st.one_of(
    st.sampled_from(HOSTILE),
    st.builds(
        lambda text, size: (text * size)[:size],
        st.sampled_from(["\x00", "x", "ộ", "k"]),
        st.sampled_from([100_000, 201, 2_800]),
    ),
    # Any code point at all, surrogates and NUL included.
    st.text(st.characters(exclude_categories=()), min_size=1, max_size=12),
    st.sampled_from(PLAUSIBLE),
)
# Ids the other way round: a real unit first, so that the text beside it reaches the database
# (tests/schema/test_text_limits.py sends hostile text to every id on its own).
IDS = st.one_of(st.sampled_from(["VW5pdDox", "VW5pdDoy"]), TEXT)


def _node(value: str) -> StringValueNode:
    return StringValueNode(value=value)


DAY = st.dates().map(lambda day: day.isoformat())
SCALARS = {
    "String": TEXT.map(_node),
    "ID": IDS.map(_node),
    "Date": (DAY | TEXT).map(_node),
    "DateTime": TEXT.map(_node),
}


def _travels_as_variable(value: str) -> bool:
    # A GraphQL document cannot hold a lone surrogate; a long one is sent as a client would.
    return len(value) > 1_000 or any("\ud800" <= c <= "\udfff" for c in value)


class _ToVariables(Visitor):
    """Move the strings that must travel as variables out of the document."""

    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.definitions: list[VariableDefinitionNode] = []
        self.values: dict[str, str] = {}

    def enter_string_value(self, node: StringValueNode, *_: Any) -> VariableNode | None:
        expected: GraphQLInputType | None = self.type_info.get_input_type()
        if expected is None or not _travels_as_variable(node.value):
            return None
        name = f"v{len(self.values)}"
        self.values[name] = node.value
        self.definitions.append(
            VariableDefinitionNode(
                variable=VariableNode(name=NameNode(value=name)), type=parse_type(str(expected))
            )
        )
        return VariableNode(name=NameNode(value=name))


def as_request(document: DocumentNode) -> tuple[str, dict[str, str]]:
    type_info = TypeInfo(GRAPHQL)
    mover = _ToVariables(type_info)
    moved = visit(document, TypeInfoVisitor(type_info, mover))
    operations = [
        definition.__class__(
            **{
                **{key: getattr(definition, key) for key in definition.keys},
                "variable_definitions": tuple(mover.definitions),
            }
        )
        if isinstance(definition, OperationDefinitionNode)
        else definition
        for definition in moved.definitions
    ]
    return print_ast(DocumentNode(definitions=tuple(operations))), mover.values


async def answer(client: Client, document: DocumentNode) -> None:
    query, variables = as_request(document)
    # json.dumps escapes a lone surrogate as \ud800, as a JavaScript client would send it.
    body = json.dumps({"query": query, "variables": variables})
    response = await client.post(
        "/graphql", content=body.encode(), headers={"content-type": "application/json"}
    )
    assert response.status_code != 500, (query, variables, response.text[:2_000])
    payload = response.json()
    codes = [(e.get("extensions") or {}).get("code") for e in payload.get("errors") or []]
    assert "INTERNAL_ERROR" not in codes, (query, variables, payload)
    assert all(codes), payload  # every error a client sees has a code to act on
    assert "data" in payload or codes, payload


FUZZ = settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _document(document: DocumentNode) -> DocumentNode:
    return document  # keep the AST: strings are moved to variables before printing


@pytest.mark.parametrize("field", QUERY_FIELDS)
@FUZZ
@given(data=st.data())
async def test_no_query_argument_answers_500(
    official: Client, field: str, data: st.DataObject
) -> None:
    strategy = queries(GRAPHQL, fields=[field], custom_scalars=SCALARS, print_ast=_document)
    await answer(official, data.draw(strategy))


@pytest.mark.parametrize("field", MUTATION_FIELDS)
@FUZZ
@given(data=st.data())
async def test_no_mutation_input_answers_500(
    official: Client, field: str, data: st.DataObject
) -> None:
    strategy = mutations(GRAPHQL, fields=[field], custom_scalars=SCALARS, print_ast=_document)
    await answer(official, data.draw(strategy))


def test_every_root_field_is_fuzzed() -> None:
    # A parametrisation that found no fields would pass without fuzzing anything.
    assert {"unit", "statistics", "exportLinks", "node"} <= set(QUERY_FIELDS)
    assert {"login", "createPerson", "approvePlan", "reorganize"} <= set(MUTATION_FIELDS)
