"""What an introspection selection (under ``__schema`` or ``__type``) costs, from the schema's size.

Introspection lists are not paged: ``types`` holds every type of the schema, ``fields`` every
field of a type, and so on. A selection is measured on a *set* of schema elements: either every
element of a kind (every type, reached through ``__schema { types }``; every field of every type,
reached through their ``fields``), where the cost is the total over the schema, or one element
(``__type(name:)``, ``ofType``, a field's ``type``), where the cost is for the largest such
element. Totals keep GraphiQL's own introspection query (~10,000 values) well under the limit,
while a selection repeated under aliases costs its full size each time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
)

INTROSPECTION_ROOTS = {"__schema": "schema", "__type": "type"}


class Edge(NamedTuple):
    """A field of an introspection type that leads to other schema elements."""

    kind: str  # the kind of element it leads to
    is_list: bool
    # Taken on every element of its parent kind, the lists together hold every element of
    # ``kind`` once (every type's ``fields``: every field); false where they repeat elements.
    exhaustive: bool


# Per kind of element, its fields that lead to other elements; every other field is a leaf.
EDGES: dict[str, dict[str, Edge]] = {
    "schema": {
        "types": Edge("type", True, True),
        "queryType": Edge("type", False, False),
        "mutationType": Edge("type", False, False),
        "subscriptionType": Edge("type", False, False),
        "directives": Edge("directive", True, True),
    },
    "type": {
        "fields": Edge("field", True, True),
        "interfaces": Edge("type", True, False),
        "possibleTypes": Edge("type", True, False),
        "enumValues": Edge("enum_value", True, True),
        "inputFields": Edge("input_field", True, True),
        "ofType": Edge("type", False, False),
    },
    "field": {"args": Edge("arg", True, True), "type": Edge("type", False, False)},
    "arg": {"type": Edge("type", False, False)},
    "input_field": {"type": Edge("type", False, False)},
    "enum_value": {},
    "directive": {"args": Edge("directive_arg", True, True)},
    "directive_arg": {"type": Edge("type", False, False)},
}


@dataclass(frozen=True, slots=True)
class SchemaSize:
    """How many elements of each kind the schema has (``total``), and the longest list of
    each edge on one element (``longest[(kind, field)]``) or over all of them (``refs``)."""

    total: dict[str, int]
    longest: dict[tuple[str, str], int]
    refs: dict[tuple[str, str], int]


@cache
def schema_size(schema: GraphQLSchema) -> SchemaSize:
    types = list(schema.type_map.values())
    with_fields = [t for t in types if isinstance(t, GraphQLObjectType | GraphQLInterfaceType)]
    fields = [f for t in with_fields for f in t.fields.values()]
    inputs = [t for t in types if isinstance(t, GraphQLInputObjectType)]
    enums = [t for t in types if isinstance(t, GraphQLEnumType)]
    directives = list(schema.directives)

    def possible(t: object) -> int:
        if isinstance(t, GraphQLUnionType):
            return len(t.types)
        if isinstance(t, GraphQLInterfaceType):
            return len(schema.get_possible_types(t))
        return 0

    lists = {
        ("schema", "types"): [len(types)],
        ("schema", "directives"): [len(directives)],
        ("type", "fields"): [len(t.fields) for t in with_fields],
        ("type", "interfaces"): [len(t.interfaces) for t in with_fields],
        ("type", "possibleTypes"): [possible(t) for t in types],
        ("type", "enumValues"): [len(t.values) for t in enums],
        ("type", "inputFields"): [len(t.fields) for t in inputs],
        ("field", "args"): [len(f.args) for f in fields],
        ("directive", "args"): [len(d.args) for d in directives],
    }
    return SchemaSize(
        total={
            "schema": 1,
            "type": len(types),
            "field": len(fields),
            "arg": sum(lists[("field", "args")]),
            "input_field": sum(lists[("type", "inputFields")]),
            "enum_value": sum(lists[("type", "enumValues")]),
            "directive": len(directives),
            "directive_arg": sum(lists[("directive", "args")]),
        },
        longest={key: max(values, default=0) for key, values in lists.items()},
        refs={key: sum(values) for key, values in lists.items()},
    )
