"""A session that ends, ends now, in every server process (issue 13, problem 7).

Two apps on one database, each with its own principal cache and access listener, as two
uvicorn workers are: a session is begun and ended through the first, and the access token it
issued is refused by the second within a second — not 15 minutes later, when it expires.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest

from schema.access.services import AccessServices
from tests.api.test_propagation import PASSWORD, prepare, start_app, within_a_second
from tests.conftest import fresh_database, log_in

Apps = tuple[httpx.AsyncClient, httpx.AsyncClient]
ME = {"query": "{ viewer { user { id username } } }"}
REFRESH = """
mutation ($t: String!) {
  refreshToken(input: {refreshToken: $t}) {
    __typename ... on AuthPayload { accessToken refreshToken }
  }
}
"""
LOGOUT = "mutation ($t: String!) { logout(input: {refreshToken: $t}) { ok } }"


@pytest.fixture
async def two_apps(server_url: str, access: AccessServices) -> AsyncIterator[Apps]:
    async with fresh_database(server_url, "quyhoach_sessions") as url:
        await prepare(url, access)
        async with AsyncExitStack() as stack:
            yield await start_app(url, access, stack), await start_app(url, access, stack)


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def post(
    client: httpx.AsyncClient, query: str, token: str | None = None, **variables: Any
) -> Any:
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers=bearer(token) if token else {},
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def works(client: httpx.AsyncClient, token: str) -> bool:
    response = await client.post("/graphql", json=ME, headers=bearer(token))
    if response.status_code == 401:
        assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_TOKEN"
        return False
    assert response.json()["data"]["viewer"]["user"]["username"] == "viewer.vn"
    return True


async def refused_within_a_second(client: httpx.AsyncClient, token: str) -> bool:
    async def refused() -> bool:
        return not await works(client, token)

    return await within_a_second(refused)


async def test_logout_through_one_process_ends_the_token_in_the_other(two_apps: Apps) -> None:
    first, second = two_apps
    tokens = await log_in(first, "viewer.vn", PASSWORD)
    other = await log_in(second, "viewer.vn", PASSWORD)  # another session of the same official
    assert await works(second, tokens["accessToken"])  # known, cached in the second process

    assert (await post(first, LOGOUT, t=tokens["refreshToken"]))["logout"]["ok"]

    assert await refused_within_a_second(second, tokens["accessToken"])
    assert not await works(first, tokens["accessToken"])
    assert await works(second, other["accessToken"])  # only that session ended
    assert await works(first, other["accessToken"])


async def test_a_reused_refresh_token_ends_every_token_of_its_session(two_apps: Apps) -> None:
    first, second = two_apps
    stolen = await log_in(first, "viewer.vn", PASSWORD)
    rotated = (await post(first, REFRESH, t=stolen["refreshToken"]))["refreshToken"]
    assert await works(second, stolen["accessToken"])
    assert await works(second, rotated["accessToken"])

    replayed = (await post(first, REFRESH, t=stolen["refreshToken"]))["refreshToken"]

    assert replayed["__typename"] == "InvalidCredentials"
    assert await refused_within_a_second(second, rotated["accessToken"])
    assert not await works(second, stolen["accessToken"])


async def test_a_password_reset_ends_every_session_of_the_account(two_apps: Apps) -> None:
    first, second = two_apps
    admin = (await log_in(first, "admin.vn", PASSWORD))["accessToken"]
    sessions = [(await log_in(app, "viewer.vn", PASSWORD))["accessToken"] for app in two_apps]
    assert all([await works(second, token) for token in sessions])
    me = await post(second, ME["query"], sessions[0])

    reset = await post(
        first,
        "mutation ($u: ID!) { resetPassword(input: {user: $u, newPassword: "
        '"một mật khẩu mới hẳn 2027"}) { __typename } }',
        admin,
        u=me["viewer"]["user"]["id"],
    )

    assert reset["resetPassword"]["__typename"] == "UserPayload"
    for token in sessions:
        assert await refused_within_a_second(second, token)
        assert not await works(first, token)
    assert await log_in(second, "viewer.vn", "một mật khẩu mới hẳn 2027")  # the account works


async def test_a_deactivation_ends_every_session_of_the_account(two_apps: Apps) -> None:
    first, second = two_apps
    admin = (await log_in(first, "admin.vn", PASSWORD))["accessToken"]
    token = (await log_in(first, "viewer.vn", PASSWORD))["accessToken"]
    assert await works(second, token)
    me = await post(second, ME["query"], token)

    await post(
        first,
        'mutation ($u: ID!) { deactivateUser(input: {user: $u, reason: "nghỉ hưu"}) '
        "{ __typename } }",
        admin,
        u=me["viewer"]["user"]["id"],
    )

    assert await refused_within_a_second(second, token)


async def test_a_revoked_api_key_is_refused_by_the_other_process(two_apps: Apps) -> None:
    first, second = two_apps
    admin = (await log_in(first, "admin.vn", PASSWORD))["accessToken"]
    national = await post(
        first, "{ units(kind: CENTRAL, first: 1) { edges { node { id } } } }", admin
    )
    created = await post(
        first,
        'mutation ($u: ID!) { createApiKey(input: {name: "bảng số liệu", unit: $u}) '
        "{ __typename ... on ApiKeyCreated { secret apiKey { id } } } }",
        admin,
        u=national["units"]["edges"][0]["node"]["id"],
    )
    key = created["createApiKey"]
    figures = {"query": "{ units(kind: CENTRAL, first: 1) { edges { node { code } } } }"}

    async def answered() -> int:
        return (
            await second.post("/graphql", json=figures, headers=bearer(key["secret"]))
        ).status_code

    assert await answered() == 200
    await post(
        first,
        "mutation ($k: ID!) { revokeApiKey(input: {apiKey: $k}) { __typename } }",
        admin,
        k=key["apiKey"]["id"],
    )

    async def refused() -> bool:
        return await answered() == 401

    assert await within_a_second(refused)
