"""The GraphQL endpoint: strawberry's ASGI view, with strict request parsing and JSON errors.

Every malformed request gets a 4xx JSON answer with a stable code, in the caller's language,
before any GraphQL runs; an operation refused before execution (syntax, validation, limits)
answers 400, as the GraphQL-over-HTTP draft does for ``application/graphql-response+json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, cast

import orjson
import strawberry
from cross_web import AsyncHTTPRequestAdapter, HTTPException, StarletteRequestAdapter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from api.auth import authenticate
from api.live import Live, LiveHandler, LiveSocket
from api.middleware import client_address
from api.responses import RequestRejected, language_of, rejection
from api.trusted_documents import TrustedDocuments, names_a_document
from db import Session, rls
from db.access_cache import PrincipalCache
from db.reader import Deferred, PoolReader, PoolReads
from planning.problems import Problem, problem
from planning.reorganisation import ShippedReform
from planning.rulesets import RuleSet
from schema.access.services import AccessServices
from schema.context import Context
from schema.errors import ClientError, present
from schema.live.connection import LiveConnection, LiveServices
from schema.messages import Language
from schema.prepared import PreparedDocuments
from schema.scalars import VIETNAM_TIME

MAX_JSON_DEPTH = 64
Clock = Callable[[], datetime]
# strawberry's GraphiQL page, whose subscriptions log in in connection_init (api/live.py).
GRAPHIQL_PAGE = Path(__file__).with_name("graphiql.html")


@cache
def graphiql_page() -> str:
    return GRAPHIQL_PAGE.read_text(encoding="utf-8")


def vietnam_now() -> datetime:
    return datetime.now(UTC).astimezone(VIETNAM_TIME)


def _bad_request(reason: Problem | str) -> RequestRejected:
    """INVALID_REQUEST for ``reason``: a problem code, or strawberry's own English wording."""
    return RequestRejected(400, ClientError("INVALID_REQUEST", reason=reason))


def _json_depth_exceeds(value: object, limit: int) -> bool:
    # Iterative, so the check itself cannot exhaust the stack.
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


class _RequestAdapter(StarletteRequestAdapter):
    """strawberry's view of a request, with the request's session (api/middleware.py)."""

    @property
    def session(self) -> Session:
        session: Session = self._request.state.session
        return session


