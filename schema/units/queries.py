"""Read resolvers of the unit hierarchy."""

from __future__ import annotations

from datetime import date

import strawberry

from db import units as units_db
from planning.problems import problem
from schema.context import Context
from schema.enums import UnitKind
from schema.errors import ClientError
from schema.node import row_id_of
from schema.pagination import BY_TEXT, DEFAULT_PAGE_SIZE, page_request
from schema.permissions import logged_in
from schema.search import search_words
from schema.units.types import Unit, UnitConnection, tree_date, unit_connection


@strawberry.type
class UnitQuery:
    @strawberry.field(
        description="One unit, by global `id` or by GSO `code` (the unit that bore the code on "
        "`at`, default today). Give exactly one of `id` and `code`. Without `at`, a code no "
        "unit bears today (an abolished district, a merged commune) answers the unit that bore "
        "it last: its `validTo` says when it closed, its `successors` where it went. With "
        "`at`, only the unit of that day answers (null if none).",
        extensions=logged_in(),
    )
    async def unit(
        self,
        info: strawberry.Info[Context, None],
        id: strawberry.ID | None = None,
        code: str | None = None,
        at: date | None = None,
    ) -> Unit | None:
        ctx = info.context
        if (id is None) == (code is None):
            raise ClientError("BAD_ARGUMENTS", reason=problem("ID_OR_CODE"))
        if id is not None:
            row = await ctx.loaders.unit.load(row_id_of(id, "Unit"))
        else:
            row = await ctx.db(units_db.by_code, code=code or "", at=at or ctx.today)
            if row is None and at is None:
                row = await ctx.db(units_db.last_by_code, code=code or "", before=ctx.today)
        return Unit.from_row(row, at=tree_date(row, at, ctx.today)) if row else None

    @strawberry.field(
        description="Units of the tree valid on `at` (default today), ordered by code: "
        "filtered by `kind`, by `parent` (its direct children), and by `search` "
        "(accent- and case-insensitive word prefixes: `quang yen` finds `Thị xã Quảng Yên`). "
        "The unit tree is public reference data: any login may read all of it.",
        extensions=logged_in(),
    )
    async def units(
        self,
        info: strawberry.Info[Context, None],
        kind: UnitKind | None = None,
        parent: strawberry.ID | None = None,
        search: str | None = None,
        at: date | None = None,
        first: int | None = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> UnitConnection:
        ctx = info.context
        request = page_request(first, after, BY_TEXT)
        words = search_words(search)
        day = at or ctx.today
        parent_id = row_id_of(parent, "Unit") if parent is not None else None
        where = units_db.UnitFilter(at=day, kind=kind, parent_id=parent_id, words=words)
        return unit_connection(
            request,
            lambda: ctx.db(units_db.page, where=where, after=request.after, limit=request.fetch),
            count=lambda: ctx.db(units_db.count, where=where),
            at=day,
        )
