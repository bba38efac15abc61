"""Logging in and out through GraphQL: passwords, throttling, rotating refresh tokens."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from planning.access import Role
from schema.access.services import AccessServices
from tests.conftest import NOW, Runner
from tests.factories import PASSWORD, make_user

LOGIN = """
mutation ($u: String!, $p: String!) {
  login(input: {username: $u, password: $p}) {
    __typename
    ... on AuthPayload { accessToken refreshToken expiresAt refreshExpiresAt }
    ... on InvalidCredentials { message }
    ... on TooManyAttempts { code retryAfter message }
  }
}
"""
REFRESH = """
mutation ($t: String!) {
  refreshToken(input: {refreshToken: $t}) {
    __typename
    ... on AuthPayload { accessToken refreshToken }
  }
}
"""
LOGOUT = "mutation ($t: String!) { logout(input: {refreshToken: $t}) { ok } }"


async def login(run: Runner, username: str, password: str) -> Any:
    return (await run.as_(None).data(LOGIN, {"u": username, "p": password}))["login"]


async def refresh(run: Runner, token: str) -> Any:
    return (await run.as_(None).data(REFRESH, {"t": token}))["refreshToken"]


class TestLogin:
    async def test_gives_tokens_for_the_right_password(
        self, run: Runner, session: AsyncSession, access: AccessServices
    ) -> None:
        await make_user(session, access, "tran.thi.b", roles=[Role.VIEWER])

        result = await login(run, "Tran.Thi.B", PASSWORD)  # usernames ignore case

        assert result["__typename"] == "AuthPayload"
        assert result["expiresAt"] == "2026-11-21T10:15:00+07:00"
        claims = access.credentials.read_access_token(result["accessToken"], now=NOW)
        assert claims.user_id > 0

    async def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(
        self, run: Runner, session: AsyncSession, access: AccessServices
    ) -> None:
        await make_user(session, access, "tran.thi.b")

        wrong_password = await login(run, "tran.thi.b", "not the password at all")
        unknown_user = await login(run, "nobody.here", "not the password at all")

        assert wrong_password == unknown_user
        assert wrong_password["__typename"] == "InvalidCredentials"

    async def test_a_failure_makes_the_address_wait_even_for_the_right_password(
        self, run: Runner, session: AsyncSession, access: AccessServices
    ) -> None:
        await make_user(session, access, "tran.thi.b")

        failed = await login(run, "tran.thi.b", "wrong guess 1234")
        waiting = await login(run, "tran.thi.b", PASSWORD)  # the same instant (a fixed clock)

        assert failed["__typename"] == "InvalidCredentials"
        assert waiting == {
            "__typename": "TooManyAttempts",
            "code": "TOO_MANY_ATTEMPTS",
            "retryAfter": 1,
            "message": "Too many failed logins: wait 1 s before trying again.",
        }

    async def test_unknown_usernames_are_throttled_the_same_way(
        self, run: Runner, session: AsyncSession, access: AccessServices
    ) -> None:
        await make_user(session, access, "tran.thi.b")
        known = [await login(run, "tran.thi.b", "wrong guess 1234") for _ in range(2)]
        ghost = [await login(run, "ghost", "wrong guess 1234") for _ in range(2)]

        assert known == ghost
        assert ghost[-1]["__typename"] == "TooManyAttempts"

    async def test_a_deactivated_account_cannot_log_in(
        self, run: Runner, session: AsyncSession, access: AccessServices
    ) -> None:
        user, _ = await make_user(session, access, "tran.thi.b")
        user.active = False

        assert (await login(run, "tran.thi.b", PASSWORD))["__typename"] == "InvalidCredentials"


class TestRefreshToken:
    async def test_rotates_the_refresh_token(
        self, run: Runner, session: AsyncSession, access: AccessServices
    ) -> None:
        await make_user(session, access, "tran.thi.b")
        first = await login(run, "tran.thi.b", PASSWORD)

        second = await refresh(run, first["refreshToken"])
        third = await refresh(run, second["refreshToken"])

        assert second["__typename"] == third["__typename"] == "AuthPayload"
        assert len({first["refreshToken"], second["refreshToken"], third["refreshToken"]}) == 3

    async def test_a_reused_refresh_token_ends_the_whole_session(
        self, run: Runner, session: AsyncSession, access: AccessServices
    ) -> None:
        await make_user(session, access, "tran.thi.b")
        first = await login(run, "tran.thi.b", PASSWORD)
        second = await refresh(run, first["refreshToken"])

        replayed = await refresh(run, first["refreshToken"])
        after_theft = await refresh(run, second["refreshToken"])

        assert replayed["__typename"] == "InvalidCredentials"
        assert after_theft["__typename"] == "InvalidCredentials"

    async def test_logout_ends_the_session(
        self, run: Runner, session: AsyncSession, access: AccessServices
    ) -> None:
        await make_user(session, access, "tran.thi.b")
        tokens = await login(run, "tran.thi.b", PASSWORD)

        assert (await run.as_(None).data(LOGOUT, {"t": tokens["refreshToken"]}))["logout"]["ok"]
        assert (await refresh(run, tokens["refreshToken"]))["__typename"] == "InvalidCredentials"

    async def test_garbage_is_refused(self, run: Runner) -> None:
        assert (await refresh(run, "garbage"))["__typename"] == "InvalidCredentials"
