"""The computed cost bounds the work: never fewer than the values the server answers.

Documents are generated over the unit tree of the test database (both shipped trees), mixing
named fragments (nested, reused), inline fragments, aliases, pages within pages and a few
introspection selections; each is executed through the real schema and its answer counted.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse
from hypothesis import HealthCheck, given, settings, strategies as st

from schema.limits import Limits, measure
from schema.root import schema
from tests.conftest import Runner

PAGE = st.integers(min_value=1, max_value=4)
UNIT_LEAVES = ("code", "name", "kind", "__typename", "id")
CONNECTION_LEAVES = ("totalCount", "__typename", "pageInfo { hasNextPage endCursor }")
INTROSPECTION = (  # (field, the rest)
    (
        "__type",
        '(name: "Unit") { name fields { name args { name } type { kind ofType { name } } } }',
    ),
    ("__type", '(name: "UnitConnection") { ... on __Type { name } fields { name } }'),
    ("__schema", " { queryType { name } types { name kind } }"),
    ("__schema", " { directives { name args { name type { name } } } }"),
)


class Names:
    """Unique aliases, so that generated fields never conflict where selections merge."""

    def __init__(self) -> None:
        self.counter = itertools.count()

    def alias(self, field: str) -> str:
        return f"{field}{next(self.counter)}: {field}"


Fragments = dict[str, list[str]]  # type condition -> names of the fragments one may spread


@st.composite
def unit_selection(draw: st.DrawFn, depth: int, names: Names, fragments: Fragments) -> str:
    parts = draw(st.lists(st.sampled_from(UNIT_LEAVES), min_size=1, max_size=3, unique=True))
    if depth > 0:
        choices = draw(
            st.lists(st.sampled_from(("parent", "children", "inline", "spread")), max_size=3)
        )
        for choice in choices:
            if choice == "parent":
                inner = draw(unit_selection(depth - 1, names, fragments))
                parts.append(f"{names.alias('parent')} {{ {inner} }}")
            elif choice == "children":
                inner = draw(connection_selection(depth - 1, names, fragments))
                parts.append(f"{names.alias('children')}(first: {draw(PAGE)}) {{ {inner} }}")
            elif choice == "inline":
                parts.append(
                    f"... on Unit {{ {draw(unit_selection(depth - 1, names, fragments))} }}"
                )
            elif fragments["Unit"]:
                parts.append("..." + draw(st.sampled_from(fragments["Unit"])))
    return " ".join(parts)


@st.composite
def connection_selection(draw: st.DrawFn, depth: int, names: Names, fragments: Fragments) -> str:
    parts = draw(st.lists(st.sampled_from(CONNECTION_LEAVES), max_size=2, unique=True))
    node = draw(unit_selection(depth, names, fragments))
    parts.append(f"{names.alias('edges')} {{ cursor node {{ {node} }} }}")
    if draw(st.booleans()) and fragments["UnitConnection"]:
        parts.append("..." + draw(st.sampled_from(fragments["UnitConnection"])))
    if draw(st.booleans()):
        inner = draw(connection_selection(max(depth - 1, 0), names, fragments))
        parts.append(f"... on UnitConnection {{ {inner} }}")
    return " ".join(parts)


@st.composite
def documents(draw: st.DrawFn) -> str:
    names = Names()
    fragments: Fragments = {"Unit": [], "UnitConnection": []}
    definitions = []
    # Defined last first, so that each fragment may spread those defined before it: no cycles.
    for number in range(draw(st.integers(min_value=0, max_value=3))):
        on = draw(st.sampled_from(("Unit", "UnitConnection")))
        select = unit_selection if on == "Unit" else connection_selection
        body = draw(select(draw(st.integers(min_value=0, max_value=2)), names, fragments))
        definitions.append(f"fragment F{number} on {on} {{ {body} }}")
        fragments[on].append(f"F{number}")
    roots = []
    for _ in range(draw(st.integers(min_value=1, max_value=2))):
        depth = draw(st.integers(min_value=0, max_value=3))
        if draw(st.booleans()):
            kind = draw(st.sampled_from(("", "kind: PROVINCE, ", "kind: DISTRICT, ")))
            body = draw(connection_selection(depth, names, fragments))
            roots.append(f"{names.alias('units')}({kind}first: {draw(PAGE)}) {{ {body} }}")
        else:
            code = draw(st.sampled_from(("01", "22", "38")))
            body = draw(unit_selection(depth, names, fragments))
            roots.append(f'{names.alias("unit")}(code: "{code}") {{ {body} }}')
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        field, rest = draw(st.sampled_from(INTROSPECTION))
        roots.append(names.alias(field) + rest)
    operation = "{ " + " ".join(roots) + " }"
    # Only the fragments spread somewhere: an unused one is a validation error.
    used, text = [], operation
    for number in reversed(range(len(definitions))):
        if re.search(rf"\.\.\.F{number}\b", text):
            used.append(definitions[number])
            text += definitions[number]
    return " ".join([operation, *used])


def cost_of(query: str) -> int:
    document = parse(query)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    [operation] = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return measure(schema._schema, operation, fragments, variables={}, limits=Limits()).cost


def values_in(answer: Any) -> int:
    """Every field of every object of the answer: what the cost counts one for."""
    if isinstance(answer, dict):
        return len(answer) + sum(values_in(value) for value in answer.values())
    if isinstance(answer, list):
        return sum(values_in(item) for item in answer)
    return 0


@settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=documents())
async def test_the_cost_is_at_least_what_the_server_answers(run: Runner, query: str) -> None:
    data = await run.data(query)  # every generated document is within the limits and valid

    assert cost_of(query) >= values_in(data), query
