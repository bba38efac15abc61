"""Read resolvers of logins and grants: who am I, and the accounts of my subtree."""

from __future__ import annotations

import strawberry

from db import access as access_db
from db.models import AppUser
from schema.access.types import ApiKey, RoleGrant, User, Viewer
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
from schema.permissions import logged_in, official


@described(cursor="Pass as `after` to read the users after this one.", node="The user.")
@strawberry.type(description="A user in a page of users, with its cursor.")
class UserEdge(Edge[User]):
    pass


@described(
    edges="The users of this page, in order.",
    page_info="Whether more pages follow, and cursors.",
    total_count="How many users the list holds, over all pages (one more statement).",
)
@strawberry.type(description="A page of users (Relay connection), ordered by username.")
class UserConnection(CountedConnection[UserEdge]):
    pass


@strawberry.type
class AccessQuery:
    @strawberry.field(
        description="Who is calling, with the roles held and what each allows.",
        extensions=logged_in(),
    )
    async def viewer(self, info: strawberry.Info[Context, None]) -> Viewer:
        ctx = info.context
        principal = ctx.principal
        assert principal is not None  # logged_in()
        grants = []
        if principal.user_id is not None:
            users = await ctx.db(access_db.users_by_ids, [principal.user_id])
            user_row = users[principal.user_id]
            rows = await ctx.loaders.grants_of_user.load(principal.user_id)
            grants = [RoleGrant.from_row(row) for row in rows]
            return Viewer(user=User.from_row(user_row), api_key=None, grants=grants)
        assert principal.api_key_id is not None
        key = await ctx.db(access_db.api_key, key_id=principal.api_key_id)
        assert key is not None
        return Viewer(user=None, api_key=ApiKey.from_row(key), grants=[])

    @strawberry.field(
        description="The accounts of the units you may see (ordered by username); with "
        "`unit`, only those inside that unit's subtree.",
        extensions=official(),
    )
    async def users(
        self,
        info: strawberry.Info[Context, None],
        unit: strawberry.ID | None = None,
        first: int | None = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> UserConnection:
        ctx = info.context
        request = page_request(first, after, BY_TEXT)
        unit_path = None
        if unit is not None:
            unit_path = await ctx.db(access_db.unit_path, unit_id=row_id_of(unit, "Unit"))

        async def rows() -> list[AppUser]:
            if unit is not None and unit_path is None:
                return []  # no such unit: nobody in it
            return await ctx.db(
                access_db.users_page,
                reaches=ctx.reaches("read", "user"),
                unit_path=unit_path,
                after=request.after,
                limit=request.fetch,
            )

        async def count() -> int:
            if unit is not None and unit_path is None:
                return 0
            return await ctx.db(
                access_db.users_count, reaches=ctx.reaches("read", "user"), unit_path=unit_path
            )

        return UserConnection(
            page=paginate(
                request,
                rows,
                key=lambda row: (row.username, row.id),
                node=User.from_row,
                edge=UserEdge,
            ),
            count=Once(count),
        )
