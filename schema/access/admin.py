"""Decentralised administration: users, grants and API keys inside the admin's subtree.

Each mutation reads load → authorize → decide → write (with its audit event) → commit once.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from db import access as access_db
from db.models import AppUser
from planning.access import grant_refusal, password_problems
from planning.units import closed_problem
from schema.access.accounts import create_account
from schema.access.types import (
    GrantPayload,
    RoleGrant,
    User,
    UserPayload,
    visible_grant,
)
from schema.audit import actor, audit_change, unit_path
from schema.context import Context
from schema.enums import Role
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
from schema.units.types import successors_named

UserResult = Annotated[
    UserPayload | NotAllowed | NotFound | ValidationFailed, strawberry.union("UserResult")
]
GrantResult = Annotated[
    GrantPayload | NotAllowed | NotFound | ValidationFailed, strawberry.union("GrantResult")
]


@strawberry.input(description="A new official's account, in a unit of the admin's subtree.")
class CreateUserInput:
    username: str = strawberry.field(description="3–64 ASCII letters, digits, `.`, `_` or `-`.")
    password: str = strawberry.field(description="12+ characters, not common, not the username.")
    full_name: str
    unit: strawberry.ID


@strawberry.input(description="Which account to deactivate, and why.")
class DeactivateUserInput:
    user: strawberry.ID
    reason: str


@strawberry.input(description="A new password for another official's account.")
class ResetPasswordInput:
    user: strawberry.ID
    new_password: str


@strawberry.input(description="A role to grant to a user on a unit, and why.")
class GrantRoleInput:
    user: strawberry.ID
    role: Role
    unit: strawberry.ID
    reason: str | None = None


@strawberry.input(description="A grant to revoke, and why.")
class RevokeRoleInput:
    grant: strawberry.ID
    reason: str | None = None


async def managed_user(ctx: Context, global_id: str) -> AppUser | NotFound | NotAllowed:
    """The account ``global_id`` names, locked, if the caller administers its unit. An account
    the caller may not even read is answered like an unknown id: NotAllowed would say it exists."""
    user_id = row_id(global_id, "User")
    user = await ctx.db(access_db.user_for_update, user_id=user_id) if user_id else None
    path = await unit_path(ctx, user.unit_id) if user else None
    if user is None or path is None or not ctx.allows("read", "user", path):
        return not_found(ctx, global_id)
    if not ctx.allows("manage", "user", path):
        return not_allowed(ctx, "manage", "user")
    return user


@strawberry.type
class AdminMutation:
    @strawberry.mutation(
        description="Create an official's account in a unit of your subtree (tạo tài khoản).",
        extensions=official(),
    )
    async def create_user(
        self, info: strawberry.Info[Context, None], input: CreateUserInput
    ) -> UserResult:
        ctx = info.context
        unit_id = row_id(input.unit, "Unit")
        path = await unit_path(ctx, unit_id)
        if unit_id is None or path is None:
            return not_found(ctx, input.unit)
        if not ctx.allows("manage", "user", path):
            return not_allowed(ctx, "manage", "user")
        user = await ctx.db(
            create_account,
            ctx.access,
            username=input.username,
            password=input.password,
            full_name=input.full_name,
            home=unit_id,
            granted_by=actor(ctx),
            now=ctx.now,
        )
        if not isinstance(user, AppUser):
            return validation_failed(ctx, user)
        await ctx.session.commit()
        return UserPayload(user=User.from_row(user))

    @strawberry.mutation(
        description="Deactivate an account of your subtree: it can no longer log in, and its "
        "sessions end. Nothing is deleted.",
        extensions=official(),
    )
    async def deactivate_user(
        self, info: strawberry.Info[Context, None], input: DeactivateUserInput
    ) -> UserResult:
        ctx = info.context
        user = await managed_user(ctx, input.user)
        if not isinstance(user, AppUser):
            return user
        if user.id == actor(ctx):
            return not_allowed(ctx, "manage", "user", code="SELF_DEACTIVATION")
        if user.active:
            user.active = False
            await ctx.db(access_db.revoke_tokens_of, user_id=user.id, now=ctx.now)
            await audit_change(
                ctx,
                "deactivate_user",
                "user",
                user.id,
                user.unit_id,
                before={"active": True},
                after={"active": False},
                reason=input.reason,
            )
            await ctx.session.commit()
        return UserPayload(user=User.from_row(user))

    @strawberry.mutation(
        description="Set a new password on an account of your subtree; its sessions end.",
        extensions=official(),
    )
    async def reset_password(
        self, info: strawberry.Info[Context, None], input: ResetPasswordInput
    ) -> UserResult:
        ctx = info.context
        user = await managed_user(ctx, input.user)
        if not isinstance(user, AppUser):
            return user
        problems = password_problems(
            input.new_password,
            username=user.username,
            common=ctx.access.common_passwords,
            rules=ctx.access.passwords,
        )
        if problems:
            return validation_failed(ctx, problems)
        user.password_hash = await ctx.access.credentials.hash_password(input.new_password)
        user.password_changed_at = ctx.now
        await ctx.db(access_db.revoke_tokens_of, user_id=user.id, now=ctx.now)
        await audit_change(ctx, "reset_password", "user", user.id, user.unit_id)
        await ctx.session.commit()
        return UserPayload(user=User.from_row(user))

    @strawberry.mutation(
        description="Grant a role on a unit of your subtree. You may grant only roles you hold "
        "there yourself, and never to yourself (phân quyền).",
        extensions=official(),
    )
    async def grant_role(
        self, info: strawberry.Info[Context, None], input: GrantRoleInput
    ) -> GrantResult:
        ctx = info.context
        user_id, unit_id = row_id(input.user, "User"), row_id(input.unit, "Unit")
        user = await ctx.db(access_db.user_for_update, user_id=user_id) if user_id else None
        holder = await unit_path(ctx, user.unit_id) if user else None
        # An account the caller may not read is answered like an unknown one.
        if user is None or not user.active or not holder or not ctx.allows("read", "user", holder):
            return not_found(ctx, input.user)
        path = await unit_path(ctx, unit_id)
        if unit_id is None or path is None:
            return not_found(ctx, input.unit)
        if not ctx.allows("manage", "grant", path):
            return not_allowed(ctx, "manage", "grant")
        assert ctx.principal is not None
        refusal = grant_refusal(
            granter=ctx.principal, grantee_user_id=user.id, role=input.role, target_path=path
        )
        if refusal is not None:
            return not_allowed(ctx, "grant", input.role.value, code=refusal)
        unit = await ctx.loaders.unit.load(unit_id)
        assert unit is not None
        closed = closed_problem(
            unit.valid_to,
            today=ctx.today,
            field="unit",
            successors=await successors_named(ctx, unit),
        )
        if closed is not None:  # nobody works for a closed unit any more (DOMAIN.md A.11)
            return validation_failed(ctx, [closed])
        existing = await ctx.db(
            access_db.live_grant, user_id=user.id, role=input.role, unit_id=unit_id
        )
        if existing is not None:  # granting twice is answered with the grant, not duplicated
            return GrantPayload(grant=RoleGrant.from_row(existing))
        grant = await ctx.db(
            access_db.add_grant,
            user_id=user.id,
            role=input.role,
            unit_id=unit_id,
            granted_by=actor(ctx),
            reason=input.reason,
            now=ctx.now,
        )
        await audit_change(
            ctx,
            "grant_role",
            "grant",
            grant.id,
            unit_id,
            after={"user_id": user.id, "role": input.role.value, "unit_id": unit_id},
            reason=input.reason,
        )
        await ctx.session.commit()
        return GrantPayload(grant=RoleGrant.from_row(grant))

    @strawberry.mutation(
        description="Revoke a grant on a unit of your subtree, for a role you hold there "
        "yourself. The grant stays in the history, marked revoked.",
        extensions=official(),
    )
    async def revoke_role(
        self, info: strawberry.Info[Context, None], input: RevokeRoleInput
    ) -> GrantResult:
        ctx = info.context
        grant_id = row_id(input.grant, "RoleGrant")
        grant = await ctx.db(access_db.grant_for_update, grant_id=grant_id) if grant_id else None
        if grant is None or await visible_grant(ctx, grant.id) is None:  # unseen: as unknown
            return not_found(ctx, input.grant)
        path = await unit_path(ctx, grant.unit_id)
        if path is None or not ctx.allows("manage", "grant", path):
            return not_allowed(ctx, "manage", "grant")
        assert ctx.principal is not None
        refusal = grant_refusal(
            granter=ctx.principal, grantee_user_id=grant.user_id, role=grant.role, target_path=path
        )
        if refusal is not None:
            return not_allowed(ctx, "revoke", grant.role.value, code=refusal)
        if grant.revoked_at is None:
            grant.revoked_at, grant.revoked_by = ctx.now, actor(ctx)
            grant.revoke_reason = input.reason
            await audit_change(
                ctx,
                "revoke_role",
                "grant",
                grant.id,
                grant.unit_id,
                before={"revoked_at": None},
                after={"revoked_at": ctx.now.isoformat()},
                reason=input.reason,
            )
            await ctx.session.commit()
        return GrantPayload(grant=RoleGrant.from_row(grant))
