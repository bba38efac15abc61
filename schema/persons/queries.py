"""Searching cadre records, scoped in SQL to the units the caller may read; and finding one
nationally by its national id, personal data only within that scope."""

from __future__ import annotations

from typing import Annotated

import strawberry

from db import access as access_db, persons as persons_db, rls
from db.plan_models import Person as PersonRow
from planning.persons import NATIONAL_ID
from planning.problems import problem
from schema.context import Context
from schema.messages import text
from schema.node import row_id_of, to_global_id
from schema.outcomes import ValidationFailed, validation_failed
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
from schema.persons.types import Person, PersonNotRegistered, PersonRegisteredElsewhere
from schema.search import search_words
from schema.units.types import Unit, tree_date

PersonLookupResult = Annotated[
    Person | PersonRegisteredElsewhere | PersonNotRegistered | ValidationFailed,
    strawberry.union(
        "PersonLookupResult",
        description="The person, if you may read their record; else only whether and where "
        "the national id is registered; or why the id is not one.",
    ),
]


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

    @strawberry.field(
        description="Find a cadre nationally by national id (số định danh cá nhân), e.g. a "
        "person coming from another province: the record if its unit is in your scope; else "
        "only that it is registered elsewhere and which province to ask, or that it is not "
        "registered. Officials only, never API keys.",
        extensions=official(),
    )
    async def person_by_national_id(
        self,
        info: strawberry.Info[Context, None],
        national_id: Annotated[
            str, strawberry.argument(description="The 12 digits of the căn cước công dân.")
        ],
    ) -> PersonLookupResult:
        ctx = info.context
        given = national_id.strip()
        if not NATIONAL_ID.fullmatch(given):
            return validation_failed(ctx, [problem("BAD_NATIONAL_ID", "nationalId")])
        # Found wherever it is; outside the caller's scope only where it is is answered.
        row = await ctx.db(rls.across(rls.IDENTITY, persons_db.by_national_id), national_id=given)
        if row is None:
            return PersonNotRegistered(message=text("PERSON_NOT_REGISTERED", ctx.language))
        path = await ctx.db(access_db.unit_path, unit_id=row.unit_id)
        if path is not None and ctx.allows("read", "person", path):
            return Person.from_row(row)
        # Outside the caller's scope: where the record is, never what it holds (DOMAIN.md A.8).
        holder = await ctx.db(persons_db.holding_province, unit_id=row.unit_id)
        assert holder is not None  # the person's unit is a foreign key
        return PersonRegisteredElsewhere(
            message=text("PERSON_ELSEWHERE", ctx.language, province=holder.name),
            person=to_global_id("Person", row.id),
            province=Unit.from_row(holder, at=tree_date(holder, None, ctx.today)),
        )
