"""Links to the CSV and XLSX downloads (tải về) that mirror the plan list and statistics.

The files themselves are served over plain HTTP (a million rows is no GraphQL answer); the
schema only says where they are and which of them the viewer may fetch, so clients never guess.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

import strawberry

from db import plans as plans_db
from planning.problems import problem
from schema.context import Context
from schema.errors import ClientError
from schema.node import row_id_of
from schema.permissions import logged_in

EXPORTS_PATH = "/exports"
PLAN_ENTRIES = "plan-entries"
STATISTICS = "statistics"
INDICATORS = "indicators"


def export_url(name: str, format: str, params: list[tuple[str, str]]) -> str:
    """The relative URL of export ``name`` in ``format`` with its query parameters."""
    return f"{EXPORTS_PATH}/{name}.{format}?{urlencode(params)}"


@strawberry.type(
    description="Downloads of a unit's subtree for a cycle (tải về): URLs relative to this "
    "server, fetched with the same `Authorization: Bearer …` header (access token or API key) "
    "as `/graphql`, and streamed whatever their size. CSV is UTF-8 with a byte order mark (Excel "
    "shows Vietnamese intact); XLSX is an Excel workbook. A link is null where you may not "
    "fetch it."
)
class ExportLinks:
    plan_entries_csv: str | None = strawberry.field(
        description="The approved plan list (danh sách quy hoạch đã phê duyệt) as CSV: the "
        "active entries of the approved plans, one line per person and position. Personal "
        "data: null for API keys (integrators) and outside the units whose persons you may read."
    )
    plan_entries_xlsx: str | None = strawberry.field(
        description="The approved plan list as XLSX (see `planEntriesCsv`)."
    )
    statistics_csv: str | None = strawberry.field(
        description="Statistics (thống kê) as CSV: the rows and total `statistics` answers; add "
        "`groupBy` (repeatable), `filter=DIMENSION:value1,value2`, `at=YYYY-MM-DD` or "
        "`includeSubmitted=true` to the URL. Small cells are suppressed for integrators "
        "exactly as in `statistics`."
    )
    statistics_xlsx: str | None = strawberry.field(
        description="Statistics as XLSX (see `statisticsCsv`)."
    )
    indicators_csv: str | None = strawberry.field(
        description="The indicators and their targets (chỉ tiêu cơ cấu) as CSV, as "
        "`indicators` answers; `at=YYYY-MM-DD` or `includeSubmitted=true` may be added."
    )
    indicators_xlsx: str | None = strawberry.field(
        description="The indicators as XLSX (see `indicatorsCsv`)."
    )


@strawberry.type
class ExportQuery:
    @strawberry.field(
        description="Where to download the approved plan list, statistics and indicators "
        "(danh sách quy hoạch, thống kê, chỉ tiêu) of a unit's subtree for a cycle, as CSV or "
        "XLSX.",
        extensions=logged_in(),
    )
    async def export_links(
        self,
        info: strawberry.Info[Context, None],
        unit: Annotated[
            strawberry.ID, strawberry.argument(description="The unit whose subtree to export.")
        ],
        cycle: Annotated[str, strawberry.argument(description="The cycle, e.g. `2030-2035`.")],
    ) -> ExportLinks:
        ctx = info.context
        row = await ctx.loaders.unit.load(row_id_of(unit, "Unit"))
        if row is None:
            raise ClientError("INVALID_ID", id=unit, expected="Unit")
        if await ctx.db(plans_db.cycle_by_code, code=cycle) is None:
            reason = problem("UNKNOWN_CYCLE", "cycle", cycle=cycle)
            raise ClientError("BAD_ARGUMENTS", reason=reason)
        params = [("unit", str(unit)), ("cycle", cycle)]
        official = ctx.principal is not None and ctx.principal.is_official
        personal = ctx.allows("read", "person", row.path) and ctx.allows("read", "plan", row.path)
        counted = ctx.allows("read", "statistics", row.path)

        def link(name: str, format: str, available: bool) -> str | None:
            return export_url(name, format, params) if available else None

        return ExportLinks(
            plan_entries_csv=link(PLAN_ENTRIES, "csv", official and personal),
            plan_entries_xlsx=link(PLAN_ENTRIES, "xlsx", official and personal),
            statistics_csv=link(STATISTICS, "csv", counted),
            statistics_xlsx=link(STATISTICS, "xlsx", counted),
            indicators_csv=link(INDICATORS, "csv", counted),
            indicators_xlsx=link(INDICATORS, "xlsx", counted),
        )
