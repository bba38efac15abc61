"""API keys for integrators: created and revoked by admins inside their subtree."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from db import access as access_db
from planning.problems import problem
from schema.access.types import ApiKey, ApiKeyCreated, ApiKeyPayload
from schema.audit import actor, audit_change, unit_path
from schema.context import Context
from schema.node import row_id
from schema.outcomes import (
    NotAllowed,
    NotFound,
    ValidationFailed,
    not_allowed,
    not_found,
    validation_failed,
)
from schema.permissions import official

CreateApiKeyResult = Annotated[
    ApiKeyCreated | NotAllowed | NotFound | ValidationFailed, strawberry.union("CreateApiKeyResult")
]
ApiKeyResult = Annotated[ApiKeyPayload | NotAllowed | NotFound, strawberry.union("ApiKeyResult")]


@strawberry.input(description="An API key for an integrator, reading one unit's subtree.")
class CreateApiKeyInput:
    name: str
    unit: strawberry.ID
    expires_at: datetime | None = None


@strawberry.input(description="An API key to revoke.")
class RevokeApiKeyInput:
    api_key: strawberry.ID


@strawberry.type
class ApiKeyMutation:
    @strawberry.mutation(
        description="Create an API key for an integrator reading aggregates of a unit's subtree. "
        "The secret is in this answer only; only its hash is kept.",
        extensions=official(),
    )
    async def create_api_key(
        self, info: strawberry.Info[Context, None], input: CreateApiKeyInput
    ) -> CreateApiKeyResult:
        ctx = info.context
        unit_id = row_id(input.unit, "Unit")
        path = await unit_path(ctx, unit_id)
        if unit_id is None or path is None:
            return not_found(ctx, input.unit)
        if not ctx.allows("manage", "apikey", path):
            return not_allowed(ctx, "manage", "apikey")
        name = input.name.strip()
        problems = []
        if not 0 < len(name) <= 200:
            problems.append(problem("BAD_NAME", "name", most=200))
        if input.expires_at is not None and input.expires_at <= ctx.now:
            problems.append(problem("EXPIRES_IN_PAST", "expiresAt"))
        if problems:
            return validation_failed(ctx, problems)
        key = await ctx.db(
            access_db.add_api_key,
            name=name,
            unit_id=unit_id,
            created_by=actor(ctx),
            expires_at=input.expires_at,
            now=ctx.now,
        )
        secret, key.secret_hash = ctx.access.credentials.new_api_key_secret(key.id)
        await audit_change(
            ctx,
            "create_api_key",
            "api_key",
            key.id,
            unit_id,
            after={"name": name, "unit_id": unit_id},
        )
        await ctx.session.commit()
        return ApiKeyCreated(api_key=ApiKey.from_row(key), secret=secret)

    @strawberry.mutation(
        description="Revoke an API key of your subtree; it stops working at once.",
        extensions=official(),
    )
    async def revoke_api_key(
        self, info: strawberry.Info[Context, None], input: RevokeApiKeyInput
    ) -> ApiKeyResult:
        ctx = info.context
        key_id = row_id(input.api_key, "ApiKey")
        key = await ctx.db(access_db.api_key_for_update, key_id=key_id) if key_id else None
        path = await unit_path(ctx, key.unit_id) if key else None
        # Only its unit's admins see a key (visible_api_key): to anyone else it is unknown.
        if key is None or path is None or not ctx.allows("manage", "apikey", path):
            return not_found(ctx, input.api_key)
        if key.revoked_at is None:
            key.revoked_at, key.revoked_by = ctx.now, actor(ctx)
            await audit_change(ctx, "revoke_api_key", "api_key", key.id, key.unit_id)
            await ctx.session.commit()
        return ApiKeyPayload(api_key=ApiKey.from_row(key))
