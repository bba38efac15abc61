"""Refuse text no resolver should see: over its declared length, or holding unstorable characters.

One pass over the operation about to run, after graphql-core has validated it and before any
resolver runs: every string given to a text argument or input field (``String``, ``ID``, a
date), whether written in the document, passed as a variable, or left to a variable's default,
is checked against that field's ``@maxLength`` and against the characters no stored text may hold
(schema/text_limits.py). A refusal is ``BAD_USER_INPUT`` naming the field as a path into the
arguments (``input.fullName``, ``input.filter[0].values[1]``), and nothing runs, so a NUL can
no longer reach PostgreSQL and answer 500.

Linear in the document (each fragment is walked once) and in the variables (each value is
looked at once per place it is used).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLArgument,
    GraphQLError,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
)
from graphql.type.definition import GraphQLInterfaceType
from strawberry.extensions import SchemaExtension

from planning.problems import problem
from schema.errors import ClientError
from schema.messages import Language
from schema.text_limits import max_length, unstorable_character

__all__ = ["InputGuard", "InputRefused", "text_problem"]


class InputRefused(ClientError):
    """``BAD_USER_INPUT``: one argument or input field refused; ``field`` is its path."""

    def __init__(self, field: str, reason: Any) -> None:
        super().__init__("BAD_USER_INPUT", field=field, reason=reason)
        self.field = field

    def extensions(self, language: Language) -> dict[str, object]:
        return {**super().extensions(language), "field": self.field}


def text_problem(value: str, field: str, most: int) -> InputRefused | None:
    """Why the text ``value`` of ``field`` is refused, if it is."""
    character = unstorable_character(value)
    if character is not None:
        return InputRefused(field, problem("UNSTORABLE_CHARACTER", field, character=character))
    if len(value) > most:
        return InputRefused(field, problem("TEXT_TOO_LONG", field, most=most, length=len(value)))
    return None


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        document: Any,
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.defaults = {
            d.variable.name.value: d.default_value for d in operation.variable_definitions or ()
        }
        self.variables = variables
        self.walked: set[str] = set()

    def selections(self, selection_set: SelectionSetNode, parent: GraphQLNamedType | None) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                self.field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                narrowed = self.schema.get_type(condition.name.value) if condition else parent
                self.selections(selection.selection_set, narrowed)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                definition = self.fragments.get(name)
                if definition is None or name in self.walked:
                    continue
                self.walked.add(name)
                on = self.schema.get_type(definition.type_condition.name.value)
                self.selections(definition.selection_set, on)

    def field(self, node: FieldNode, parent: GraphQLNamedType | None) -> None:
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return
        definition = parent.fields.get(node.name.value)
        if definition is None:
            return
        for argument in node.arguments or ():
            name = argument.name.value
            argument_definition = definition.args.get(name)
            if argument_definition is not None:
                self.literal(argument.value, argument_definition, name)
        if node.selection_set is not None:
            self.selections(node.selection_set, get_named_type(definition.type))

    def literal(
        self,
        node: ValueNode | None,
        owner: GraphQLArgument | GraphQLInputField,
        path: str,
        type_: GraphQLInputType | None = None,
    ) -> None:
        """Check a value written in the document against the type ``owner`` declares."""
        expected: Any = get_nullable_type(type_ if type_ is not None else owner.type)
        if isinstance(node, VariableNode):
            name = node.name.value
            if name in self.variables:
                self.given(self.variables[name], owner, path, expected)
            else:
                self.literal(self.defaults.get(name), owner, path, expected)
        elif isinstance(node, ListValueNode) and isinstance(expected, GraphQLList):
            for index, item in enumerate(node.values):
                self.literal(item, owner, f"{path}[{index}]", expected.of_type)
        elif isinstance(node, ListValueNode) or node is None:
            return
        elif isinstance(expected, GraphQLList):
            self.literal(node, owner, path, expected.of_type)  # one item given as the list
        elif isinstance(node, ObjectValueNode) and isinstance(expected, GraphQLInputObjectType):
            for field in node.fields:
                name = field.name.value
                inner = expected.fields.get(name)
                if inner is not None:
                    self.literal(field.value, inner, f"{path}.{name}")
        elif isinstance(node, StringValueNode):
            self.text(node.value, owner, path)

    def given(
        self,
        value: Any,
        owner: GraphQLArgument | GraphQLInputField,
        path: str,
        type_: GraphQLInputType,
    ) -> None:
        """Check a variable's value (JSON as the client sent it) at the place it is used."""
        expected: Any = get_nullable_type(type_)
        if isinstance(expected, GraphQLList):
            if isinstance(value, list):
                for index, item in enumerate(value):
                    self.given(item, owner, f"{path}[{index}]", expected.of_type)
            else:
                self.given(value, owner, path, expected.of_type)
        elif isinstance(expected, GraphQLInputObjectType):
            if isinstance(value, dict):
                for name, inner in expected.fields.items():
                    if name in value:
                        self.given(value[name], inner, f"{path}.{name}", inner.type)
        elif isinstance(value, str):
            self.text(value, owner, path)

    def text(self, value: str, owner: GraphQLArgument | GraphQLInputField, path: str) -> None:
        most = max_length(owner)
        if most is None:
            return  # not a text field (Date, an enum…): its own coercion refuses a bad value
        refused = text_problem(value, path, most)
        if refused is not None:
            raise refused


def refusal(
    schema: GraphQLSchema,
    document: Any,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any],
) -> InputRefused | None:
    """The first text of ``operation`` that is refused, if any."""
    walk = _Walk(schema, document, operation, variables)
    try:
        walk.selections(operation.selection_set, schema.get_root_type(operation.operation))
    except InputRefused as refused:
        return refused
    return None


class InputGuard(SchemaExtension):
    """Refuse the operation before execution when a text argument breaks its limits."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.result is None:
            operation = _operation(document, context.operation_name)
            if operation is not None:
                variables = context.variables or {}
                refused = refusal(context.schema._schema, document, operation, variables)
                if refused is not None:
                    # Set before yielding: strawberry then answers it instead of executing.
                    error = GraphQLError(refused.code, original_error=refused)
                    context.result = ExecutionResult(data=None, errors=[error])
        yield


def _operation(document: Any, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == name), None)
