"""Who may introspect the schema: everyone (development), logged-in officials, or nobody.

A production server is closed by default (api/settings.py): the schema is the map of what an
attacker can ask, and officials who build against it can log in to read it. ``__typename`` is
not introspection of the schema and stays allowed everywhere.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator

from graphql import (
    DocumentNode,
    ExecutableDefinitionNode,
    FieldNode,
    GraphQLError,
    InlineFragmentNode,
    SelectionSetNode,
)
from strawberry.extensions import SchemaExtension

from planning.access import Principal
from schema.errors import ClientError

_INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


class Introspection(enum.Enum):
    OPEN = "open"  # anyone, logged in or not (development)
    OFFICIALS = "officials"  # logged-in officials only (production, when enabled)
    CLOSED = "closed"  # nobody (production by default)


def introspects(document: DocumentNode) -> bool:
    """Whether any operation or fragment of ``document`` selects ``__schema`` or ``__type``.

    Fragments are read where they are defined, so the walk is linear in the document.
    """
    stack: list[SelectionSetNode] = [
        d.selection_set for d in document.definitions if isinstance(d, ExecutableDefinitionNode)
    ]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                if selection.name.value in _INTROSPECTION_FIELDS:
                    return True
                if selection.selection_set is not None:
                    stack.append(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                stack.append(selection.selection_set)
            # A fragment spread is read where its fragment is defined.
    return False


class IntrospectionGate(SchemaExtension):
    """Refuse introspection to whoever the server's ``Introspection`` setting excludes."""

    def __init__(self, *, introspection: Introspection) -> None:
        self.introspection = introspection

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and introspects(document):
            problem = self.refusal(getattr(context.context, "principal", None))
            if problem is not None:
                # Set before yielding: strawberry then skips graphql-core's validation.
                context.pre_execution_errors = [GraphQLError(problem.code, original_error=problem)]
        yield

    def refusal(self, principal: Principal | None) -> ClientError | None:
        if self.introspection is Introspection.CLOSED:
            return ClientError("INTROSPECTION_DISABLED")
        official = principal is not None and principal.is_official
        if self.introspection is Introspection.OFFICIALS and not official:
            return ClientError("INTROSPECTION_FOR_OFFICIALS")
        return None