class GraphQLView(GraphQL[Context, None]):
    request_adapter_class = _RequestAdapter
    # strawberry types one context for both kinds of request; a WebSocket's is LiveConnection.
    graphql_transport_ws_handler_class = LiveHandler  # type: ignore[assignment]
    websocket_adapter_class = LiveSocket

    def __init__(
        self,
        schema: strawberry.Schema,
        *,
        graphiql: bool,
        clock: Clock,
        access: AccessServices,
        principals: PrincipalCache,
        rule_sets: Mapping[str, RuleSet],
        shipped_reform: Callable[[str], ShippedReform | None],
        documents: TrustedDocuments,
        live: Live,
        live_services: LiveServices,
        reads: Deferred[PoolReads] | None = None,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if graphiql else None,
            # The protocol current clients speak; the legacy one (subscriptions-transport-ws)
            # is unmaintained and not offered.
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=live.init_timeout,
        )
        self.live = live
        self.live_services = live_services
        self.documents = documents
        self.reads = reads
        self.clock = clock
        self.access = access
        self.principals = principals
        self.rule_sets = rule_sets
        self.shipped_reform = shipped_reform

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except RequestRejected as rejected:
            await rejection(rejected.status, rejected.error, language_of(scope))(
                scope, receive, send
            )

    async def run(self, request: Any, context: Any = None, root_value: Any = None) -> Any:
        try:
            return await super().run(request)
        except HTTPException as e:  # strawberry's own refusals (method, IDE disabled)
            if e.status_code == 405:
                detail = problem("ONLY_GET_AND_POST")
                raise RequestRejected(
                    405, ClientError("METHOD_NOT_ALLOWED", method=request.method, detail=detail)
                ) from None
            if e.status_code == 404:
                raise RequestRejected(404, ClientError("NOT_FOUND")) from None
            raise _bad_request(e.reason) from None

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(graphiql_page())

    def should_render_graphql_ide(self, request: Any) -> bool:
        # A GET naming a registered document (no `query`) is a request, not a browser.
        return super().should_render_graphql_ide(request) and not names_a_document(
            request.query_params
        )

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        if isinstance(request, WebSocket):
            # Who is calling comes in connection_init (api/live.py), not in the handshake.
            return cast(
                Context,
                LiveConnection(
                    self.live_services,
                    language=Language.from_accept_language(request.headers.get("accept-language")),
                    client_address=client_address(request.scope),
                ),
            )
        now = self.clock()
        session = request.state.session
        principal = await authenticate(
            request.headers.get("authorization"),
            session=session,
            access=self.access,
            cache=self.principals,
            now=now,
        )
        # The second wall: every transaction of this request reads only the caller's units.
        await rls.enter(session, rls.scope_of(principal))
        return Context(
            session=session,
            now=now,
            access=self.access,
            principal=principal,
            rule_sets=self.rule_sets,
            shipped_reform=self.shipped_reform,
            language=Language.from_accept_language(request.headers.get("accept-language")),
            request_id=request.state.request_id,
            client_address=client_address(request.scope),
        )

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        try:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
        except UnicodeDecodeError:
            raise RequestRejected(400, ClientError("INVALID_UTF8")) from None
        try:
            value = json.loads(text)
        except RecursionError:
            raise RequestRejected(400, ClientError("JSON_TOO_DEEP", limit=MAX_JSON_DEPTH)) from None
        except ValueError:
            raise RequestRejected(400, ClientError("INVALID_JSON")) from None
        if _json_depth_exceeds(value, MAX_JSON_DEPTH):
            raise RequestRejected(400, ClientError("JSON_TOO_DEEP", limit=MAX_JSON_DEPTH))
        return value

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData:
        if request.method == "GET":
            data: object = self.parse_query_params(request.query_params)
        else:
            content_type, _ = parse_content_type(request.content_type or "")
            if content_type != "application/json":
                raise RequestRejected(415, ClientError("UNSUPPORTED_MEDIA_TYPE"))
            data = self.parse_json(await request.get_body())
        if isinstance(data, list):
            raise RequestRejected(400, ClientError("BATCHING_NOT_SUPPORTED"))
        if not isinstance(data, dict):
            raise _bad_request(problem("BODY_NOT_OBJECT"))
        # A registered document's id becomes its text; QUYHOACH_TRUSTED_DOCUMENTS may refuse.
        session = cast(_RequestAdapter, request).session
        query = await self.documents.query_of(data, session)
        if query is None or (isinstance(query, str) and not query.strip()):
            raise RequestRejected(400, ClientError("MISSING_QUERY"))
        if not isinstance(query, str):
            raise _bad_request(problem("QUERY_NOT_STRING", "query"))
        variables, operation_name = data.get("variables"), data.get("operationName")
        if not isinstance(variables, dict | None):
            raise _bad_request(problem("VARIABLES_NOT_OBJECT", "variables"))
        if not isinstance(operation_name, str | None):
            raise _bad_request(problem("OPERATION_NAME_NOT_STRING", "operationName"))
        extensions = data.get("extensions")
        if not isinstance(extensions, dict | None):
            raise _bad_request(problem("EXTENSIONS_NOT_OBJECT", "extensions"))
        return GraphQLRequestData(
            query=query, variables=variables, operation_name=operation_name, extensions=extensions
        )

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        pooled: PoolReader | None = None
        if self._only_reads(request_data):
            # The answer goes out as JSON: parts of it may come composed by PostgreSQL.
            context = replace(context, composed_json=True)
            if self.reads is not None and self.reads.ready:
                # A query reads through the process's pool, one round trip per statement and
                # no transaction (db/reader.py); a mutation keeps the session, to read its own
                # writes.
                pooled = self.reads.get().reader(rls.scope_of(context.principal))
                context = replace(context, reader=pooled)
        try:
            return await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        except HTTPException as e:
            cause = e.__cause__
            if isinstance(cause, CannotGetOperationTypeError):
                error = ClientError("UNKNOWN_OPERATION", name=request_data.operation_name)
                raise RequestRejected(400, error) from None
            if isinstance(cause, InvalidOperationTypeError):
                detail = problem("QUERIES_ONLY_OVER_GET")
                error = ClientError(
                    "METHOD_NOT_ALLOWED", method=request_adapter.method, detail=detail
                )
                raise RequestRejected(405, error) from None
            raise
        finally:
            if pooled is not None:
                await pooled.release()

    def _only_reads(self, request_data: GraphQLRequestData) -> bool:
        prepared = getattr(self.schema, "prepared", None)
        if not isinstance(prepared, PreparedDocuments) or request_data.query is None:
            return False
        kind = prepared.operation_type(request_data.query, request_data.operation_name)
        return kind is OperationType.QUERY

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        if result.errors:
            # The schema presents every error it sees; one raised where its extensions
            # could not see it (a failing extension) arrives without a code: mask it.
            result.errors = [
                e
                if (e.extensions or {}).get("code")
                else present(e, language=Language.VI, request_id=request.state.request_id)
                for e in result.errors
            ]
        response = await super().process_result(request, result)
        if result.data is None and result.errors:
            # Nothing ran, or the operation failed as a whole: the answer is not a success.
            codes = {(e.extensions or {}).get("code") for e in result.errors}
            request.state.sub_response.status_code = 500 if "INTERNAL_ERROR" in codes else 400
        return response

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        # Kept on the request so that process_result can set the status of the answer.
        sub_response = await super().get_sub_response(request)
        request.state.sub_response = sub_response
        return sub_response
