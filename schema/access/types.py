"""GraphQL types of logins and grants: users, roles, grants, API keys, and their outcomes."""

from __future__ import annotations

from datetime import datetime
from typing import Self

import strawberry

from db import access as access_db
from db.models import ApiKey as ApiKeyRow, AppUser, RoleGrant as GrantRow
from schema.context import Context
from schema.enums import Role, Scope
from schema.node import Node, to_global_id
from schema.units.types import Unit, tree_date


async def _unit(info: strawberry.Info[Context, None], unit_id: int) -> Unit:
    row = await info.context.loaders.unit.load(unit_id)
    assert row is not None, "foreign keys keep units of grants, users and keys"
    return Unit.from_row(row, at=tree_date(row, None, info.context.today))


@strawberry.type(description="Something a role allows: an action on a resource, within a scope.")
class Permission:
    resource: str = strawberry.field(description="What it applies to: `plan`, `person`, `user`…")
    action: str = strawberry.field(description="What may be done: `read`, `approve`…")
    scope: Scope = strawberry.field(description="How far it reaches from the granted unit.")


@strawberry.type(description="A role held on a unit (phân quyền), live or revoked.")
class RoleGrant(Node):
    role: Role = strawberry.field(description="The role held.")
    granted_at: datetime = strawberry.field(description="When it was granted.")
    reason: str | None = strawberry.field(description="Why it was granted, as recorded.")
    revoked_at: datetime | None = strawberry.field(description="When it was revoked, if it was.")
    row: strawberry.Private[GrantRow]

    @classmethod
    def from_row(cls, row: GrantRow) -> Self:
        return cls(
            id=to_global_id("RoleGrant", row.id),
            role=row.role,
            granted_at=row.granted_at,
            reason=row.reason,
            revoked_at=row.revoked_at,
            row=row,
        )

    @strawberry.field(description="The unit the role is held on.")
    async def unit(self, info: strawberry.Info[Context, None]) -> Unit:
        return await _unit(info, self.row.unit_id)

    @strawberry.field(description="What the role allows, and how far (from policies/policy.csv).")
    def allows(self, info: strawberry.Info[Context, None]) -> list[Permission]:
        policy = info.context.access.policy
        return [
            Permission(resource=resource, action=action, scope=scope)
            for resource, action, scope in policy.granted_permissions(self.row.role)
        ]


@strawberry.type(description="An official's login account (tài khoản cán bộ).")
class User(Node):
    username: str = strawberry.field(description="The login name.")
    full_name: str = strawberry.field(description="The official's full name (họ và tên).")
    active: bool = strawberry.field(description="False once deactivated: it can no longer log in.")
    row: strawberry.Private[AppUser]

    @classmethod
    def from_row(cls, row: AppUser) -> Self:
        return cls(
            id=to_global_id("User", row.id),
            username=row.username,
            full_name=row.full_name,
            active=row.active,
            row=row,
        )

    @strawberry.field(description="The unit the official works in.")
    async def unit(self, info: strawberry.Info[Context, None]) -> Unit:
        return await _unit(info, self.row.unit_id)

    @strawberry.field(description="The roles the official holds now, oldest first.")
    async def grants(self, info: strawberry.Info[Context, None]) -> list[RoleGrant]:
        rows = await info.context.loaders.grants_of_user.load(self.row.id)
        return [RoleGrant.from_row(row) for row in rows]


@strawberry.type(description="An integrator's API key: reads aggregates of its unit's subtree.")
class ApiKey(Node):
    name: str = strawberry.field(description="What the key is for, as its creator named it.")
    created_at: datetime = strawberry.field(description="When it was created.")
    expires_at: datetime | None = strawberry.field(description="When it stops working.")
    revoked_at: datetime | None = strawberry.field(description="When it was revoked, if it was.")
    row: strawberry.Private[ApiKeyRow]

    @classmethod
    def from_row(cls, row: ApiKeyRow) -> Self:
        return cls(
            id=to_global_id("ApiKey", row.id),
            name=row.name,
            created_at=row.created_at,
            expires_at=row.expires_at,
            revoked_at=row.revoked_at,
            row=row,
        )

    @strawberry.field(description="The unit whose subtree the key reads.")
    async def unit(self, info: strawberry.Info[Context, None]) -> Unit:
        return await _unit(info, self.row.unit_id)


