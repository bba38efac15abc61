"""Logging in and out: login, refreshToken (rotating), logout. Public by nature."""

from __future__ import annotations

import math
import uuid
from datetime import timedelta
from typing import Annotated

import strawberry

from db import access as access_db, rls
from db.models import LoginSource, LoginThrottle
from planning.access import (
    AccountAttempts,
    SourceAttempts,
    after_failed_attempt,
    after_login,
    wait_before_attempt,
)
from schema.access.types import AuthPayload, InvalidCredentials, LoggedOut, TooManyAttempts
from schema.context import Context
from schema.messages import text

LoginResult = Annotated[
    AuthPayload | InvalidCredentials | TooManyAttempts, strawberry.union("LoginResult")
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


def _too_many(ctx: Context, wait: timedelta) -> TooManyAttempts:
    retry_after = max(1, math.ceil(wait.total_seconds()))
    message = text("TOO_MANY_ATTEMPTS", ctx.language, retry_after=retry_after)
    return TooManyAttempts(message=message, code="TOO_MANY_ATTEMPTS", retry_after=retry_after)


def _attempts(
    throttle: LoginThrottle, source: LoginSource
) -> tuple[SourceAttempts, AccountAttempts]:
    return (
        SourceAttempts(
            failures=source.failures,
            last_failure_at=source.last_failure_at,
            last_success_at=source.last_success_at,
        ),
        AccountAttempts(
            failures=throttle.failures,
            window_started_at=throttle.window_started_at,
            slowed_until=throttle.slowed_until,
        ),
    )


def _record(
    throttle: LoginThrottle, row: LoginSource, source: SourceAttempts, account: AccountAttempts
) -> None:
    row.failures, row.last_failure_at = source.failures, source.last_failure_at
    row.last_success_at = source.last_success_at
    throttle.failures, throttle.window_started_at = account.failures, account.window_started_at
    throttle.slowed_until = account.slowed_until


async def _issue(ctx: Context, *, user_id: int, family: uuid.UUID) -> AuthPayload:
    credentials = ctx.access.credentials
    access_token, expires_at = credentials.access_token(
        user_id=user_id, session_id=family, now=ctx.now
    )
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
        description="Log in with a username and password (đăng nhập). Each failure from one "
        "address doubles the wait before that address may try the username again, and a "
        "username failing too often from everywhere is slowed, never locked: both answer "
        "`TooManyAttempts { retryAfter }`. The answers never tell whether a username exists."
    )
    async def login(self, info: strawberry.Info[Context, None], input: LoginInput) -> LoginResult:
        ctx = info.context
        rules = ctx.access.throttle
        username = input.username.strip()
        if not 0 < len(username) <= 64 or len(input.password) > ctx.access.passwords.max_length:
            return _invalid(ctx)
        throttle = await ctx.db(access_db.throttle_for_update, username=username)
        await ctx.db(
            access_db.forget_quiet_sources,
            username=username,
            quiet_since=ctx.now - rules.forget_after,
            known_since=ctx.now - rules.known_for,
        )
        row = await ctx.db(access_db.login_source, username=username, address=ctx.client_address)
        source, account = _attempts(throttle, row)
        wait = wait_before_attempt(source, account, now=ctx.now, rules=rules)
        if wait is not None:  # checked before the password, so a waiting guess learns nothing
            await ctx.session.rollback()
            return _too_many(ctx, wait)
        # Nobody is authenticated yet: the login is looked up past the (empty) scope.
        user = await ctx.db(
            rls.across(rls.AUTHENTICATION, access_db.user_by_username), username=username
        )
        verified = await ctx.access.credentials.verify_password(
            user.password_hash if user is not None and user.active else None, input.password
        )
        if user is None or not verified:
            source, account = after_failed_attempt(source, account, now=ctx.now, rules=rules)
            _record(throttle, row, source, account)
            await ctx.session.commit()
            return _invalid(ctx)
        _record(throttle, row, after_login(source, now=ctx.now), account)
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
