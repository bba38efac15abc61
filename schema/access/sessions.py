"""Logging in and out: login, refreshToken (rotating), logout. Public by nature."""

from __future__ import annotations

import uuid
from typing import Annotated

import strawberry

from db import access as access_db, rls
from planning.access import LoginState, after_failure, is_locked
from schema.access.types import AccountLocked, AuthPayload, InvalidCredentials, LoggedOut
from schema.context import Context
from schema.messages import text

LoginResult = Annotated[
    AuthPayload | InvalidCredentials | AccountLocked, strawberry.union("LoginResult")
]
RefreshResult = Annotated[AuthPayload | InvalidCredentials, strawberry.union("RefreshResult")]


@strawberry.input(description="A username and password.")
class LoginInput:
    username: str
    password: str


@strawberry.input(description="A refresh token received from `login` or `refreshToken`.")
class RefreshTokenInput:
    refresh_token: str


def _invalid(ctx: Context) -> InvalidCredentials:
    return InvalidCredentials(message=text("INVALID_CREDENTIALS", ctx.language))


def _locked(ctx: Context, state: LoginState) -> AccountLocked:
    assert state.locked_until is not None
    until = state.locked_until.astimezone(ctx.now.tzinfo)
    message = text("ACCOUNT_LOCKED", ctx.language, until=f"{until:%H:%M}")
    return AccountLocked(message=message, until=until)


async def _issue(ctx: Context, *, user_id: int, family: uuid.UUID) -> AuthPayload:
    credentials = ctx.access.credentials
    access_token, expires_at = credentials.access_token(user_id=user_id, now=ctx.now)
    refresh_token, token_hash = credentials.new_refresh_token()
    refresh_expires_at = ctx.now + credentials.refresh_ttl
    await ctx.db(
        access_db.add_refresh_token,
        family=family,
        user_id=user_id,
        token_hash=token_hash,
        issued_at=ctx.now,
        expires_at=refresh_expires_at,
    )
    return AuthPayload(
        access_token=access_token,
        expires_at=expires_at,
        refresh_token=refresh_token,
        refresh_expires_at=refresh_expires_at,
    )


@strawberry.type
class SessionMutation:
    @strawberry.mutation(
        description="Log in with a username and password (đăng nhập). Five failures in a row "
        "lock the username for 15 minutes; the answer never tells whether a username exists."
    )
    async def login(self, info: strawberry.Info[Context, None], input: LoginInput) -> LoginResult:
        ctx = info.context
        username = input.username.strip()
        if not 0 < len(username) <= 64 or len(input.password) > ctx.access.passwords.max_length:
            return _invalid(ctx)
        throttle = await ctx.db(access_db.throttle_for_update, username=username)
        state = LoginState(failures=throttle.failures, locked_until=throttle.locked_until)
        if is_locked(state, now=ctx.now):
            await ctx.session.rollback()
            return _locked(ctx, state)
        # Nobody is authenticated yet: the login is looked up past the (empty) scope.
        user = await ctx.db(
            rls.across(rls.AUTHENTICATION, access_db.user_by_username), username=username
        )
        verified = await ctx.access.credentials.verify_password(
            user.password_hash if user is not None and user.active else None, input.password
        )
        if user is None or not verified:
            state = after_failure(state, now=ctx.now, rules=ctx.access.lockout)
            throttle.failures, throttle.locked_until = state.failures, state.locked_until
            await ctx.session.commit()
            return _locked(ctx, state) if is_locked(state, now=ctx.now) else _invalid(ctx)
        throttle.failures, throttle.locked_until = 0, None
        payload = await _issue(ctx, user_id=user.id, family=uuid.uuid4())
        await ctx.session.commit()
        return payload

    @strawberry.mutation(
        description="Exchange a refresh token for new tokens. Each refresh token works once: "
        "presenting a used one again ends the whole session (it was probably stolen)."
    )
    async def refresh_token(
        self, info: strawberry.Info[Context, None], input: RefreshTokenInput
    ) -> RefreshResult:
        ctx = info.context
        token_hash = ctx.access.credentials.hash_refresh_token(input.refresh_token)
        row = await ctx.db(access_db.refresh_token_for_update, token_hash=token_hash)
        if row is None or row.revoked_at is not None or row.expires_at <= ctx.now:
            return _invalid(ctx)
        if row.used_at is not None:
            await ctx.db(access_db.revoke_family, family=row.family, now=ctx.now)
            await ctx.session.commit()
            return _invalid(ctx)
        row.used_at = ctx.now
        principal_of = rls.across(rls.AUTHENTICATION, access_db.principal_of_user)
        if await ctx.db(principal_of, user_id=row.user_id) is None:
            await ctx.session.commit()
            return _invalid(ctx)  # deactivated since
        payload = await _issue(ctx, user_id=row.user_id, family=row.family)
        await ctx.session.commit()
        return payload

    @strawberry.mutation(description="End the session of a refresh token (đăng xuất).")
    async def logout(
        self, info: strawberry.Info[Context, None], input: RefreshTokenInput
    ) -> LoggedOut:
        ctx = info.context
        token_hash = ctx.access.credentials.hash_refresh_token(input.refresh_token)
        row = await ctx.db(access_db.refresh_token_for_update, token_hash=token_hash)
        if row is not None:
            await ctx.db(access_db.revoke_family, family=row.family, now=ctx.now)
            await ctx.session.commit()
        return LoggedOut(ok=True)