@strawberry.type(description="Who is calling: the logged-in official, or the API key used.")
class Viewer:
    user: User | None = strawberry.field(description="The official, when logged in.")
    api_key: ApiKey | None = strawberry.field(description="The API key, when one is used.")
    grants: list[RoleGrant] = strawberry.field(
        description="The roles an official holds. Empty for an API key, which acts as the "
        "INTEGRATOR role on `apiKey.unit`."
    )


@strawberry.type(description="Tokens of a new or refreshed login session.")
class AuthPayload:
    access_token: str = strawberry.field(
        description="Send as `Authorization: Bearer <accessToken>`; short-lived."
    )
    expires_at: datetime = strawberry.field(description="When the access token expires.")
    refresh_token: str = strawberry.field(
        description="Exchange with `refreshToken` for new tokens; each works once."
    )
    refresh_expires_at: datetime = strawberry.field(description="When the refresh token expires.")


@strawberry.type(description="Wrong username or password (which one is not said), or a bad token.")
class InvalidCredentials:
    message: str


@strawberry.type(
    description="Too many failed logins for this username from this address (each failure "
    "doubles the wait), or for this username from everywhere (it is then slowed, never "
    "locked): try again in `retryAfter` seconds. Said alike whether the username exists."
)
class TooManyAttempts:
    message: str
    code: str = strawberry.field(description="`TOO_MANY_ATTEMPTS`.")
    retry_after: int = strawberry.field(description="Seconds to wait before trying again.")


@strawberry.type(description="The session is over: its refresh tokens no longer work.")
class LoggedOut:
    ok: bool


@strawberry.type(description="An API key was created: its secret is shown this once only.")
class ApiKeyCreated:
    api_key: ApiKey
    secret: str = strawberry.field(description="Send as `Authorization: Bearer <secret>`.")


@strawberry.type(description="The API key after the change.")
class ApiKeyPayload:
    api_key: ApiKey


@strawberry.type(description="The user after the change.")
class UserPayload:
    user: User


@strawberry.type(description="The grant after the change.")
class GrantPayload:
    grant: RoleGrant


async def visible_grant(ctx: Context, grant_id: int) -> RoleGrant | None:
    """The grant, live or revoked, if the caller sees it somewhere: on its holder's account
    (`users { grants }`: reading users of the holder's unit), as an admin of grants on its unit
    (`revokeRole`), or as its holder (`viewer`). None otherwise, as for an unknown id."""
    principal = ctx.principal
    if principal is None or not principal.is_official:
        return None
    found = (await ctx.db(access_db.grants_by_ids, [grant_id])).get(grant_id)
    if found is None:
        return None
    grant, holder_path, granted_path = found
    if (
        grant.user_id == principal.user_id
        or ctx.allows("read", "user", holder_path)
        or ctx.allows("manage", "grant", granted_path)
    ):
        return RoleGrant.from_row(grant)
    return None


async def visible_api_key(ctx: Context, key_id: int) -> ApiKey | None:
    """The API key, if the caller sees it somewhere: as an admin of API keys on its unit
    (`createApiKey`, `revokeApiKey`), or as the key itself (`viewer`). None otherwise."""
    principal = ctx.principal
    if principal is None:
        return None
    key = await ctx.db(access_db.api_key, key_id=key_id)
    if key is None:
        return None
    if key.id == principal.api_key_id:
        return ApiKey.from_row(key)
    path = await ctx.db(access_db.unit_path, unit_id=key.unit_id)
    if not principal.is_official or path is None or not ctx.allows("manage", "apikey", path):
        return None
    return ApiKey.from_row(key)
