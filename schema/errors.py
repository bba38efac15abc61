"""Errors a client can act on: a stable code and a message in Vietnamese and English.

Resolvers and extensions raise ``ClientError``; ``ErrorPresentation`` turns each error of a
result into the language the caller asked for and masks anything unexpected, so a bug never
leaks a traceback or a SQL fragment to a client. The messages are in schema/messages.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError

from schema.messages import Language, graphql_detail, text

__all__ = ["ClientError", "ErrorPresentation", "present"]

logger = logging.getLogger("quyhoach.errors")


class ClientError(Exception):
    """A mistake the client can fix: a stable ``code`` of the catalogue and its values.

    A value may be a ``planning.problems.Problem``, worded in the caller's language (the
    ``reason`` of BAD_ARGUMENTS and INVALID_REQUEST).
    """

    def __init__(self, code: str, **values: Any) -> None:
        super().__init__(code)
        self.code = code
        self.values = values

    def message(self, language: Language) -> str:
        return text(self.code, language, **self.values)

    def as_json(self, language: Language) -> dict[str, object]:
        """The GraphQL-over-HTTP error object for answers given outside execution."""
        return {"message": self.message(language), "extensions": self.extensions(language)}

    def extensions(self, language: Language) -> dict[str, object]:
        return {
            "code": self.code,
            "messages": {lang.value: self.message(lang) for lang in Language},
        }


# graphql-core reports its token limit as a syntax error worded like this (language/parser.py).
_TOKEN_LIMIT_WORDING = "tokens. Parsing aborted."


def _is_variable_coercion(error: GraphQLError) -> bool:
    # A variable of the wrong type fails before execution (no path), wrapping the scalar's or
    # enum's own exception; graphql-core words it "Variable '$x' got invalid value …".
    return error.path is None and error.message.startswith("Variable '$")


def present(error: GraphQLError, *, language: Language, request_id: str) -> GraphQLError:
    """Return ``error`` as a client sees it: localised, coded, and masked if unexpected."""
    original = error.original_error
    if isinstance(original, ClientError):
        client_error = original
    elif isinstance(original, InvalidOperationTypeError):
        # Only a transport that runs some operation types asks strawberry to refuse the rest:
        # the WebSocket, which runs subscriptions (api/live.py).
        client_error = ClientError("SUBSCRIPTIONS_ONLY")
    elif isinstance(original, CannotGetOperationTypeError):
        client_error = ClientError("UNKNOWN_OPERATION", name=original.operation_name)
    elif original is None and _TOKEN_LIMIT_WORDING in error.message:
        client_error = ClientError("TOO_MANY_TOKENS")
    elif original is None or _is_variable_coercion(error):
        # graphql-core's own parse and validation messages exist in English only.
        parse = error.message.startswith("Syntax Error")
        code = "GRAPHQL_PARSE_FAILED" if parse else "GRAPHQL_VALIDATION_FAILED"
        client_error = ClientError(code, detail=graphql_detail(error.message))
    else:
        logger.error("unexpected error in request %s", request_id, exc_info=original)
        client_error = ClientError("INTERNAL_ERROR", request_id=request_id)
    return GraphQLError(
        client_error.message(language),
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=client_error.extensions(language),
    )


class ErrorPresentation(SchemaExtension):
    """Present every error of a result with ``present``: the last step of an operation, or of
    each result a subscription streams."""

    streamed = False

    def on_operation(self) -> Iterator[None]:
        yield
        if not self.streamed:  # a stream's results were presented as they went out
            self._present(self.execution_context.result)

    def on_stream_result(self, result: Any) -> Iterator[None]:
        self.streamed = True
        self._present(result)
        yield

    def _present(self, result: Any) -> None:
        if result is None or not result.errors:
            return
        context = self.execution_context.context
        language = getattr(context, "language", Language.VI)
        request_id = getattr(context, "request_id", "-")
        result.errors = [
            present(e, language=language, request_id=request_id) for e in result.errors
        ]
