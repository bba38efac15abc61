"""Limits on a GraphQL document, checked before validation in time linear in the document.

Depth, aliases and cost are computed once per fragment definition and reused at every spread,
so a document whose fragments spread each other many times (a "fragment bomb") costs no more to
check than to read. Checking happens before graphql-core's own validation, which is skipped
when a limit fails, since some of its rules are super-linear on such documents.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from graphql.type.definition import GraphQLInterfaceType, GraphQLNamedType
from strawberry.extensions import SchemaExtension, ValidationCache

from schema.errors import ClientError


@dataclass(frozen=True, slots=True)
class Limits:
    max_depth: int = 12
    max_aliases: int = 30
    max_cost: int = 50_000
    max_tokens: int = 3_000


@dataclass(frozen=True, slots=True)
class Measure:
    depth: int
    aliases: int
    cost: int

    def plus(self, other: Measure) -> Measure:
        return Measure(
            max(self.depth, other.depth), self.aliases + other.aliases, self.cost + other.cost
        )


_NOTHING = Measure(0, 0, 0)


class _Analysis:
    """One pass over a document; fragments are measured once each (memoised)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        limits: Limits,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.limits = limits
        self.memo: dict[str, Measure] = {}
        self.visiting: set[str] = set()

    def fragment(self, name: str) -> Measure:
        if name in self.memo:
            return self.memo[name]
        definition = self.fragments.get(name)
        if definition is None or name in self.visiting:
            return _NOTHING  # unknown or cyclic: graphql-core's validation reports it
        self.visiting.add(name)
        parent = self.schema.get_type(definition.type_condition.name.value)
        measure = self.selections(definition.selection_set, parent, 0)
        self.visiting.discard(name)
        self.memo[name] = measure
        return measure

    def selections(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLNamedType | None,
        depth: int,
        page: int = 1,
    ) -> Measure:
        total = _NOTHING
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total = total.plus(self.field(selection, parent, depth, page))
            elif isinstance(selection, FragmentSpreadNode):
                inner = self.fragment(selection.name.value)
                total = total.plus(Measure(inner.depth + depth, inner.aliases, inner.cost))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner_parent = self.schema.get_type(condition.name.value) if condition else parent
                total = total.plus(
                    self.selections(selection.selection_set, inner_parent, depth, page)
                )
        return total

    def field(
        self, node: FieldNode, parent: GraphQLNamedType | None, depth: int, page: int
    ) -> Measure:
        aliases = 1 if node.alias else 0
        if node.name.value.startswith("__"):
            # Introspection is bounded by the schema's size, and GraphiQL's own query is deep.
            return Measure(depth, aliases, 0)
        if node.selection_set is None:
            return Measure(depth + 1, aliases, 1)
        if depth + 1 > self.limits.max_depth:
            return Measure(depth + 1, aliases, 1)  # deep enough to refuse; stop descending
        definition = self.definition(node, parent)
        if definition is None:
            inner = self.selections(node.selection_set, None, depth + 1)
            return Measure(inner.depth, aliases + inner.aliases, 1 + inner.cost)
        # A paged field (one with `first`) holds `first` items, counted at the list inside it
        # (`edges`), so that `totalCount` or `pageInfo` beside the list are counted once.
        if is_list_type(get_nullable_type(definition.type)):
            repeat, page = page, 1
        else:
            repeat = 1
        page = max(page, self.page_size(node, definition))
        inner = self.selections(
            node.selection_set, get_named_type(definition.type), depth + 1, page
        )
        return Measure(inner.depth, aliases + inner.aliases, 1 + repeat * inner.cost)

    def definition(self, node: FieldNode, parent: GraphQLNamedType | None) -> GraphQLField | None:
        if not isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)):
            return None
        found: GraphQLField | None = parent.fields.get(node.name.value)
        return found

    def page_size(self, node: FieldNode, definition: GraphQLField) -> int:
        first = definition.args.get("first")
        if first is None:
            return 1
        multiplier = first.default_value if isinstance(first.default_value, int) else 1
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                multiplier = int(value.value)
            elif isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                multiplier = given if isinstance(given, int) else multiplier
        return max(multiplier, 1)


def measure(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    *,
    variables: Mapping[str, Any],
    limits: Limits,
) -> Measure:
    """Measure one operation of a parsed document."""
    root = schema.get_root_type(operation.operation)
    return _Analysis(schema, fragments, variables, limits).selections(
        operation.selection_set, root, 0
    )


def check(measured: Measure, limits: Limits) -> ClientError | None:
    """Return the first limit ``measured`` exceeds, if any."""
    if measured.depth > limits.max_depth:
        return ClientError("QUERY_TOO_DEEP", depth=measured.depth, limit=limits.max_depth)
    if measured.aliases > limits.max_aliases:
        return ClientError("TOO_MANY_ALIASES", count=measured.aliases, limit=limits.max_aliases)
    if measured.cost > limits.max_cost:
        return ClientError("QUERY_TOO_COSTLY", cost=measured.cost, limit=limits.max_cost)
    return None


class DocumentLimits(SchemaExtension):
    """Refuse documents over the limits before graphql-core validates them."""

    limits = Limits()

    def on_parse(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = self.limits.max_tokens
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            for operation in document.definitions:
                if not isinstance(operation, OperationDefinitionNode):
                    continue
                measured = measure(
                    context.schema._schema,
                    operation,
                    fragments,
                    variables=context.variables or {},
                    limits=self.limits,
                )
                problem = check(measured, self.limits)
                if problem is not None:
                    # Set before yielding: strawberry then skips graphql-core's validation.
                    context.pre_execution_errors = [
                        GraphQLError(problem.code, original_error=problem)
                    ]
                    break
        yield


class GuardedValidationCache(ValidationCache):
    """strawberry's cached validation, skipped once a limit has refused the document.

    Without the guard it would validate anyway and overwrite the refusal with its own result.
    """

    def on_validate(self) -> Iterator[None]:
        if self.execution_context.pre_execution_errors:
            yield
            return
        yield from super().on_validate()
