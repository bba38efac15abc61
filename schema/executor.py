"""strawberry's executor, with plain attributes answered as plain attributes (issue 14).

For every field, graphql-core builds a ``GraphQLResolveInfo``, calls the field's resolver, asks
whether the result is awaitable and dispatches on the field's type to complete it. For a field
that only reads an attribute (strawberry's "basic" fields: no resolver, no extension, no
argument) and whose type is a scalar or an enum, all of that amounts to ``getattr`` and the
type's ``serialize``: a page of 50 entries with their people and positions has some 600 of them,
and they were a third of its time. Those are answered directly; anything else (an error, a null
where the type forbids it, a value the type cannot serialize) goes to graphql-core's own path,
which answers it exactly as before.
"""

from __future__ import annotations

from typing import Any, NamedTuple, TypeVar, cast

import orjson
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    Undefined,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.plans.shaped import Shaped

__all__ = ["InContext", "PlainFieldsExecutor", "answered_in"]

T = TypeVar("T")


class InContext(NamedTuple):
    """A subscription's event with the context it is answered in (schema/live/): each event is
    read in a moment of its own (its session, its clock, the subscriber's scope now), never in
    the connection's, which outlives them all."""

    value: Any
    context: Any


def answered_in(value: T, context: Any) -> T:
    """What a subscription yields: ``value``, to be answered in ``context`` (typed as the value,
    which is what the schema sees once the executor has unwrapped it)."""
    return cast(T, InContext(value, context))


# GraphQLField → (attribute, serialize, nullable), or None when the field is not plain.
_PLAIN: dict[int, tuple[str, Any, bool] | None] = {}


def _plain(field: GraphQLField) -> tuple[str, Any, bool] | None:
    if field.args or not getattr(field.resolve, "_is_default", False):
        return None
    definition = (field.extensions or {}).get("strawberry-definition")
    if definition is None or definition.extensions:
        return None
    nullable = not isinstance(field.type, GraphQLNonNull)
    leaf = field.type if nullable else field.type.of_type  # type: ignore[union-attr]
    if not isinstance(leaf, GraphQLScalarType | GraphQLEnumType):
        return None
    return definition.python_name, leaf.serialize, nullable


class PlainFieldsExecutor(StrawberryGraphQLCoreExecutionContext):
    def complete_value(
        self,
        return_type: Any,
        field_details_list: Any,
        info: Any,
        path: Any,
        result: Any,
        position_context: Any,
    ) -> Any:
        if isinstance(result, Shaped):
            # Composed by PostgreSQL for this very selection (schema/plans/shaped.py).
            return orjson.Fragment(str(result))
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def build_per_event_executor(self, payload: Any) -> Any:
        executor = super().build_per_event_executor(payload)
        if isinstance(payload, InContext):
            executor.root_value, executor.context_value = payload
        return executor

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Any,
        position_context: Any,
    ) -> Any:
        if len(field_details_list) == 1 and not self.middleware_manager:
            node = field_details_list[0].node
            field = parent_type.fields.get(node.name.value)
            if field is not None and not node.arguments:
                key = id(field)
                plain = _PLAIN[key] if key in _PLAIN else _PLAIN.setdefault(key, _plain(field))
                if plain is not None:
                    attribute, serialize, nullable = plain
                    value = getattr(source, attribute, Undefined)
                    if value is None and nullable:
                        return None
                    if value is not None and value is not Undefined:
                        try:
                            serialized = serialize(value)
                        except Exception:  # graphql-core's path reports it as it does
                            serialized = None
                        if serialized is not None and serialized is not Undefined:
                            return serialized
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )
