"""Searching cadre records, scoped in SQL to the units the caller may read."""

from __future__ import annotations

import strawberry

from db import access as access_db, persons as persons_db
from schema.context import Context
from schema.node import row_id_of
from schema.pagination import (
    DEFAULT_PAGE_SIZE,
    PageInfo,
    decode_cursor,
    encode_cursor,
    page_info,
    page_size,
)
from schema.permissions import official
from schema.persons.types import Person
from schema.units.queries import search_words


@strawberry.type(description="A person in a page of persons, with its cursor.")
class PersonEdge:
    cursor: str = strawberry.field(description="Pass as `after` to read what follows.")
    node: Person = strawberry.field(description="The person.")


@strawberry.type(description="A page of persons (Relay connection), ordered by name.")
class PersonConnection:
    edges: list[PersonEdge] = strawberry.field(description="The persons of this page, in order.")
    page_info: PageInfo = strawberry.field(description="Whether more pages follow, and cursors.")


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
        limit = page_size(first)
        position = decode_cursor(after)
        words = search_words(search)
        unit_path = None
        if unit is not None:
            unit_path = await ctx.db(access_db.unit_path, unit_id=row_id_of(unit, "Unit"))
        rows = []
        if unit is None or unit_path is not None:
            rows = await ctx.db(
                persons_db.page,
                reaches=ctx.reaches("read", "person"),
                words=words,
                unit_path=unit_path,
                after=position,
                limit=limit + 1,
            )
        edges = [
            PersonEdge(cursor=encode_cursor(row.full_name, row.id), node=Person.from_row(row))
            for row in rows[:limit]
        ]
        return PersonConnection(
            edges=edges,
            page_info=page_info(
                [edge.cursor for edge in edges],
                fetched=len(rows),
                limit=limit,
                had_previous=position is not None,
            ),
        )
