"""Documents prepared once (issue 14): what a repeated request no longer pays for.

The first time a document runs, it takes strawberry's whole pipeline: parsing under the token
limit, the introspection gate, the cost and depth limits, graphql-core's validation, the text
guard, execution and the presentation of errors, each a schema extension. Once a document has
run that way, it is *prepared*: its parsed tree and its operations are kept (an LRU keyed by its
text), and later requests of it go straight to graphql-core's executor after the checks that
depend on the request, not on the text:

- the cost, which reads the page sizes a request's variables give (memoised per operation and
  per set of integer variables: only `first` changes it);
- the text guard on the variables (schema/input_guard.py);
- the principal, for a document that introspects (such a document is never prepared: it takes
  the full pipeline and its gate every time; introspection is not a hot path).

Whatever would refuse or differ (an unknown operation name, an operation the HTTP method may not
run, a limit or a text refused) takes the full pipeline instead, which answers it exactly as
before: the fast path only ever runs what the full one would have run.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLSchema,
    OperationDefinitionNode,
    execute as graphql_execute,
    parse,
)
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.utils.await_maybe import await_maybe

from schema.errors import present
from schema.input_guard import refusal as text_refusal
from schema.introspection import introspects
from schema.limits import Limits, check, measure
from schema.messages import Language

__all__ = ["Prepared", "PreparedDocuments"]

_MAX_MEASURES = 16  # distinct page sizes remembered per operation


@dataclass(slots=True)
class Prepared:
    """A document that has run once through the full pipeline."""

    document: DocumentNode
    operations: dict[str | None, OperationDefinitionNode]
    fragments: dict[str, FragmentDefinitionNode]
    # (operation name, integer variables) → whether the limits admit it
    admitted: dict[tuple[str | None, tuple[tuple[str, int], ...]], bool] = field(
        default_factory=dict
    )

    def operation(self, name: str | None) -> OperationDefinitionNode | None:
        if name is None:
            # Several operations and none named: the full pipeline refuses it.
            return self.operations.get(None)
        return self.operations.get(name)

    def within_limits(
        self,
        schema: GraphQLSchema,
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any],
        limits: Limits,
    ) -> bool:
        key = (
            operation.name.value if operation.name else None,
            # Every number a request gives (a whole float counts as an Int: `first: 100.0`).
            tuple(sorted((k, v) for k, v in variables.items() if type(v) in (int, float))),
        )
        admitted = self.admitted.get(key)
        if admitted is None:
            measured = measure(
                schema, operation, self.fragments, variables=variables, limits=limits
            )
            admitted = check(measured, limits) is None
            if len(self.admitted) < _MAX_MEASURES:
                self.admitted[key] = admitted
        return admitted


def _prepare(query: str) -> Prepared | None:
    document = parse(query)
    if introspects(document):
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    by_name: dict[str | None, OperationDefinitionNode] = {
        o.name.value: o for o in operations if o.name is not None
    }
    if len(operations) == 1:
        by_name[None] = operations[0]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return Prepared(document=document, operations=by_name, fragments=fragments)


_OPERATION_TYPES = {
    "query": OperationType.QUERY,
    "mutation": OperationType.MUTATION,
    "subscription": OperationType.SUBSCRIPTION,
}


class PreparedDocuments:
    """The prepared documents of one schema, the most recently used ``maxsize`` of them."""

    def __init__(self, maxsize: int = 512) -> None:
        self.maxsize = maxsize
        self._documents: OrderedDict[str, Prepared | None] = OrderedDict()

    def get(self, query: str) -> Prepared | None:
        prepared = self._documents.get(query)
        if prepared is not None:
            self._documents.move_to_end(query)
        return prepared

    def remember(self, query: str) -> None:
        """Keep ``query``, which has just run through the full pipeline."""
        if query in self._documents:
            return
        self._documents[query] = _prepare(query)
        if len(self._documents) > self.maxsize:
            self._documents.popitem(last=False)

    def operation_type(self, query: str, operation_name: str | None) -> OperationType | None:
        """What ``query`` runs, if it is prepared: the HTTP layer picks its reads by it."""
        prepared = self.get(query)
        operation = prepared.operation(operation_name) if prepared else None
        return _OPERATION_TYPES[operation.operation.value] if operation else None


async def run_prepared(
    schema: GraphQLSchema,
    prepared: Prepared,
    *,
    variables: dict[str, Any] | None,
    context: Any,
    root_value: Any,
    operation_name: str | None,
    allowed: Iterable[OperationType],
    limits: Limits,
    execution_kwargs: Mapping[str, Any],
) -> ExecutionResult | None:
    """Run ``prepared``; None where the full pipeline must answer instead (see the module)."""
    operation = prepared.operation(operation_name)
    if operation is None or _OPERATION_TYPES[operation.operation.value] not in allowed:
        return None
    given = variables or {}
    if not prepared.within_limits(schema, operation, given, limits):
        return None
    if given and text_refusal(schema, prepared.document, operation, given) is not None:
        return None
    result = await await_maybe(
        graphql_execute(
            schema,
            prepared.document,
            root_value=root_value,
            context_value=context,
            variable_values=variables,
            operation_name=operation_name,
            **execution_kwargs,
        )
    )
    errors = result.errors
    if errors:
        # What ErrorPresentation does at the end of the full pipeline.
        language = getattr(context, "language", Language.VI)
        request_id = getattr(context, "request_id", "-")
        errors = [present(e, language=language, request_id=request_id) for e in errors]
    return ExecutionResult(data=result.data, errors=errors)
