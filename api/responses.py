"""JSON error answers given before (or instead of) GraphQL execution."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import Scope

from schema.errors import ClientError
from schema.messages import Language


class RequestRejected(Exception):
    """A request refused at the transport level, with its HTTP status."""

    def __init__(self, status: int, error: ClientError) -> None:
        super().__init__(error.code)
        self.status = status
        self.error = error


def language_of(scope: Scope) -> Language:
    return Language.from_accept_language(Headers(scope=scope).get("accept-language"))


def rejection(status: int, error: ClientError, language: Language) -> JSONResponse:
    """The GraphQL-over-HTTP shape: ``{"errors": [{message, extensions: {code, ...}}]}``."""
    return JSONResponse({"errors": [error.as_json(language)]}, status_code=status)
