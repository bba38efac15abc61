"""CSV and XLSX downloads at plain HTTP endpoints, authorized like the queries they mirror.

``/exports/plan-entries.{csv,xlsx}`` streams the approved plan list of a subtree from a
server-side cursor, for officials only. ``/exports/statistics`` and ``/exports/indicators`` run
the GraphQL operation itself, through the schema and the per-request context ``/graphql``
builds, so authorization and small-cell suppression are the same by construction; they only
flatten its answer. Every refusal is JSON with a code, as on ``/graphql``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from typing import Any

from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from api.export_params import ExportParams
from api.export_tables import (
    INDICATORS_QUERY,
    STATISTICS_QUERY,
    indicator_table,
    plan_entry_cells,
    plan_entry_header,
    statistics_table,
)
from api.graphql import GraphQLView
from api.responses import RequestRejected, language_of, rejection
from api.tabular import FORMATS, Cell, CsvTable, TableWriter
from api.xlsx import XlsxTable
from db import exports as exports_db, plans as plans_db
from planning.problems import problem
from schema.context import Context
from schema.errors import ClientError
from schema.exports import EXPORTS_PATH, INDICATORS, PLAN_ENTRIES, STATISTICS
from schema.messages import Message
from schema.node import row_id_of

logger = logging.getLogger("quyhoach.exports")
# Refusals by code; any other client mistake is a 400.
_STATUS = {"UNAUTHENTICATED": 401, "NOT_ALLOWED": 403, "OFFICIALS_ONLY": 403, "INTERNAL_ERROR": 500}
_SHEETS = {
    PLAN_ENTRIES: Message("Danh sách quy hoạch", "Approved plan list"),
    STATISTICS: Message("Thống kê", "Statistics"),
    INDICATORS: Message("Chỉ tiêu", "Indicators"),
}
RETRY_BUSY_AFTER_S = 30
Export = Callable[[Request, Context, str], Awaitable[Response]]


class ExportResponse(StreamingResponse):
    """A download: the chunks of ``body`` sent as they are made, never held together."""

    def __init__(
        self,
        body: AsyncGenerator[bytes, None],
        writer: TableWriter,
        name: str,
        cleanup: AsyncExitStack | None = None,
    ) -> None:
        filename = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{name}.{writer.extension}")
        super().__init__(
            body,
            media_type=writer.media_type,
            headers={
                "content-disposition": f'attachment; filename="{filename}"',
                "cache-control": "no-store",  # personal data stays out of shared caches
            },
        )
        self.chunks = body
        self.cleanup = cleanup or AsyncExitStack()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            # A client that hangs up mid-file leaves the generator suspended: close it, then
            # its cursor, now, while the request's session is still open, not when collected.
            # (A generator never started runs no ``finally``: the cursor is closed here.)
            await self.chunks.aclose()
            await self.cleanup.aclose()


async def _chunks(
    writer: TableWriter, batches: AsyncIterator[Sequence[Sequence[Cell]]]
) -> AsyncGenerator[bytes, None]:
    yield writer.start()
    async for batch in batches:
        yield writer.rows(batch)
    yield writer.finish()


async def _one_batch(rows: list[list[Cell]]) -> AsyncIterator[Sequence[Sequence[Cell]]]:
    yield rows


def _graphql_refusal(errors: Sequence[GraphQLError], ctx: Context) -> JSONResponse:
    """The errors of a refused operation, as the schema presented them (code, language)."""
    codes = [(e.extensions or {}).get("code") for e in errors]
    if not codes or not all(codes):  # an error the schema did not present: mask it
        error = ClientError("INTERNAL_ERROR", request_id=ctx.request_id)
        return rejection(500, error, ctx.language)
    body = [{"message": e.message, "extensions": e.extensions} for e in errors]
    return JSONResponse({"errors": body}, status_code=_STATUS.get(str(codes[0]), 400))


class Exports:
    """The export endpoints; they borrow the GraphQL view's schema and context builder."""

    def __init__(self, graphql: GraphQLView, *, max_streams: int) -> None:
        self.graphql = graphql
        self.max_streams = max_streams
        self.streams = 0  # plan lists being streamed by this process now

    def routes(self) -> list[Route]:
        return [
            Route(f"{EXPORTS_PATH}/{PLAN_ENTRIES}.{{format}}", self.plan_entries, methods=["GET"]),
            Route(f"{EXPORTS_PATH}/{STATISTICS}.{{format}}", self.statistics, methods=["GET"]),
            Route(f"{EXPORTS_PATH}/{INDICATORS}.{{format}}", self.indicators, methods=["GET"]),
        ]

    async def plan_entries(self, request: Request) -> Response:
        return await self._answer(request, self._plan_entries)

    async def statistics(self, request: Request) -> Response:
        return await self._answer(request, self._statistics)

    async def indicators(self, request: Request) -> Response:
        return await self._answer(request, self._indicators)

    async def _answer(self, request: Request, export: Export) -> Response:
        language = language_of(request.scope)
        try:
            # Exactly the context /graphql builds: same authentication, clock and language.
            ctx = await self.graphql.get_context(request, Response())
            if ctx.principal is None:
                raise RequestRejected(401, ClientError("UNAUTHENTICATED"))
            format = request.path_params["format"]
            if format not in FORMATS:
                raise ClientError("UNSUPPORTED_FORMAT", format=format)
            return await export(request, ctx, format)
        except RequestRejected as rejected:
            answer = rejection(rejected.status, rejected.error, language)
            if rejected.status == 429:
                answer.headers["retry-after"] = str(RETRY_BUSY_AFTER_S)
            return answer
        except ClientError as error:
            return rejection(_STATUS.get(error.code, 400), error, language)
        except Exception:  # masked for the client, logged with the request id, as /graphql does
            request_id = request.state.request_id
            logger.exception("export failed in request %s", request_id)
            return rejection(500, ClientError("INTERNAL_ERROR", request_id=request_id), language)

    def _writer(self, ctx: Context, name: str, format: str, header: Sequence[str]) -> TableWriter:
        if format == "csv":
            return CsvTable(header)
        return XlsxTable(header, sheet=_SHEETS[name].template(ctx.language), now=ctx.now)

    async def _plan_entries(self, request: Request, ctx: Context, format: str) -> Response:
        assert ctx.principal is not None
        if not ctx.principal.is_official:  # personal data: never through an API key
            raise ClientError("OFFICIALS_ONLY")
        params = ExportParams(request.query_params, allowed=("unit", "cycle"))
        unit_id, cycle_code = params.one("unit"), params.one("cycle")
        unit = await ctx.loaders.unit.load(row_id_of(unit_id, "Unit"))
        if unit is None:
            raise ClientError("INVALID_ID", id=unit_id, expected="Unit")
        ctx.authorize("read", "plan", unit.path)
        ctx.authorize("read", "person", unit.path)
        cycle = await ctx.db(plans_db.cycle_by_code, code=cycle_code)
        if cycle is None:
            reason = problem("UNKNOWN_CYCLE", "cycle", cycle=cycle_code)
            raise ClientError("BAD_ARGUMENTS", reason=reason)
        # Refused at once rather than queued: a client told to come back holds no connection.
        if self.streams >= self.max_streams:
            raise RequestRejected(429, ClientError("EXPORTS_BUSY", limit=self.max_streams))
        self.streams += 1
        cleanup = AsyncExitStack()
        cleanup.callback(self._stream_ended)
        # The query starts here, before the answer does: a failure to run it is still an
        # error status, not a truncated file. The cursor then lives as long as the body.
        try:
            entries = await cleanup.enter_async_context(
                exports_db.approved_entries(
                    ctx.session,
                    unit_path=unit.path,
                    cycle_id=cycle.id,
                    person_reaches=ctx.reaches("read", "person"),
                    plan_reaches=ctx.reaches("read", "plan"),
                )
            )
        except BaseException:
            await cleanup.aclose()
            raise

        async def lines() -> AsyncIterator[Sequence[Sequence[Cell]]]:
            async for batch in entries:
                yield [plan_entry_cells(entry) for entry in batch]

        writer = self._writer(ctx, PLAN_ENTRIES, format, plan_entry_header(ctx.language))
        body = _chunks(writer, lines())
        return ExportResponse(body, writer, f"{PLAN_ENTRIES}-{unit.code}-{cycle.code}", cleanup)

    def _stream_ended(self) -> None:
        self.streams -= 1

    async def _statistics(self, request: Request, ctx: Context, format: str) -> Response:
        params = ExportParams(
            request.query_params,
            allowed=("unit", "cycle", "groupBy", "filter", "includeSubmitted", "at"),
        )
        group_by = params.dimensions("groupBy")
        input: dict[str, object] = {
            "unit": params.one("unit"),
            "cycle": params.one("cycle"),
            "groupBy": group_by,
            "filter": params.filters("filter"),
        }
        if params.flag("includeSubmitted"):
            input["includeSubmitted"] = True
        if (at := params.day("at")) is not None:
            input["at"] = at
        return await self._flattened(
            ctx,
            STATISTICS,
            format,
            STATISTICS_QUERY,
            input,
            lambda d: statistics_table(d, group_by),
        )

    async def _indicators(self, request: Request, ctx: Context, format: str) -> Response:
        params = ExportParams(
            request.query_params, allowed=("unit", "cycle", "includeSubmitted", "at")
        )
        input: dict[str, object] = {"unit": params.one("unit"), "cycle": params.one("cycle")}
        if params.flag("includeSubmitted"):
            input["includeSubmitted"] = True
        if (at := params.day("at")) is not None:
            input["at"] = at
        return await self._flattened(
            ctx, INDICATORS, format, INDICATORS_QUERY, input, indicator_table
        )

    async def _flattened(
        self,
        ctx: Context,
        name: str,
        format: str,
        query: str,
        input: dict[str, object],
        flatten: Callable[[Any], tuple[list[str], list[list[Cell]]]],
    ) -> Response:
        result = await self.graphql.schema.execute(
            query, variable_values={"input": input}, context_value=ctx
        )
        if result.errors or result.data is None:
            return _graphql_refusal(result.errors or [], ctx)
        header, rows = flatten(result.data)
        writer = self._writer(ctx, name, format, header)
        return ExportResponse(_chunks(writer, _one_batch(rows)), writer, f"{name}-{input['cycle']}")
