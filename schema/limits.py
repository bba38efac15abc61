"""Limits on a GraphQL document, checked before validation in time linear in the document.

Depth, aliases and cost are computed once per fragment definition and reused at every spread,
so a document whose fragments spread each other many times (a "fragment bomb") costs no more to
check than to read. The cost is still that of the document as executed: a fragment's cost is
kept per item of the page it is spread in and multiplied there, and introspection counts what
the schema's size makes it answer (schema/introspection_cost.py). Checking happens before
graphql-core's own validation, which is skipped when a limit fails, since some of its rules are
super-linear on such documents.
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
from schema.introspection_cost import EDGES, INTROSPECTION_ROOTS, schema_size


@dataclass(frozen=True, slots=True)
class Limits:
    max_depth: int = 12
    max_aliases: int = 30
    max_cost: int = 50_000
    max_tokens: int = 3_000


@dataclass(frozen=True, slots=True)
class Measure:
    """Depth, aliases and cost of a selection, the cost as a function of the page it is in.

    A selection inside a paged field (``units(first: 100) { ... }``) costs ``fixed + per_page
    * first``: ``per_page`` is what its lists repeat for each item of the page, ``fixed`` what
    it holds once (``totalCount``, ``pageInfo``, nested pages already multiplied out). Keeping
    both is what lets a fragment be measured once and multiplied at each spread.
    """

    depth: int
    aliases: int
    fixed: int
    per_page: int = 0

    @property
    def cost(self) -> int:
        """The cost where no page encloses the selection (at the root of an operation)."""
        return self.fixed + self.per_page

    def plus(self, other: Measure) -> Measure:
        return Measure(
            max(self.depth, other.depth),
            self.aliases + other.aliases,
            self.fixed + other.fixed,
            self.per_page + other.per_page,
        )

    def at(self, depth: int) -> Measure:
        """This measure of a fragment, spread ``depth`` levels down."""
        return Measure(self.depth + depth, self.aliases, self.fixed, self.per_page)


_NOTHING = Measure(0, 0, 0)
# Deeper than any document within the limits nests selections (depth 12; GraphiQL's own
# introspection, not counted in depth, nests about 15), and shallow enough for the stack.
MAX_NESTING = 64


class _Analysis:
    """One pass over a document; fragments are measured once each (memoised).

    A fragment's measure does not depend on where it is spread: its cost is kept per item of
    the enclosing page (``Measure.per_page``) and multiplied at the spread, and under
    introspection it is memoised per kind of schema element it is spread on (a handful).
    """

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
        self.size = schema_size(schema)
        self.memo: dict[tuple[str, str | None, bool], Measure] = {}
        # Selections open on the stack, through fragments: past MAX_NESTING the document is
        # refused as too deep rather than measured further (nor the stack exhausted).
        self.nesting = 0
        self.too_deep = Measure(limits.max_depth + 1, 0, 0)
        self.visiting: set[tuple[str, str | None, bool]] = set()

    def fragment(self, name: str, kind: str | None = None, exhaustive: bool = False) -> Measure:
        """The fragment ``name``, on a type of the schema or (``kind``) on introspection."""
        key = (name, kind, exhaustive)
        if key in self.memo:
            return self.memo[key]
        definition = self.fragments.get(name)
        if definition is None or key in self.visiting:
            return _NOTHING  # unknown or cyclic: graphql-core's validation reports it
        self.visiting.add(key)
        if kind is None:
            parent = self.schema.get_type(definition.type_condition.name.value)
            measure = self.selections(definition.selection_set, parent, 0)
        else:
            measure = self.introspection(definition.selection_set, kind, exhaustive, 0)
        self.visiting.discard(key)
        self.memo[key] = measure
        return measure

    def selections(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType | None, depth: int
    ) -> Measure:
        if self.nesting >= MAX_NESTING:
            return self.too_deep
        self.nesting += 1
        try:
            return self.selection_list(selection_set, parent, depth)
        finally:
            self.nesting -= 1

    def selection_list(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType | None, depth: int
    ) -> Measure:
        total = _NOTHING
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total = total.plus(self.field(selection, parent, depth))
            elif isinstance(selection, FragmentSpreadNode):
                total = total.plus(self.fragment(selection.name.value).at(depth))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner_parent = self.schema.get_type(condition.name.value) if condition else parent
                total = total.plus(self.selections(selection.selection_set, inner_parent, depth))
        return total

    def field(self, node: FieldNode, parent: GraphQLNamedType | None, depth: int) -> Measure:
        aliases = 1 if node.alias else 0
        if node.selection_set is None:
            return Measure(depth + 1, aliases, 1)  # a leaf, `__typename` included
        if node.name.value in INTROSPECTION_ROOTS:
            kind = INTROSPECTION_ROOTS[node.name.value]
            inner = self.introspection(node.selection_set, kind, kind == "schema", depth + 1)
            return Measure(max(depth + 1, inner.depth), aliases + inner.aliases, 1 + inner.fixed)
        if depth + 1 > self.limits.max_depth:
            return Measure(depth + 1, aliases, 1)  # deep enough to refuse; stop descending
        definition = self.definition(node, parent)
        if definition is None:  # unknown: graphql-core's validation reports it
            inner = self.selections(node.selection_set, None, depth + 1)
            return Measure(inner.depth, aliases + inner.aliases, 1 + inner.cost)
        inner = self.selections(node.selection_set, get_named_type(definition.type), depth + 1)
        # A paged field (one with `first`) holds `first` items, counted at the list inside it
        # (`edges`), so that `totalCount` or `pageInfo` beside the list are counted once.
        page = self.page_size(node, definition)
        if is_list_type(get_nullable_type(definition.type)):
            # Repeated for each item of the enclosing page; its own page applies inside.
            each = inner.fixed + inner.per_page * (page or 1)
            return Measure(inner.depth, aliases + inner.aliases, 1, each)
        if page is not None:
            # A page of its own: its items, not the enclosing page's, fill the lists inside.
            fixed = 1 + inner.fixed + inner.per_page * page
            return Measure(inner.depth, aliases + inner.aliases, fixed)
        return Measure(inner.depth, aliases + inner.aliases, 1 + inner.fixed, inner.per_page)

    def introspection(
        self, selection_set: SelectionSetNode, kind: str, exhaustive: bool, depth: int
    ) -> Measure:
        """Measure a selection on every element of ``kind`` (``exhaustive``) or on one.

        Depth is not counted here: GraphiQL's query nests ``ofType`` deeper than the limit, and
        what it answers is bounded by the schema, which the cost counts. Only a nesting too
        deep to measure (``too_deep``) comes out.
        """
        if self.nesting >= MAX_NESTING:
            return self.too_deep
        self.nesting += 1
        try:
            total = self.introspected_list(selection_set, kind, exhaustive, depth)
        finally:
            self.nesting -= 1
        return Measure(max(depth, total.depth), total.aliases, total.fixed)

    def introspected_list(
        self, selection_set: SelectionSetNode, kind: str, exhaustive: bool, depth: int
    ) -> Measure:
        count = self.size.total[kind] if exhaustive else 1
        total = _NOTHING
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total = total.plus(self.introspected(selection, kind, exhaustive, count, depth))
            elif isinstance(selection, FragmentSpreadNode):
                total = total.plus(self.fragment(selection.name.value, kind, exhaustive))
            elif isinstance(selection, InlineFragmentNode):
                total = total.plus(
                    self.introspection(selection.selection_set, kind, exhaustive, depth)
                )
        return total

    def introspected(
        self, node: FieldNode, kind: str, exhaustive: bool, count: int, depth: int
    ) -> Measure:
        aliases = 1 if node.alias else 0
        edge = EDGES[kind].get(node.name.value)
        if node.selection_set is None or edge is None:
            return Measure(depth, aliases, count)  # one value for each element
        name = node.name.value
        if edge.is_list and exhaustive and edge.exhaustive:
            # Every element's list, together: every element of the next kind, once.
            inner = self.introspection(node.selection_set, edge.kind, True, depth)
            return Measure(inner.depth, aliases + inner.aliases, count + inner.fixed)
        inner = self.introspection(node.selection_set, edge.kind, False, depth)
        if not edge.is_list:
            items = count
        elif exhaustive:
            items = self.size.refs[(kind, name)]
        else:
            items = self.size.longest[(kind, name)]
        return Measure(inner.depth, aliases + inner.aliases, count + items * inner.fixed)

    def definition(self, node: FieldNode, parent: GraphQLNamedType | None) -> GraphQLField | None:
        if not isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)):
            return None
        found: GraphQLField | None = parent.fields.get(node.name.value)
        return found

    def page_size(self, node: FieldNode, definition: GraphQLField) -> int | None:
        """The page a paged field holds (its `first`), None for a field that is not paged."""
        first = definition.args.get("first")
        if first is None:
            return None
        multiplier = first.default_value if isinstance(first.default_value, int) else 1
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                multiplier = int(value.value)
            elif isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                # graphql-core takes a whole float (100.0) as an Int: count it as one.
                if isinstance(given, float) and given.is_integer():
                    given = int(given)
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
    # A variable the request leaves out takes its default: `$n: Int = 100` pages 100.
    defaults = {
        definition.variable.name.value: int(definition.default_value.value)
        for definition in operation.variable_definitions or ()
        if isinstance(definition.default_value, IntValueNode)
    }
    analysis = _Analysis(schema, fragments, {**defaults, **variables}, limits)
    measured = analysis.selections(operation.selection_set, root, 0)
    return Measure(measured.depth, measured.aliases, measured.cost)


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
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            # What the client named: strawberry's `operation_name` falls back to the first.
            name = context._provided_operation_name
            if name is None and len(operations) > 1:
                # The spec refuses it; run as it came, the first operation would answer.
                refusal: ClientError | None = ClientError("UNKNOWN_OPERATION", name=None)
            else:
                # Only the operation that runs is measured: a cheap one is not refused for a
                # costly sibling it will never execute.
                chosen = [
                    o for o in operations if name is None or (o.name and o.name.value == name)
                ]
                refusal = None
                for operation in chosen:
                    measured = measure(
                        context.schema._schema,
                        operation,
                        fragments,
                        variables=context.variables or {},
                        limits=self.limits,
                    )
                    refusal = check(measured, self.limits)
                    if refusal is not None:
                        break
            if refusal is not None:
                # Set before yielding: strawberry then skips graphql-core's validation.
                context.pre_execution_errors = [GraphQLError(refusal.code, original_error=refusal)]
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
