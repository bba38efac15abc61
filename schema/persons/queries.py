"""Searching cadre records, scoped in SQL to the units the caller may read."""

from __future__ import annotations

import strawberry

from db import access as access_db, persons as persons_db
from db.plan_models import Person as PersonRow
from schema.context import Context
from schema.node import row_id_of
from schema.pagination import (
    BY_TEXT,
    DEFAULT_PAGE_SIZE,
    CountedConnection,
    Edge,
    Once,
    described,
    page_request,
    paginate,
)
from schema.permissions import official
from schema.persons.types import Person
from schema.search import search_words


@described(cursor="Pass as `after` to read what follows.", node="The person.")
@strawberry.type(description="A person in a page of persons, with its cursor.")
class PersonEdge(Edge[Person]):
    pass


@described(
    edges="The persons of this page, in order.",
    page_info="Whether more pages follow, and cursors.",
    total_count="How many persons match, over all pages (one more statement: ask only to show it).",
)
@strawberry.type(description="A page of persons (Relay connection), ordered by name.")
class PersonConnection(CountedConnection[PersonEdge]):
    pass


@strawberry.type
class PersonQuery:
    @strawberry.field(
        description="Cadre records of the units you may read, by name: `search` matches word "
        "prefixes without accents (`nguyen van a`), `unit` narrows to a subtree. Personal "
        "data: officials only, never API keys.",
        extensions=official(),
    )
    async def persons(
        self,
        info: strawberry.Info[Context, None],
        search: str | None = None,
        unit: strawberry.ID | None = None,
        first: int | None = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> PersonConnection:
        ctx = info.context
        request = page_request(first, after, BY_TEXT)
        words = search_words(search)
        unit_path = None
        if unit is not None:
            unit_path = await ctx.db(access_db.unit_path, unit_id=row_id_of(unit, "Unit"))

        async def rows() -> list[PersonRow]:
            if unit is not None and unit_path is None:
                return []  # no such unit: nobody in it
            return await ctx.db(
                persons_db.page,
                reaches=ctx.reaches("read", "person"),
                words=words,
                unit_path=unit_path,
                after=request.after,
                limit=request.fetch,
            )

        async def count() -> int:
            if unit is not None and unit_path is None:
                return 0
            return await ctx.db(
                persons_db.count,
                reaches=ctx.reaches("read", "person"),
                words=words,
                unit_path=unit_path,
            )

        return PersonConnection(
            page=paginate(
                request,
                rows,
                key=lambda row: (row.full_name, row.id),
                node=Person.from_row,
                edge=PersonEdge,
            ),
            count=Once(count),
        )
