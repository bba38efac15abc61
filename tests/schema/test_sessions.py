"""Logging in and out through GraphQL: passwords, lockout, rotating refresh tokens."""

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
    ... on AccountLocked { until message }
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

    async def test_five_failures_lock_the_username_even_for_the_right_password(
        self, run: Runner, session: AsyncSession, access: AccessServices
    ) -> None:
        await make_user(session, access, "tran.thi.b")

        answers = [
            (await login(run, "tran.thi.b", "wrong guess 1234"))["__typename"] for _ in range(5)
        ]
        locked = await login(run, "tran.thi.b", PASSWORD)

        assert answers == ["InvalidCredentials"] * 4 + ["AccountLocked"]
        assert locked["__typename"] == "AccountLocked"
        assert locked["until"] == "2026-11-21T10:15:00+07:00"

    async def test_unknown_usernames_lock_the_same_way(self, run: Runner) -> None:
        answers = [(await login(run, "ghost", "wrong guess 1234"))["__typename"] for _ in range(5)]

        assert answers[-1] == "AccountLocked"

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
